"""Socket Mode faults, app and sandbox together: the connection dropped mid-envelope, a
refresh request, an acknowledgement lost so the sandbox sends the envelope again — nothing
lost, nothing handled twice."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.http.slack_world import MARIA, TEAM, World


async def _socket(world: World) -> dict[str, Any]:
    found: dict[str, Any] = (await world.http.get(f"{world.sandbox}/_sandbox/socket")).json()
    return found


async def _interactions(world: World) -> list[dict[str, Any]]:
    found = await world.http.get(f"{world.sandbox}/_sandbox/interactions")
    rows: list[dict[str, Any]] = found.json()["deliveries"]
    return rows


async def _connections(world: World, who: str) -> int:
    return len((await world.ok("GET", "/me/connections", who))["connections"])


async def _accept_from_the_dm(world: World) -> dict[str, Any]:
    request_id = await world.request()
    await world.deliver()
    dm = await world.dm(MARIA, request_id)
    await world.click(MARIA, "mentor_request.accept", message=dm)
    return dm


async def _reconnected(world: World) -> None:
    async def one_open() -> bool:
        links = (await _socket(world))["connections"]
        return len([c for c in links if not c["closing"]]) == 1

    await world.eventually(one_open, "the app connected again")


async def test_an_ack_lost_on_the_way_is_answered_again_without_acting_twice(
    world: World,
) -> None:
    await world.http.post(f"{world.sandbox}/_sandbox/socket/lose_acks", json={"count": 1})
    dm = await _accept_from_the_dm(world)
    [delivery] = [d for d in await _interactions(world) if d["type"] == "block_actions"]
    first, again = delivery["attempts"]
    assert first["reason"] == "timeout" and again["reason"] is None
    assert first["envelope_id"] == again["envelope_id"]
    assert await _connections(world, "maria") == 1

    async def outcome() -> bool:
        return "Accepted by you" in str((await world.dm(MARIA, dm["ts"]))["blocks"])

    await world.eventually(outcome, "the DM shows the outcome")
    await asyncio.sleep(0.5)  # a second handling would have said something by now
    notes = [m for m in await world.messages(MARIA) if m.get("visible_to")]
    assert notes == [], notes  # no "already answered", no refusal: the repeat did nothing
    assert world.socket is not None and world.socket.repeats == 1


async def test_a_dropped_connection_comes_back_and_nothing_is_lost(world: World) -> None:
    dropped = await world.http.post(f"{world.sandbox}/_sandbox/socket/drop")
    assert dropped.json()["connections"] == 1
    await _reconnected(world)
    await _accept_from_the_dm(world)
    assert await _connections(world, "maria") == 1


async def test_a_refresh_request_reconnects_before_the_old_connection_closes(
    world: World,
) -> None:
    told = await world.http.post(f"{world.sandbox}/_sandbox/socket/disconnect",
                                 json={"reason": "refresh_requested"})  # fmt: skip
    assert told.json()["connections"] == 1
    await _reconnected(world)
    await _accept_from_the_dm(world)
    assert await _connections(world, "maria") == 1


async def test_a_home_opened_while_disconnected_is_published_once_reconnected(
    world: World,
) -> None:
    await world.http.post(f"{world.sandbox}/_sandbox/socket/drop")
    opened = await world.http.post(f"{world.sandbox}/_sandbox/actions/open_tab",
                                   json={"team_id": TEAM, "user_id": MARIA})  # fmt: skip
    assert opened.status_code == 201

    async def published() -> bool:
        views = (await world.http.get(f"{world.sandbox}/_sandbox/views",
                                      params={"user": MARIA})).json()  # fmt: skip
        return bool(views["homes"])

    await world.eventually(published, "Maria's Home published", within=10)


async def test_a_connection_dropped_mid_click_is_acted_on_once(world: World) -> None:
    """The app gets the click and accepts; the connection drops before its ack is back; the
    sandbox sends the same envelope on the new connection: answered, not acted on again."""
    await world.http.post(f"{world.sandbox}/_sandbox/socket/drop", json={"mid_envelope": True})
    dm = await _accept_from_the_dm(world)
    [delivery] = [d for d in await _interactions(world) if d["type"] == "block_actions"]
    assert [a["reason"] for a in delivery["attempts"]] == ["connection_lost", None]
    assert len({a["envelope_id"] for a in delivery["attempts"]}) == 1
    assert await _connections(world, "maria") == 1

    async def outcome() -> bool:
        return "Accepted by you" in str((await world.dm(MARIA, dm["ts"]))["blocks"])

    await world.eventually(outcome, "the DM shows the outcome")
    await asyncio.sleep(0.5)
    notes = [m for m in await world.messages(MARIA) if m.get("visible_to")]
    assert notes == [], notes
    assert world.socket is not None and world.socket.repeats == 1
