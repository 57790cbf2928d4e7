"""Recommended mentors from Slack: after a decline, the mentee's DM lists mentors they could
ask; View profile (name, expertise, bio, open places, why they fit) -> Request mentoring (a
pushed modal with a note) -> the request is sent, and the note has a Withdraw button."""

from __future__ import annotations

import json

from tests.http.slack_world import SAM, World


async def test_view_profile_then_request_mentoring_then_withdraw(world: World) -> None:
    request_id = await world.request()
    await world.ok("POST", f"/mentor-requests/{request_id}/decline", "maria", json={})
    await world.deliver()
    dm = await world.dm(SAM, "Mentors you could ask")
    otto = world.acme.members["otto"]
    await world.click(SAM, "mentor.view_profile", message=dm, value=None,
                      block_id=_block_with(dm, otto))  # fmt: skip
    [profile] = await world.modals(SAM)
    text = json.dumps(profile["blocks"])
    assert "Otto" in text and "design" in text and "Open places" in text
    assert profile["submit"]["text"] == "Request mentoring"

    pushed = await world.submit(SAM, {})
    assert pushed["response_action"] == "push", pushed
    stack = await world.modals(SAM)
    assert [v["callback_id"] for v in stack] == ["mentor.profile", "mentor.request"]

    sent = await world.submit(SAM, {"note": {"value": "I'd love to learn design from you."}})
    assert sent["response_action"] == "clear", sent
    assert await world.modals(SAM) == []
    mine = await world.ok("GET", "/me/mentor-requests", "sam")
    assert "I'd love to learn design" in json.dumps(mine) and otto in json.dumps(mine)

    note = await world.ephemeral(SAM, "Your request is on its way")
    await world.click(SAM, "mentor_request.withdraw", message=note)
    await world.ephemeral(SAM, "Withdrawn by you")
    assert "I'd love to learn design" not in json.dumps(
        await world.ok("GET", "/me/mentor-requests", "sam"))


async def test_a_mentor_the_mentee_cannot_ask_shows_why_and_no_request_button(
    world: World,
) -> None:
    request_id = await world.request()  # pending with Maria
    await world.ok("POST", f"/mentor-requests/{request_id}/decline", "maria", json={})
    await world.deliver()
    dm = await world.dm(SAM, "Mentors you could ask")
    await world.request(mentor="otto")  # now pending with Otto too
    otto = world.acme.members["otto"]
    await world.click(SAM, "mentor.view_profile", message=dm, block_id=_block_with(dm, otto))
    [profile] = await world.modals(SAM)
    assert profile.get("submit") is None
    assert "pending request with Otto" in json.dumps(profile["blocks"])


def _block_with(message: dict[str, object], value: str) -> str:
    for block in message["blocks"]:  # type: ignore[attr-defined]
        for element in block.get("elements", []):
            if element.get("value") == value and element["action_id"] == "mentor.view_profile":
                return str(block["block_id"])
    raise AssertionError(f"no View profile button for {value}")
