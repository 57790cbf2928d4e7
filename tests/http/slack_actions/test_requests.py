"""Mentor requests from Slack, through the sandbox: Accept in the DM, Decline with a reason in
a modal, Withdraw; the clicked DM shows the outcome at once, the message sync follows."""

from __future__ import annotations

from tests.http.slack_world import MARIA, World


async def test_the_mentor_accepts_in_the_dm_and_it_shows_the_outcome(world: World) -> None:
    request_id = await world.request()
    await world.deliver()
    dm = await world.dm(MARIA, request_id)
    await world.click(MARIA, "mentor_request.accept", message=dm)

    listed = await world.ok("GET", "/me/connections", "maria")
    assert len(listed) == 1, listed

    async def updated() -> bool:
        now = await world.dm(MARIA, dm["ts"])
        return "Accepted by you" in str(now["blocks"]) and "actions" not in str(
            [b["type"] for b in now["blocks"]])

    await world.eventually(updated, "the DM shows the outcome in place")
