"""Events to the app: signed, Slack's envelope, retried like Slack, recorded."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from slack_sdk.errors import SlackApiError

from tests.sandbox.conftest import Running, client, install
from tests.sandbox.servers import Received, Receiver, Reply, wait_for


async def events(http: httpx.AsyncClient) -> list[dict]:  # type: ignore[type-arg]
    await http.post("/_sandbox/drain", json={"timeout": 5})
    return list((await http.get("/_sandbox/events")).json()["deliveries"])


async def test_app_home_opened_is_signed_and_shaped_like_slack(
        sandbox: Running, http: httpx.AsyncClient) -> None:
    await install(http)
    answer = await http.post("/_sandbox/actions/open_tab",
                             json={"team_id": "T0ACMEENG", "user_id": "W0MARIASA"})
    assert answer.status_code == 201
    await wait_for(lambda: bool(sandbox.receiver.of("/slack/events")))
    received = sandbox.receiver.of("/slack/events")[0]
    assert received.valid_signature
    envelope = received.json()
    assert envelope["type"] == "event_callback"
    assert envelope["team_id"] == "T0ACMEENG"
    assert envelope["enterprise_id"] == "E0ACME01"
    assert envelope["api_app_id"] == sandbox.config.app_id
    assert envelope["event_id"].startswith("Ev")
    assert envelope["event_time"]
    assert envelope["authorizations"][0]["is_bot"] is True
    event = envelope["event"]
    assert (event["type"], event["user"], event["tab"]) == ("app_home_opened", "W0MARIASA",
                                                            "home")
    assert event["channel"].startswith("D")
    recorded = await events(http)
    assert recorded[0]["outcome"] == "delivered"
    assert recorded[0]["attempts"][0]["status"] == 200


async def failing(_: Receiver, __: Received) -> Reply:
    return 500, {}, b"boom"


async def test_failed_events_are_retried_three_times(sandbox: Running,
                                                     http: httpx.AsyncClient) -> None:
    await install(http)
    await http.post("/_sandbox/config", json={"event_retry_delays": [0, 60, 300],
                                              "time_scale": 1000})
    sandbox.receiver.events = failing
    await http.post("/_sandbox/actions/open_tab",
                    json={"team_id": "T0ACMEENG", "user_id": "W0MARIASA", "tab": "messages"})
    recorded = await events(http)
    attempts = recorded[0]["attempts"]
    assert [a["status"] for a in attempts] == [500] * 4
    assert recorded[0]["outcome"] == "failed"
    got = sandbox.receiver.of("/slack/events")
    assert [r.headers.get("x-slack-retry-num") for r in got] == [None, "1", "2", "3"]
    assert {r.headers.get("x-slack-retry-reason") for r in got[1:]} == {"http_error"}
    assert len({r.json()["event_id"] for r in got}) == 1
    assert all(r.valid_signature for r in got)


async def test_no_retry_header_stops_retries(sandbox: Running, http: httpx.AsyncClient) -> None:
    await install(http)

    async def refuse(_: Receiver, __: Received) -> Reply:
        return 503, {"X-Slack-No-Retry": "1"}, b""

    sandbox.receiver.events = refuse
    await http.post("/_sandbox/actions/open_tab",
                    json={"team_id": "T0ACMEENG", "user_id": "W0MARIASA"})
    recorded = await events(http)
    assert len(recorded[0]["attempts"]) == 1
    assert "No-Retry" in recorded[0]["outcome"]


async def test_slow_replies_are_timeouts(sandbox: Running, http: httpx.AsyncClient) -> None:
    await install(http)
    await http.post("/_sandbox/config", json={"ack_timeout_seconds": 0.2, "time_scale": 1000})
    calls = 0

    async def slow_once(_: Receiver, __: Received) -> Reply:
        nonlocal calls
        calls += 1
        if calls == 1:
            await asyncio.sleep(0.5)
        return 200, {}, b""

    sandbox.receiver.events = slow_once
    await http.post("/_sandbox/actions/open_tab",
                    json={"team_id": "T0ACMEENG", "user_id": "W0MARIASA"})
    recorded = await events(http)
    assert [a["reason"] for a in recorded[0]["attempts"]] == ["http_timeout", None]
    await wait_for(lambda: len(sandbox.receiver.of("/slack/events")) == 2)
    assert sandbox.receiver.of("/slack/events")[1].headers["x-slack-retry-reason"] == \
        "http_timeout"


async def test_url_verification(sandbox: Running, http: httpx.AsyncClient) -> None:
    answer = (await http.post("/_sandbox/url_verification")).json()
    assert answer["outcome"] == "verified"


async def test_remove_app_sends_uninstall_events(sandbox: Running,
                                                 http: httpx.AsyncClient) -> None:
    token = (await install(http, "T0ACMEPRT"))["access_token"]
    answer = await http.post("/_sandbox/actions/remove_app", json={"team_id": "T0ACMEPRT"})
    assert answer.status_code == 201
    recorded = await events(http)
    assert sorted(d["type"] for d in recorded) == ["app_uninstalled", "tokens_revoked"]
    revoked = next(d for d in recorded if d["type"] == "tokens_revoked")
    assert revoked["payload"]["event"]["tokens"]["bot"]
    with pytest.raises(SlackApiError) as caught:
        await client(sandbox, token).auth_test()
    assert caught.value.response["error"] == "account_inactive"
