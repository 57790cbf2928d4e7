"""Meetings from Slack, through the sandbox: pick a slot in the DM and Accept; Accept without
a pick opens a modal of the slots still open, in the reader's timezone; a slot that has passed
cannot be picked; Decline with an optional reason; the proposer cancels."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tests.http.slack_world import MARIA, SAM, World, click_payload


async def _proposal(world: World, *slots: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    connection_id = await world.connection()
    meeting_id = await world.meeting(connection_id, *slots)
    await world.deliver()
    return connection_id, meeting_id, await world.dm(MARIA, meeting_id)


async def _meeting(world: World, connection_id: str, meeting_id: str) -> dict[str, Any]:
    area = await world.ok("GET", "/me/connections", "maria")
    [connection] = [c for c in area["connections"] if c["id"] == connection_id]
    meetings = [*connection.get("pending_meetings", []), connection.get("next_meeting")]
    found = [m for m in meetings if m and m["id"] == meeting_id]
    return found[0] if found else {}


def _at(iso: str) -> datetime:
    return datetime.fromisoformat(iso)


def _options(dm: dict[str, Any]) -> list[str]:
    [picker] = [e for b in dm["blocks"] if b["type"] == "actions" for e in b["elements"]
                if e["type"] == "static_select"]  # fmt: skip
    return [o["value"] for o in picker["options"]]


async def test_the_invitee_picks_the_second_slot_and_accepts(world: World) -> None:
    connection_id, meeting_id, dm = await _proposal(world)
    second = _options(dm)[1]
    await world.click(MARIA, "meeting.pick_slot", message=dm, value=second)
    await world.click(MARIA, "meeting.accept", message=dm)
    accepted = await _meeting(world, connection_id, meeting_id)
    assert accepted["status"] == "accepted", accepted
    assert _at(accepted["accepted_slot"]["start"]) == _at(second)

    async def in_place() -> bool:
        return "Accepted by you" in str((await world.dm(MARIA, dm["ts"]))["blocks"])

    await world.eventually(in_place, "the DM shows the accepted time")
    await world.deliver()
    await world.dm(SAM, "accepted by")  # the proposer is told


async def test_accept_without_a_pick_opens_the_open_slots_in_the_readers_timezone(
    world: World,
) -> None:
    connection_id, meeting_id, dm = await _proposal(world)
    await world.click(MARIA, "meeting.accept", message=dm)
    [view] = await world.modals(MARIA)
    [slots] = [b for b in view["blocks"] if b.get("block_id") == "slot"]
    labels = [o["text"]["text"] for o in slots["element"]["options"]]
    assert len(labels) == 3 and all(("EST" in t or "EDT" in t) for t in labels), labels
    third = slots["element"]["options"][2]["value"]
    done = await world.submit(MARIA, {"slot": {"value": third}})
    assert done["ok"], done
    accepted = await _meeting(world, connection_id, meeting_id)
    assert _at(accepted["accepted_slot"]["start"]) == _at(third)
    await world.ephemeral(MARIA, "You accepted the meeting")


async def test_a_slot_that_has_passed_cannot_be_picked(world: World) -> None:
    _connection_id, _meeting_id, dm = await _proposal(world, world.slot(2), world.slot(60 * 24))
    world.clock.advance(minutes=3)  # the first slot has started (signatures still fresh)
    first, second = _options(dm)
    # Without a pick, only the slot still open is offered.
    await world.click(MARIA, "meeting.accept", message=dm)
    [view] = await world.modals(MARIA)
    [slots] = [b for b in view["blocks"] if b.get("block_id") == "slot"]
    assert [o["value"] for o in slots["element"]["options"]] == [second]
    await world.close(MARIA)
    # The DM's menu still lists the passed one (Slack messages are static): refused.
    before = world.snapshot()
    await world.click(MARIA, "meeting.pick_slot", message=dm, value=first)
    await world.click(MARIA, "meeting.accept", message=dm)
    await world.ephemeral(MARIA, "already started")
    assert world.snapshot() == before


async def test_the_invitee_declines_with_a_reason(world: World) -> None:
    connection_id, meeting_id, dm = await _proposal(world)
    await world.click(MARIA, "meeting.decline", message=dm)
    [view] = await world.modals(MARIA)
    assert view["callback_id"] == "meeting.decline"
    done = await world.submit(MARIA, {"reason": {"value": "Travelling that week."}})
    assert done["ok"], done
    assert (await _meeting(world, connection_id, meeting_id)) == {}  # no longer pending
    await world.deliver()
    await world.dm(SAM, "Travelling that week.")


async def test_the_proposer_cancels_and_the_invitee_may_not(world: World) -> None:
    connection_id, meeting_id, _ = await _proposal(world)
    before = world.snapshot()
    refused = click_payload("meeting.cancel", meeting_id, response_url=world.hook)
    assert (await world.signed(refused)).status_code == 200
    await world.answer("Only the person who proposed this meeting can cancel it.")
    assert world.snapshot() == before
    cancelled = click_payload("meeting.cancel", meeting_id, user=SAM, response_url=world.hook)
    assert (await world.signed(cancelled)).status_code == 200
    await world.answer("Cancelled by you")
    assert (await _meeting(world, connection_id, meeting_id)) == {}
