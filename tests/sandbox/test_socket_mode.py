"""The sandbox speaks Socket Mode: `apps.connections.open` with the app-level token, `hello`,
events and interactions as Slack's envelopes, the ack, retries of an envelope never
acknowledged (same envelope_id, retry_attempt / retry_reason), `disconnect` on demand, and
nothing posted over HTTP meanwhile. The app here is a bare aiohttp WebSocket, so each test
decides what is acknowledged."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import httpx
import pytest
from slack_sdk.errors import SlackApiError

from slack_sandbox.config import DEV_APP_TOKEN
from tests.sandbox.conftest import Running, client, install

TEAM, USER = "T0ACMEENG", "W0MARIASA"


class AppSocket:
    """The app's end of one Socket Mode connection."""

    def __init__(self, session: aiohttp.ClientSession, ws: aiohttp.ClientWebSocketResponse):
        self.session, self.ws = session, ws

    async def next(self, within: float = 5.0) -> dict[str, Any]:
        message = await asyncio.wait_for(self.ws.receive(), within)
        assert message.type == aiohttp.WSMsgType.TEXT, message
        found: dict[str, Any] = json.loads(message.data)
        return found

    async def ack(self, envelope: dict[str, Any], payload: Any = None) -> None:
        answer: dict[str, Any] = {"envelope_id": envelope["envelope_id"]}
        if payload is not None:
            answer["payload"] = payload
        await self.ws.send_str(json.dumps(answer))


async def socket_url(sandbox: Running) -> str:
    opened = await client(sandbox, DEV_APP_TOKEN).apps_connections_open(app_token=DEV_APP_TOKEN)
    url: str = opened["url"]
    return url


@pytest.fixture
async def app(sandbox: Running, http: httpx.AsyncClient) -> AsyncIterator[AppSocket]:
    await http.post("/_sandbox/config", json={
        "socket_mode": True, "ack_timeout_seconds": 0.5, "time_scale": 100.0})
    async with aiohttp.ClientSession() as session:
        ws = await session.ws_connect(await socket_url(sandbox))
        yield AppSocket(session, ws)
        await ws.close()


async def test_connections_open_needs_the_app_level_token(sandbox: Running) -> None:
    url = await socket_url(sandbox)
    assert url.startswith(f"ws://127.0.0.1:{sandbox.config.port}/link/?ticket=")
    with pytest.raises(SlackApiError) as missing:
        await client(sandbox).apps_connections_open(app_token="")
    assert missing.value.response["error"] == "not_authed"
    with pytest.raises(SlackApiError) as wrong:
        await client(sandbox).apps_connections_open(app_token="xapp-1-not-ours")
    assert wrong.value.response["error"] == "invalid_auth"


async def test_a_bot_token_is_the_wrong_kind(sandbox: Running, http: httpx.AsyncClient) -> None:
    bot = (await install(http))["access_token"]
    with pytest.raises(SlackApiError) as refused:
        await client(sandbox).apps_connections_open(app_token=bot)
    assert refused.value.response["error"] == "not_allowed_token_type"


async def test_hello_first_and_a_ticket_works_once(app: AppSocket, sandbox: Running) -> None:
    hello = await app.next()
    assert hello["type"] == "hello" and hello["connection_info"]["app_id"] == "A0MENTORLNK"
    url = await socket_url(sandbox)
    async with aiohttp.ClientSession() as session:
        first = await session.ws_connect(url)
        assert json.loads((await first.receive()).data)["type"] == "hello"
        with pytest.raises(aiohttp.WSServerHandshakeError):
            await session.ws_connect(url)
        await first.close()


async def test_an_event_goes_over_the_socket_and_never_over_http(
    app: AppSocket, sandbox: Running, http: httpx.AsyncClient
) -> None:
    await install(http)
    await app.next()  # hello
    opened = (await http.post("/_sandbox/actions/open_tab",
                              json={"team_id": TEAM, "user_id": USER})).json()
    envelope = await app.next()
    assert envelope["type"] == "events_api" and envelope["accepts_response_payload"] is False
    assert envelope["retry_attempt"] == 0 and envelope["retry_reason"] == ""
    assert envelope["payload"]["type"] == "event_callback"
    assert envelope["payload"]["event"]["type"] == "app_home_opened"
    await app.ack(envelope)
    await http.post("/_sandbox/drain", json={"timeout": 5})
    [delivery] = (await http.get("/_sandbox/events")).json()["deliveries"]
    assert delivery["id"] == opened["delivery_id"] and delivery["outcome"] == "delivered"
    assert [a["envelope_id"] for a in delivery["attempts"]] == [envelope["envelope_id"]]
    assert sandbox.receiver.received == []


async def test_an_unacknowledged_event_comes_again_with_the_same_envelope_id(
    app: AppSocket, http: httpx.AsyncClient
) -> None:
    await install(http)
    await app.next()
    await http.post("/_sandbox/actions/open_tab", json={"team_id": TEAM, "user_id": USER})
    first = await app.next()  # not acknowledged
    again = await app.next()
    assert again["envelope_id"] == first["envelope_id"]
    assert again["payload"]["event_id"] == first["payload"]["event_id"]
    assert (again["retry_attempt"], again["retry_reason"]) == (1, "timeout")
    await app.ack(again)
    await http.post("/_sandbox/drain", json={"timeout": 5})
    [delivery] = (await http.get("/_sandbox/events")).json()["deliveries"]
    assert delivery["outcome"] == "delivered"
    assert [a["reason"] for a in delivery["attempts"]] == ["timeout", None]


async def test_a_lost_ack_counts_as_none(app: AppSocket, http: httpx.AsyncClient) -> None:
    await install(http)
    await app.next()
    await http.post("/_sandbox/socket/lose_acks", json={"count": 1})
    await http.post("/_sandbox/actions/open_tab", json={"team_id": TEAM, "user_id": USER})
    first = await app.next()
    await app.ack(first)  # lost on its way
    again = await app.next()
    assert (again["envelope_id"], again["retry_attempt"]) == (first["envelope_id"], 1)
    await app.ack(again)


async def test_an_interaction_waits_for_the_ack_and_its_payload(
    app: AppSocket, sandbox: Running, http: httpx.AsyncClient
) -> None:
    installed = await install(http)
    await app.next()
    web = client(sandbox, installed["access_token"])
    posted = await web.chat_postMessage(channel=USER, text="hi", blocks=[
        {"type": "actions", "block_id": "b1", "elements": [
            {"type": "button", "action_id": "go", "text": {"type": "plain_text", "text": "Go"},
             "value": "42"}]}])
    clicking = asyncio.create_task(http.post("/_sandbox/actions/click", json={
        "team_id": TEAM, "user_id": USER, "action_id": "go", "channel": posted["channel"],
        "ts": posted["ts"]}))
    envelope = await app.next()
    assert envelope["type"] == "interactive" and envelope["accepts_response_payload"] is True
    assert envelope["payload"]["type"] == "block_actions"
    assert envelope["payload"]["actions"][0]["value"] == "42"
    assert "retry_attempt" not in envelope
    await app.ack(envelope)
    clicked = (await clicking).json()
    assert clicked["ok"] and clicked["status"] == 200, clicked
    assert sandbox.receiver.received == []


@pytest.mark.parametrize("reason", ["refresh_requested", "warning"])
async def test_disconnect_on_demand(app: AppSocket, http: httpx.AsyncClient, reason: str) -> None:
    await http.post("/_sandbox/config", json={"socket_disconnect_grace_seconds": 20})
    await app.next()
    told = await http.post("/_sandbox/socket/disconnect", json={"reason": reason})
    assert told.status_code == 201 and told.json()["connections"] == 1, told.text
    said = await app.next()
    assert said == {"type": "disconnect", "reason": reason,
                    "debug_info": {"host": "slack-sandbox"}}
    [link] = (await http.get("/_sandbox/socket")).json()["connections"]
    assert link["closing"] is True  # no new envelopes; closed after the grace period
    closed = await asyncio.wait_for(app.ws.receive(), 5)
    assert closed.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
    assert (await http.get("/_sandbox/socket")).json()["connections"] == []


async def test_disconnect_needs_a_reason_slack_sends(http: httpx.AsyncClient) -> None:
    refused = await http.post("/_sandbox/socket/disconnect", json={"reason": "because"})
    assert refused.status_code == 400, refused.text


async def test_without_a_connection_an_event_waits_then_is_retried(
    sandbox: Running, http: httpx.AsyncClient
) -> None:
    await http.post("/_sandbox/config", json={
        "socket_mode": True, "ack_timeout_seconds": 0.3, "time_scale": 100.0})
    await install(http)
    await http.post("/_sandbox/actions/open_tab", json={"team_id": TEAM, "user_id": USER})
    async with aiohttp.ClientSession() as session:
        await asyncio.sleep(0.5)  # the first attempt finds nobody connected
        ws = await session.ws_connect(await socket_url(sandbox))
        app = AppSocket(session, ws)
        assert (await app.next())["type"] == "hello"
        envelope = await app.next()
        assert envelope["retry_attempt"] >= 1
        assert envelope["retry_reason"] == "no_connection"
        await app.ack(envelope)
        await ws.close()
    await http.post("/_sandbox/drain", json={"timeout": 5})
    [delivery] = (await http.get("/_sandbox/events")).json()["deliveries"]
    assert delivery["outcome"] == "delivered" and sandbox.receiver.received == []


async def test_a_connection_dropped_mid_envelope_gets_it_again_on_the_next_one(
    app: AppSocket, sandbox: Running, http: httpx.AsyncClient
) -> None:
    await install(http)
    await app.next()
    planned = await http.post("/_sandbox/socket/drop", json={"mid_envelope": True})
    assert planned.json()["drops_mid_envelope"] == 1
    await http.post("/_sandbox/actions/open_tab", json={"team_id": TEAM, "user_id": USER})
    first = await app.next()
    closed = await asyncio.wait_for(app.ws.receive(), 5)
    assert closed.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
    async with aiohttp.ClientSession() as session:
        again_ws = await session.ws_connect(await socket_url(sandbox))
        fresh = AppSocket(session, again_ws)
        assert (await fresh.next())["type"] == "hello"
        again = await fresh.next()
        assert again["envelope_id"] == first["envelope_id"]
        assert (again["retry_attempt"], again["retry_reason"]) == (1, "connection_lost")
        await fresh.ack(again)
        await again_ws.close()
    await http.post("/_sandbox/drain", json={"timeout": 5})
    [delivery] = (await http.get("/_sandbox/events")).json()["deliveries"]
    assert [a["reason"] for a in delivery["attempts"]] == ["connection_lost", None]
