"""App Home over Socket Mode: the sandbox sends `app_home_opened` as an `events_api`
envelope, the app acknowledges it and publishes the person's connection area, as over HTTP
(tests/http/test_slack_home.py)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from tests.http.slack_world import MARIA, TEAM, World


async def _homes(world: World, user: str) -> list[dict[str, Any]]:
    found = await world.http.get(f"{world.sandbox}/_sandbox/views", params={"user": user})
    homes: list[dict[str, Any]] = found.json()["homes"]
    return homes


async def test_opening_home_publishes_the_persons_area_over_socket_mode(world: World) -> None:
    request_id = await world.request()
    opened = await world.http.post(f"{world.sandbox}/_sandbox/actions/open_tab",
                                   json={"team_id": TEAM, "user_id": MARIA})  # fmt: skip
    assert opened.status_code == 201

    async def published() -> list[dict[str, Any]]:
        return [h for h in await _homes(world, MARIA) if request_id in json.dumps(h)]

    [home] = await world.eventually(published, "Maria's Home with Sam's request")
    blocks = json.dumps(home["view"]["blocks"])
    assert "mentor_request.accept" in blocks and "mentor_request.decline" in blocks
    events = (await world.http.get(f"{world.sandbox}/_sandbox/events",
                                   params={"type": "app_home_opened"})).json()  # fmt: skip
    [delivery] = events["deliveries"]
    [attempt] = delivery["attempts"]
    assert delivery["outcome"] == "delivered" and attempt["envelope_id"]
    assert world.socket is not None and world.socket.repeats == 0


async def test_a_retried_home_opened_is_handled_once(world: World) -> None:
    await world.http.post(f"{world.sandbox}/_sandbox/socket/lose_acks", json={"count": 1})
    await world.http.post(f"{world.sandbox}/_sandbox/actions/open_tab",
                          json={"team_id": TEAM, "user_id": MARIA})  # fmt: skip
    await world.http.post(f"{world.sandbox}/_sandbox/drain", json={"timeout": 10})
    events = (await world.http.get(f"{world.sandbox}/_sandbox/events",
                                   params={"type": "app_home_opened"})).json()  # fmt: skip
    [delivery] = events["deliveries"]
    assert [a["reason"] for a in delivery["attempts"]] == ["timeout", None]
    await asyncio.sleep(0.5)  # a second handling would have published by now
    calls = (await world.http.get(f"{world.sandbox}/_sandbox/calls",
                                  params={"method": "views.publish"})).json()  # fmt: skip
    assert len([c for c in calls["calls"] if c["params"].get("user_id") == MARIA]) == 1, calls
    assert world.socket is not None and world.socket.repeats == 1
