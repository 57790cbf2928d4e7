"""Mentor requests from Slack, through the sandbox: Accept in the DM, Decline with a reason in
a modal, Withdraw; the clicked DM shows the outcome at once, the message sync follows."""

from __future__ import annotations

import asyncio
import json

from tests.http.slack_world import MARIA, SAM, World, click_payload


async def _connections(world: World, who: str) -> list[object]:
    area = await world.ok("GET", "/me/connections", who)
    found: list[object] = area["connections"]
    return found


async def test_the_mentor_accepts_in_the_dm_and_it_shows_the_outcome(world: World) -> None:
    request_id = await world.request()
    await world.deliver()
    dm = await world.dm(MARIA, request_id)
    await world.click(MARIA, "mentor_request.accept", message=dm)

    assert len(await _connections(world, "maria")) == 1

    async def updated() -> bool:
        now = await world.dm(MARIA, dm["ts"])
        return "Accepted by you" in str(now["blocks"]) and "actions" not in str(
            [b["type"] for b in now["blocks"]])

    await world.eventually(updated, "the DM shows the outcome in place")


async def test_decline_asks_for_an_optional_reason_in_a_modal(world: World) -> None:
    request_id = await world.request()
    await world.deliver()
    dm = await world.dm(MARIA, request_id)
    await world.click(MARIA, "mentor_request.decline", message=dm)
    [view] = await world.modals(MARIA)
    assert view["callback_id"] == "mentor_request.decline"
    reason = next(b for b in view["blocks"] if b.get("block_id") == "reason")
    assert reason["optional"] is True
    done = await world.submit(MARIA, {"reason": {"value": "I'm fully booked until June."}})
    assert done["ok"] and done["response_action"] is None, done
    assert await world.modals(MARIA) == []
    await world.ephemeral(MARIA, "You declined the mentoring request")

    async def in_place() -> bool:  # at once, before the message sync runs
        return "Declined by you" in str((await world.dm(MARIA, dm["ts"]))["blocks"])

    await world.eventually(in_place, "the DM shows the outcome in place")
    await world.deliver()
    told = await world.dm(SAM, "fully booked until June")
    assert "can't take on your mentoring request" in told["text"] + str(told["blocks"])
    synced = await world.dm(MARIA, dm["ts"])
    assert "Declined by you" in str(synced["blocks"])  # the message sync updated the DM


async def test_decline_without_a_reason_works_too(world: World) -> None:
    request_id = await world.request()
    await world.deliver()
    await world.click(MARIA, "mentor_request.decline", message=await world.dm(MARIA, request_id))
    done = await world.submit(MARIA, {"reason": {"value": ""}})
    assert done["ok"], done
    await world.deliver()
    await world.dm(SAM, "can't take on your mentoring request")


async def test_the_mentor_sees_the_mentees_profile(world: World) -> None:
    request_id = await world.request()
    await world.deliver()
    dm = await world.dm(MARIA, request_id)
    await world.click(MARIA, "mentor_request.view_profile", message=dm)
    [view] = await world.modals(MARIA)
    assert "Sam" in str(view["blocks"]) and "python" in str(view["blocks"])


async def test_a_double_click_answers_once_and_tells_the_second_already_answered(
    world: World,
) -> None:
    request_id = await world.request()
    await world.deliver()
    dm = await world.dm(MARIA, request_id)
    await asyncio.gather(*(world.click(MARIA, "mentor_request.accept", message=dm)
                           for _ in range(2)))  # fmt: skip
    assert len(await _connections(world, "maria")) == 1
    note = await world.ephemeral(MARIA, "lready")
    assert "ccepted" in note["text"] or "Already answered" in note["text"]
    await world.dm(SAM, "accepted your mentoring")
    await world.deliver()
    welcome = [m for m in await world.messages(SAM) if "accepted your mentoring" in m["text"]]
    assert len(welcome) == 1, "the mentee was told twice"


async def test_a_request_answered_on_the_web_is_already_answered_in_slack(world: World) -> None:
    request_id = await world.request()
    await world.ok("POST", f"/mentor-requests/{request_id}/decline", "maria", json={})
    before = world.snapshot()
    response = await world.signed(click_payload("mentor_request.accept", request_id,
                                                response_url=world.hook))  # fmt: skip
    assert response.status_code == 200
    await world.answer("This request was already declined.")
    assert world.snapshot() == before


async def test_the_mentee_withdraws_a_pending_request(world: World) -> None:
    request_id = await world.request()
    assert request_id in json.dumps(await world.ok("GET", "/me/mentor-requests", "sam"))
    payload = click_payload("mentor_request.withdraw", request_id, user=SAM,
                            response_url=world.hook)  # fmt: skip
    response = await world.signed(payload)
    assert response.status_code == 200
    await world.answer("Withdrawn by you")
    mine = await world.ok("GET", "/me/mentor-requests", "sam")
    assert request_id not in json.dumps(mine)


async def test_the_mentor_accepting_while_the_mentee_withdraws_one_wins(world: World) -> None:
    request_id = await world.request()
    await world.deliver()
    dm = await world.dm(MARIA, request_id)
    withdraw = click_payload("mentor_request.withdraw", request_id, user=SAM,
                             response_url=world.hook)  # fmt: skip
    await asyncio.gather(world.click(MARIA, "mentor_request.accept", message=dm),
                         world.signed(withdraw))  # fmt: skip
    connected = len(await _connections(world, "maria")) == 1
    if connected:  # the mentor won: the mentee is told
        await world.answer("lready")
    else:  # the mentee won: the mentor is told
        await world.ephemeral(MARIA, "lready")
        assert request_id not in json.dumps(await world.ok("GET", "/me/mentor-requests", "sam"))
