"""POST /slack/interactivity until the in-Slack actions issue wires the buttons: signed for
real, a click is acknowledged at once and told "coming soon" ephemerally through its
response_url (never a 404/500); a bad signature is a 401 and nothing is answered."""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.parse
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from aiohttp import web as aioweb

from adapters.slack.blocks import actions
from tests.http.admin_web import (  # noqa: F401  (web_fixture is the `web` fixture)
    SIGNING_SECRET,
    Web,
    web_fixture,
)


@pytest.fixture
async def response_url() -> AsyncIterator[tuple[str, list[dict[str, Any]]]]:
    """A local stand-in for Slack's response_url that keeps what it was sent."""
    received: list[dict[str, Any]] = []

    async def hook(request: aioweb.Request) -> aioweb.Response:
        received.append(await request.json())
        return aioweb.Response(text="ok")

    app = aioweb.Application()
    app.router.add_post("/actions/T1/1/abc", hook)
    runner = aioweb.AppRunner(app)
    await runner.setup()
    site = aioweb.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}/actions/T1/1/abc", received
    await runner.cleanup()


def _click(action_id: str, value: str, response_url: str | None) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "type": "block_actions", "user": {"id": "U1", "team_id": "T1"}, "team": {"id": "T1"},
        "trigger_id": "1.2.abc", "container": {"type": "message"},
        "actions": [{"action_id": action_id, "block_id": "b1", "value": value,
                     "type": "button"}],
    }  # fmt: skip
    if response_url is not None:
        payload["response_url"] = response_url
    return payload


async def _post(web: Web, payload: Any, *, secret: str = SIGNING_SECRET,
                timestamp: int | None = None) -> httpx.Response:  # fmt: skip
    raw = urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()
    ts = str(int(web.clock.now().timestamp()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:".encode() + raw, hashlib.sha256).hexdigest()
    headers = {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}",
               "Content-Type": "application/x-www-form-urlencoded"}  # fmt: skip
    return await web.browser().client.post("/slack/interactivity", content=raw, headers=headers)


@pytest.mark.parametrize("action_id", sorted(actions.ALL))
async def test_every_documented_click_is_answered_coming_soon(
    web: Web, response_url: tuple[str, list[dict[str, Any]]], action_id: str
) -> None:
    url, received = response_url
    response = await _post(web, _click(action_id, "0123abcd", url))
    assert response.status_code == 200
    assert response.json()["response_type"] == "ephemeral"
    assert len(received) == 1
    assert received[0]["response_type"] == "ephemeral"
    assert received[0]["replace_original"] is False
    assert "coming soon" in received[0]["text"]


async def test_a_click_without_response_url_still_gets_a_200(web: Web) -> None:
    response = await _post(web, _click("task.mark_done", "c:t", None))
    assert response.status_code == 200 and "coming soon" in response.json()["text"]


async def test_an_unreachable_response_url_never_fails_the_click(web: Web) -> None:
    response = await _post(web, _click("survey.take", "a1", "http://127.0.0.1:9/nowhere"))
    assert response.status_code == 200


async def test_other_interactions_get_an_empty_200(web: Web) -> None:
    response = await _post(web, {"type": "view_closed", "user": {"id": "U1"}})
    assert (response.status_code, response.content) == (200, b"")


@pytest.mark.parametrize("problem", ["wrong secret", "too old"])
async def test_a_bad_signature_is_refused_and_nothing_is_answered(
    web: Web, response_url: tuple[str, list[dict[str, Any]]], problem: str
) -> None:
    url, received = response_url
    kwargs: dict[str, Any] = (
        {"secret": "not-the-secret"} if problem == "wrong secret"
        else {"timestamp": int(web.clock.now().timestamp()) - 301}
    )  # fmt: skip
    response = await _post(web, _click("mentor_request.accept", "r1", url), **kwargs)
    assert response.status_code == 401
    assert received == []


async def test_a_signed_body_that_is_no_interaction_is_a_400(web: Web) -> None:
    raw = b"hello=world"
    ts = str(int(web.clock.now().timestamp()))
    digest = hmac.new(SIGNING_SECRET.encode(), f"v0:{ts}:".encode() + raw, hashlib.sha256)
    response = await web.browser().client.post(
        "/slack/interactivity", content=raw,
        headers={"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest.hexdigest()}"},
    )  # fmt: skip
    assert response.status_code == 400
