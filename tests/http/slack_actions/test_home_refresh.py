"""After an action in Slack, the Home tab follows, through the sandbox: the mentor accepts in
the DM and their published Home shows the connection and no longer the request, without the
delivery worker running (the click itself publishes it); the mentee's Home follows once the
worker has handled the acceptance. A submitted modal (a message sent) refreshes the sender's
Home too."""

from __future__ import annotations

import json
from typing import Any

from application.delivery.preferences import FollowingPreferences
from application.slack.home_publishing import HomePublisher
from tests.http.slack_world import MARIA, SAM, World


async def _home_view(world: World, user: str) -> dict[str, Any] | None:
    found = await world.http.get(f"{world.sandbox}/_sandbox/views", params={"user": user})
    homes: list[dict[str, Any]] = [h for h in found.json()["homes"] if h["user_id"] == user]
    return homes[0]["view"] if homes else None


async def _home(world: World, user: str) -> str:
    view = await _home_view(world, user)
    return json.dumps(view["blocks"], ensure_ascii=False) if view else ""


def _homes(world: World) -> HomePublisher:
    policy = world.worker.expander.policy
    assert isinstance(policy, FollowingPreferences) and isinstance(policy.homes, HomePublisher)
    return policy.homes


async def test_accepting_in_the_dm_refreshes_the_mentors_home(world: World) -> None:
    request_id = await world.request()
    await world.deliver()
    await _homes(world).publish_stale()  # both Homes as they are: the request waiting
    maria_before = await _home(world, MARIA)
    assert "asks you to mentor them" in maria_before and request_id in maria_before
    assert "(your mentee)" not in maria_before

    dm = await world.dm(MARIA, request_id)
    await world.click(MARIA, "mentor_request.accept", message=dm)

    async def refreshed() -> str:
        home = await _home(world, MARIA)
        return home if "(your mentee)" in home else ""

    home = await world.eventually(refreshed, "Maria's Home shows the connection")
    assert "*Sam* (your mentee)" in home
    assert request_id not in home and "asks you to mentor them" not in home
    assert "Accept" not in home  # no button left for the answered request

    sam_before = await _home(world, SAM)
    assert "You asked" in sam_before  # the worker has not run: Sam's Home is as it was
    await world.deliver()
    assert await _homes(world).publish_stale() >= 1
    sam = await _home(world, SAM)
    assert "*Maria* (your mentor)" in sam and "You asked" not in sam


async def test_a_message_sent_from_a_modal_refreshes_the_senders_home(world: World) -> None:
    connection_id = await world.connection()
    await world.deliver()
    await _homes(world).publish_stale()
    home = await _home_view(world, SAM)
    assert home is not None and "No messages yet" in json.dumps(home["blocks"])
    await world.click(SAM, "connection.send_message", view_id=home["id"], value=connection_id,
                      block_id=f"connection:{connection_id}")  # fmt: skip
    done = await world.submit(SAM, {"body": {"value": "Hello from the Home tab!"}})
    assert done["ok"], done

    async def refreshed() -> str:
        home = await _home(world, SAM)
        return home if "Hello from the Home tab!" in home else ""

    await world.eventually(refreshed, "Sam's Home shows the message he sent")


async def test_a_refused_click_on_a_stale_home_publishes_it_afresh(world: World) -> None:
    request_id = await world.request()
    await world.deliver()
    await _homes(world).publish_stale()
    stale = await _home_view(world, MARIA)
    assert stale is not None and request_id in json.dumps(stale["blocks"])
    await world.ok("POST", f"/mentor-requests/{request_id}/withdraw", "sam", json={})
    # Maria clicks Accept on the Home she still has open (the worker has not run)
    await world.click(MARIA, "mentor_request.accept", view_id=stale["id"], value=request_id,
                      block_id=f"request:{request_id}")  # fmt: skip

    async def refreshed() -> str:
        home = await _home(world, MARIA)
        return home if request_id not in home else ""

    await world.eventually(refreshed, "Maria's Home without the withdrawn request")
    assert await world.ok("GET", "/me/connections", "maria") == {"connections": []}
