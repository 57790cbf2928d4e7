"""The end-user demo, step by step, through the sandbox's own UI routes (the very requests its
page script sends on a click or a Submit; the page itself, in Chromium, is not needed to
carry the actions), with the HTML the sandbox renders for each step saved next to the test
run: a mentee opens a recommended mentor's profile and requests mentoring; the mentor
accepts in the DM; the mentee sends a message and the mentor replies; a meeting proposed
with three slots, the mentor picks the second; a task added and marked done; the connection
survey completed over two pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.http.slack_world import MARIA, SAM, TEAM, World


class Screen:
    """One person's Slack in the sandbox UI."""

    def __init__(self, world: World, user: str, shots: Path) -> None:
        self.world, self.user, self.shots = world, user, shots
        self.base = f"{world.sandbox}/ui/{TEAM}/{user}"

    async def post(self, what: str, body: dict[str, Any]) -> dict[str, Any]:
        answer = await self.world.http.post(f"{self.base}/{what}", json=body)
        assert answer.status_code in (200, 201), answer.text
        result: dict[str, Any] = answer.json()
        assert not result.get("error"), result
        return result

    async def click(self, message: dict[str, Any] | None, action_id: str,
                    value: Any = None, view: dict[str, Any] | None = None) -> None:  # fmt: skip
        where: dict[str, Any] = {"view_id": view["id"]} if view else {}
        if message is not None:
            where = {"channel": message["channel"], "ts": message["ts"]}
        block, value = _element(view or message or {}, action_id, value)
        await self.post("click", {**where, "action_id": action_id, "block_id": block,
                                  "value": value})  # fmt: skip

    async def submit(self, values: dict[str, Any]) -> dict[str, Any]:
        [view, *_] = reversed(await self.world.modals(self.user))
        return await self.post("submit", {"view_id": view["id"], "values": values})

    async def top(self) -> dict[str, Any]:
        views = await self.world.modals(self.user)
        return views[-1]

    async def shows(self, step: str, text: str) -> None:
        """Wait until the rendered DMs or modal show `text` (notes and outcomes arrive just
        after the click's answer), then save them as `NN-step.html`."""

        async def rendered() -> str:
            found = await self.world.http.get(f"{self.base}/surface", params={"tab": "messages"})
            data = found.json()
            html = f"<html><body>{data['html']}<hr>{data['modal_html']}</body></html>"
            return html if text in html else ""

        html = await self.world.eventually(rendered, f"{self.user} sees {text!r}")
        number = len(list(self.shots.glob("*.html"))) + 1
        (self.shots / f"{number:02d}-{step}.html").write_text(html)


def _element(container: dict[str, Any], action_id: str, value: Any) -> tuple[str, Any]:
    """The block holding the element (the button with `value`, when given) and the value the
    click sends: a button's own, or the option picked."""
    for block in container.get("blocks", []):
        for element in [*block.get("elements", []), block.get("accessory") or {}]:
            if element.get("action_id") != action_id:
                continue
            if element.get("type") != "button":
                return str(block["block_id"]), value
            if value in (None, element.get("value")):
                return str(block["block_id"]), element.get("value")
    raise AssertionError(f"no {action_id} element with {value!r}")


async def test_the_end_user_demo(world: World, tmp_path: Path) -> None:
    shots = tmp_path / "journey"
    shots.mkdir()
    sam, maria = Screen(world, SAM, shots), Screen(world, MARIA, shots)
    otto_request = await world.request(mentor="otto")
    await world.ok("POST", f"/mentor-requests/{otto_request}/decline", "otto", json={})
    await world.deliver()

    # The mentee sees mentors they could ask, opens Maria's profile, requests mentoring.
    suggestions = await world.dm(SAM, "Mentors you could ask")
    await sam.shows("recommended-mentors", "Maria")
    await sam.click(suggestions, "mentor.view_profile", world.acme.members["maria"])
    await sam.shows("mentor-profile", "Open places")
    await sam.submit({})
    await sam.submit({"note": {"value": "I'd like to grow into a tech lead."}})
    await sam.shows("request-sent", "on its way")

    # The mentor accepts in the DM; both are connected.
    await world.deliver()
    request_dm = await world.dm(MARIA, "grow into a tech lead")
    await maria.click(request_dm, "mentor_request.accept")
    await maria.shows("request-accepted", "Accepted by you")
    await world.deliver()
    connected = await world.dm(SAM, "You're connected")

    # The mentee writes, the mentor replies.
    await sam.click(connected, "connection.send_message")
    await sam.submit({"body": {"value": "Hi Maria, thanks! When can we meet?"}})
    await world.deliver()
    message = await world.dm(MARIA, "When can we meet?")
    await maria.click(message, "connection.send_message")
    await maria.submit({"body": {"value": "Let me send you three times."}})
    await world.deliver()
    await sam.shows("reply-received", "three times")

    # A meeting with three slots: the mentor picks the second and accepts.
    area = await world.ok("GET", "/me/connections", "sam")
    [connection] = area["connections"]
    await world.meeting(connection["id"])
    await world.deliver()
    proposal = await world.dm(MARIA, "First chat")
    [picker] = [e for b in proposal["blocks"] if b["type"] == "actions" for e in b["elements"]
                if e["type"] == "static_select"]  # fmt: skip
    await maria.click(proposal, "meeting.pick_slot", picker["options"][1]["value"])
    await maria.click(proposal, "meeting.accept")
    await maria.shows("meeting-accepted", "Accepted by you")

    # A task: the mentor adds one for the mentee from the connection; the mentee marks it done.
    welcome = await world.dm(MARIA, "You're connected")
    await maria.click(welcome, "connection.open")
    await maria.click(None, "task.add", view=await maria.top())
    await maria.submit({"title": {"value": "Write down three goals"},
                        "assignee": {"value": world.acme.members["sam"]},
                        "due": {"value": ""}})  # fmt: skip
    await world.deliver()
    task = await world.dm(SAM, "Write down three goals")
    await sam.click(task, "task.mark_done")
    await sam.shows("task-done", "Done")

    # The connection survey, over two pages.
    body = {"title": "Connection survey", "questions": _QUESTIONS}
    program = world.acme.program_id
    survey = await world.ok("POST", f"/programs/{program}/surveys", "admin", json=body)
    await world.ok("POST", f"/surveys/{survey['id']}/assignments", "admin",
                   json={"connection_id": connection["id"]})  # fmt: skip
    await world.deliver()
    due = await world.dm(SAM, "Connection survey")
    await sam.click(due, "survey.take")
    await sam.shows("survey-page-1", "Page 1 of 2")
    await sam.submit({"q.mood": {"answer": "5"}, "q.pace": {"answer": "1"},
                      "q.topics": {"answer": ["0"]}})  # fmt: skip
    await sam.shows("survey-page-2", "Page 2 of 2")
    done = await sam.submit({"q.notes": {"answer": "Very helpful so far."}})
    assert done["ok"], done
    await world.deliver()
    await sam.shows("survey-answered", "Thanks, answered")
    assert len(list(shots.glob("*.html"))) == 10


_QUESTIONS = [
    {"id": "mood", "kind": "rating", "prompt": "How is your mentoring going?", "scale": 5},
    {"id": "pace", "kind": "single_choice", "prompt": "How is the pace?",
     "options": ["too slow", "right", "too fast"]},
    {"id": "topics", "kind": "multiple_choice", "prompt": "What did you work on?",
     "options": ["career", "code", "leadership"]},
    {"id": "notes", "kind": "text", "prompt": "Anything else?", "required": False},
]  # fmt: skip
