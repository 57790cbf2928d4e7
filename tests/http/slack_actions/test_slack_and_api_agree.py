"""Slack is one more adapter: a Hypothesis state machine drives the same mentor request (Sam
asks Maria) and the same meeting (Tess proposes three slots to Maria) through random
interleavings of Slack actions (payloads of Slack's shape, signed for real, to
`/slack/interactivity`) and JSON API calls, by the right and the wrong people, while time
passes; a twin world receives every step through the JSON API alone. After each step both
worlds agree on every status, accepted slot, decline reason and outbox topic: nothing is
decided differently from Slack, and a refusal in Slack changes nothing.

Each world is the composition root on the in-memory store with Acme Engineering installed
(Maria and Sam are in Slack; Tess is not, so her Slack clicks are refused)."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import urllib.parse
from collections.abc import Coroutine
from datetime import timedelta
from typing import Any, TypeVar

import attrs
import httpx
from aiohttp import web as aioweb
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from tests.http.admin_web import ACME_TEAM, SIGNING_SECRET, Web, web_on
from tests.http.admin_web import SETTINGS as WEB_SETTINGS
from tests.sandbox.servers import free_port

T = TypeVar("T")
SLACK_IDS = {"maria": "W0MARIA", "sam": "W0SAM", "tess": "W0TESS"}
PEOPLE = st.sampled_from(["maria", "sam", "tess"])
CHANNELS = st.sampled_from(["slack", "api"])
_DECIDED = {"status", "decline_reason", "reason", "accepted_slot", "decided_at", "answered_at"}


@attrs.define
class Side:
    """One world and the ids of its subjects."""

    web: Web
    closing: Any
    client: httpx.AsyncClient
    request_id: str = ""
    meeting_id: str = ""
    slots: list[str] = attrs.field(factory=list)
    connection_id: str = ""

    async def api(self, method: str, path: str, who: str, **kw: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.web.acme.tokens[who]}"}
        return await self.client.request(method, f"/api/v1{path}", headers=headers, **kw)

    async def slack(self, payload: dict[str, Any]) -> httpx.Response:
        raw = urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()
        ts = str(int(self.web.clock.now().timestamp()))
        digest = hmac.new(SIGNING_SECRET.encode(), f"v0:{ts}:".encode() + raw, hashlib.sha256)
        headers = {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest.hexdigest()}",
                   "Content-Type": "application/x-www-form-urlencoded"}  # fmt: skip
        return await self.client.post("/slack/interactivity", content=raw, headers=headers)

    def state(self) -> dict[str, Any]:
        """What was decided, in the words of the stored rows (ids left out)."""
        tables = self.web.store.tables
        _, request = tables["mentor_requests"][self.request_id]
        _, meeting = tables["meetings"][self.meeting_id]
        seeded = len([m for m in self.web.store.outbox if m.topic.startswith("member.")])
        return {
            "request": {k: v for k, v in request.items() if k in _DECIDED},
            "meeting": {k: v for k, v in meeting.items() if k in _DECIDED},
            "topics": [m.topic for m in self.web.store.outbox][seeded:],
        }


def _common(who: str) -> dict[str, Any]:
    return {"user": {"id": SLACK_IDS[who], "team_id": ACME_TEAM},
            "team": {"id": ACME_TEAM, "domain": "acme-eng", "enterprise_id": "E0ACME01"},
            "enterprise": {"id": "E0ACME01", "name": "Acme Grid"},
            "is_enterprise_install": False, "api_app_id": "A0MENTORLNK",
            "trigger_id": "1.2.3"}  # fmt: skip


def click(
    who: str, action_id: str, value: str, hook: str, picked: str | None = None
) -> dict[str, Any]:
    block = f"meeting:{value}"
    state = ({block: {"meeting.pick_slot": {"type": "static_select",
                                             "selected_option": {"value": picked}}}}
             if picked else {})  # fmt: skip
    return {"type": "block_actions", **_common(who), "response_url": hook,
            "container": {"type": "message"}, "channel": {"id": "D0X"},
            "message": {"ts": "1.1", "text": "x", "blocks": []}, "state": {"values": state},
            "actions": [{"action_id": action_id, "block_id": block, "type": "button",
                         "value": value}]}  # fmt: skip


def submission(who: str, callback_id: str, metadata: dict[str, str], reason: str) -> dict[str, Any]:
    values = {"reason": {"value": {"type": "plain_text_input", "value": reason}}}
    view = {"id": "V1", "type": "modal", "callback_id": callback_id,
            "private_metadata": json.dumps(metadata), "state": {"values": values},
            "blocks": [{"type": "input", "block_id": "reason"}]}  # fmt: skip
    return {"type": "view_submission", **_common(who), "view": view}


async def _hook() -> tuple[str, aioweb.AppRunner]:
    """A local `response_url`: the app's notes land here, never outside."""

    async def receive(request: aioweb.Request) -> aioweb.Response:
        return aioweb.Response(text="ok")

    app = aioweb.Application()
    app.router.add_post("/hooks/T0ACMEENG/1/abc", receive)
    runner = aioweb.AppRunner(app)
    await runner.setup()
    port = free_port()
    await aioweb.TCPSite(runner, "127.0.0.1", port).start()
    return f"http://127.0.0.1:{port}/hooks/T0ACMEENG/1/abc", runner


class SlackAndApiAgree(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.hook, self.hook_runner = self.run(_hook())
        self.mixed = self.run(self._side())
        self.api_only = self.run(self._side())

    def run(self, step: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(step)

    async def _side(self) -> Side:
        closing = web_on(WEB_SETTINGS)
        web = await closing.__anext__()
        web.slack.add_user("W0TESS", name="tess", email="tess@contractor.example",
                           workspaces=[ACME_TEAM])  # fmt: skip  (not her platform email)
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=web.app),
                                   base_url="http://testserver")  # fmt: skip
        side = Side(web=web, closing=closing, client=client)
        await web.enable_slack()
        await web.install(await web.signed_in("admin"))
        body = {"program_id": web.acme.program_id, "mentor_id": web.acme.members["maria"]}
        sent = await side.api("POST", "/mentor-requests", "sam", json=body)
        side.request_id = sent.json()["id"]
        body = {"mentor_ids": [web.acme.members["maria"]], "mentee_ids": [web.acme.members["tess"]]}
        made = await side.api("POST", f"/programs/{web.acme.program_id}/connections", "admin",
                              json=body)  # fmt: skip
        side.connection_id = made.json()["id"]
        slots = [{"start": (web.clock.now() + timedelta(hours=h)).isoformat(), "minutes": 30}
                 for h in (24, 48, 72)]  # fmt: skip
        body = {"invitee_id": web.acme.members["maria"], "title": "Chat", "slots": slots}
        meeting = await side.api("POST", f"/connections/{side.connection_id}/meetings", "tess",
                                 json=body)  # fmt: skip
        side.meeting_id = meeting.json()["id"]
        side.slots = [s["start"] for s in meeting.json()["slots"]]
        return side

    def teardown(self) -> None:
        for side in (self.mixed, self.api_only):
            self.run(side.client.aclose())
            self.run(side.closing.aclose())
        self.run(self.hook_runner.cleanup())
        self.loop.close()

    def both(self, channel: str, slack_step: Any, api_step: Any, who: str) -> None:
        """The step through `channel` in the mixed world, through the API in the twin. Tess
        is not in Slack: her Slack action is refused and changes nothing, so her twin does
        nothing either."""
        twin = [] if (channel, who) == ("slack", "tess") else [(self.api_only, "api")]
        for side, through in [(self.mixed, channel), *twin]:
            response = self.run((slack_step if through == "slack" else api_step)(side))
            assert response.status_code < 500, response.text

    @rule(channel=CHANNELS, who=PEOPLE)
    def accept_request(self, channel: str, who: str) -> None:
        self.both(channel,
                  lambda s: s.slack(click(who, "mentor_request.accept", s.request_id, self.hook)),
                  lambda s: s.api("POST", f"/mentor-requests/{s.request_id}/accept", who),
                  who)  # fmt: skip

    @rule(channel=CHANNELS, who=PEOPLE, reason=st.sampled_from(["", "Fully booked."]))
    def decline_request(self, channel: str, who: str, reason: str) -> None:
        self.both(channel,
                  lambda s: s.slack(submission(who, "mentor_request.decline",
                                               {"request_id": s.request_id}, reason)),
                  lambda s: s.api("POST", f"/mentor-requests/{s.request_id}/decline", who,
                                  json={"reason": reason}), who)  # fmt: skip

    @rule(channel=CHANNELS, who=PEOPLE)
    def withdraw_request(self, channel: str, who: str) -> None:
        self.both(channel,
                  lambda s: s.slack(click(who, "mentor_request.withdraw", s.request_id, self.hook)),
                  lambda s: s.api("POST", f"/mentor-requests/{s.request_id}/withdraw", who),
                  who)  # fmt: skip

    @rule(channel=CHANNELS, who=PEOPLE, slot=st.integers(0, 2))
    def accept_meeting(self, channel: str, who: str, slot: int) -> None:
        self.both(channel,
                  lambda s: s.slack(click(who, "meeting.accept", s.meeting_id, self.hook,
                                          s.slots[slot])),
                  lambda s: s.api("POST", f"/meetings/{s.meeting_id}/accept", who,
                                  json={"slot_start": s.slots[slot]}), who)  # fmt: skip

    @rule(channel=CHANNELS, who=PEOPLE, reason=st.sampled_from(["", "Travelling."]))
    def decline_meeting(self, channel: str, who: str, reason: str) -> None:
        self.both(channel,
                  lambda s: s.slack(submission(who, "meeting.decline",
                                               {"meeting_id": s.meeting_id}, reason)),
                  lambda s: s.api("POST", f"/meetings/{s.meeting_id}/decline", who,
                                  json={"reason": reason}), who)  # fmt: skip

    @rule(channel=CHANNELS, who=PEOPLE)
    def cancel_meeting(self, channel: str, who: str) -> None:
        self.both(channel,
                  lambda s: s.slack(click(who, "meeting.cancel", s.meeting_id, self.hook)),
                  lambda s: s.api("POST", f"/meetings/{s.meeting_id}/cancel", who),
                  who)  # fmt: skip

    @rule(hours=st.sampled_from([1, 30]))
    def time_passes(self, hours: int) -> None:
        for side in (self.mixed, self.api_only):
            side.web.clock.advance(hours=hours)

    @invariant()
    def both_worlds_decided_the_same(self) -> None:
        assert self.mixed.state() == self.api_only.state()


SlackAndApiAgree.TestCase.settings = settings(
    max_examples=20, stateful_step_count=12, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)  # fmt: skip
test_slack_and_api_agree = SlackAndApiAgree.TestCase
