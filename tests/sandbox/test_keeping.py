"""A sandbox started with a state file is the same sandbox after a restart: its installs and
tokens still work (and a revoked token is still revoked), DMs, Home tabs and mail are there."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from slack_sandbox.app import create_app
from slack_sandbox.config import SandboxConfig
from slack_sandbox.services import build_sandbox
from tests.sandbox.conftest import ALL_SCOPES
from tests.sandbox.servers import ThreadedServer, free_port

HOME = {"type": "home", "blocks": [{"type": "section", "text": {"type": "mrkdwn",
                                                                "text": "Welcome back"}}]}


def _start(state_file: Path) -> ThreadedServer:
    port = free_port()
    config = SandboxConfig(port=port, state_file=state_file, app_url="http://127.0.0.1:9")
    return ThreadedServer(create_app(config, build_sandbox(config)), port).start()


async def _install(url: str, team_id: str) -> str:
    async with httpx.AsyncClient(base_url=url) as http:
        body = {"team_id": team_id, "scopes": ALL_SCOPES, "installer": "W0ADALOVE"}
        response = await http.post("/_sandbox/installs", json=body)
    token: str = response.json()["access_token"]
    return token


async def test_a_restart_keeps_installs_tokens_messages_and_views(tmp_path: Path) -> None:
    state_file = tmp_path / "mentorlink.sandbox.json"
    first = _start(state_file)
    try:
        token = await _install(first.url, "T0ACMEENG")
        revoked = await _install(first.url, "T0ACMEPRT")
        slack = AsyncWebClient(token=token, base_url=f"{first.url}/api/")
        posted = await slack.chat_postMessage(channel="W0MARIASA", text="Your mentor said yes")
        await slack.views_publish(user_id="W0MARIASA", view=HOME)
        await AsyncWebClient(token=revoked, base_url=f"{first.url}/api/").auth_revoke()
    finally:
        first.stop()  # the last save happens on shutdown
    assert "Your mentor said yes" in state_file.read_text()

    second = _start(state_file)
    try:
        slack = AsyncWebClient(token=token, base_url=f"{second.url}/api/")
        assert (await slack.auth_test())["team_id"] == "T0ACMEENG"
        with pytest.raises(SlackApiError) as refused:  # a revoked token stays revoked
            await AsyncWebClient(token=revoked, base_url=f"{second.url}/api/").auth_test()
        assert refused.value.response["error"] == "token_revoked"
        async with httpx.AsyncClient(base_url=second.url) as http:
            messages = (await http.get("/_sandbox/messages?user=W0MARIASA")).json()["messages"]
            homes = (await http.get("/_sandbox/views?user=W0MARIASA")).json()["homes"]
        assert [m["text"] for m in messages] == ["Your mentor said yes"]
        assert messages[0]["channel"] == posted["channel"]
        assert homes and homes[0]["view"]["blocks"][0]["text"]["text"] == "Welcome back"
        # New ids never collide with the kept ones, and the DM channel is the same one.
        again = await slack.chat_postMessage(channel="W0MARIASA", text="Second")
        assert again["channel"] == posted["channel"] and again["ts"] > posted["ts"]
    finally:
        second.stop()


async def test_a_reset_empties_the_file_too(tmp_path: Path) -> None:
    state_file = tmp_path / "sandbox.json"
    server = _start(state_file)
    try:
        await _install(server.url, "T0ACMEENG")
        async with httpx.AsyncClient(base_url=server.url) as http:
            await http.post("/_sandbox/reset")
    finally:
        server.stop()
    assert json.loads(state_file.read_text())["installs"] == []


async def test_an_unreadable_file_is_set_aside_and_the_sandbox_starts_empty(
    tmp_path: Path, capsys: object
) -> None:
    state_file = tmp_path / "sandbox.json"
    state_file.write_text("{not json")
    server = _start(state_file)
    try:
        async with httpx.AsyncClient(base_url=server.url) as http:
            assert (await http.get("/_sandbox/installs")).json()["installs"] == []
    finally:
        server.stop()
    assert (tmp_path / "sandbox.json.broken").read_text() == "{not json"
