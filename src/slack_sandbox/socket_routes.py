"""Socket Mode's routes: the WebSocket the app connects to (`/link/?ticket=...`, the URL
`apps.connections.open` hands out) and the inspection API's Socket Mode controls under
`/_sandbox/socket` (documented in the sandbox README)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, WebSocket, get, post, websocket
from litestar.exceptions import WebSocketDisconnect

from slack_sandbox.errors import SlackError
from slack_sandbox.records import JSON
from slack_sandbox.services import Sandbox
from slack_sandbox.socket_mode import DISCONNECT_REASONS


def _sandbox(connection: Request[Any, Any, Any] | WebSocket[Any, Any, Any]) -> Sandbox:
    sandbox: Sandbox = connection.app.state.sandbox
    return sandbox


@websocket("/link", name="socket_link")
async def socket_link(socket: WebSocket[Any, Any, Any]) -> None:
    """One Socket Mode connection: refused (403) without a fresh ticket; else `hello`, then
    envelopes out and acknowledgements in until either side closes it."""
    hub = _sandbox(socket).hub
    if not hub.redeem(socket.query_params.get("ticket")):
        await socket.close(code=4003, reason="invalid_ticket")
        return
    await socket.accept()
    link = await hub.attach(socket)
    try:
        while True:
            hub.received(await socket.receive_text())
    except WebSocketDisconnect:
        pass
    finally:
        hub.detach(link)


@get("/", sync_to_thread=False)
def socket_state(request: Request[Any, Any, Any]) -> JSON:
    """Open connections (envelopes sent and acknowledged on each) and envelopes waiting."""
    sandbox = _sandbox(request)
    return {"socket_mode": sandbox.state.tunables.socket_mode, **sandbox.hub.as_json()}


@post("/disconnect")
async def disconnect(request: Request[Any, Any, Any]) -> JSON:
    """Send `disconnect` {reason: refresh_requested | warning | link_disabled} to every open
    connection; each is closed `socket_disconnect_grace_seconds` (Slack seconds) later."""
    body = await request.json() if await request.body() else {}
    reason = body.get("reason", "refresh_requested")
    if reason not in DISCONNECT_REASONS:
        raise SlackError(f"reason must be one of {', '.join(DISCONNECT_REASONS)}", status=400)
    sandbox = _sandbox(request)
    grace = sandbox.state.tunables.scaled(sandbox.state.tunables.socket_disconnect_grace_seconds)
    return {"ok": True, "connections": await sandbox.hub.disconnect(reason, grace)}


@post("/drop")
async def drop(request: Request[Any, Any, Any]) -> JSON:
    """Close every connection at once, without a `disconnect` first (a network failure);
    with {"mid_envelope": true}, instead the connection the next envelope goes out on, right
    after sending it (the app may act on it; its ack cannot come back)."""
    body = await request.json() if await request.body() else {}
    hub = _sandbox(request).hub
    if body.get("mid_envelope") is True:
        hub.drops_mid_envelope += 1
        return {"ok": True, "connections": 0, "drops_mid_envelope": hub.drops_mid_envelope}
    return {"ok": True, "connections": await hub.drop()}


@post("/lose_acks")
async def lose_acks(request: Request[Any, Any, Any]) -> JSON:
    """Lose the next {count} acknowledgements on their way in, as if the network ate them."""
    body = await request.json() if await request.body() else {}
    count = body.get("count", 1)
    if not isinstance(count, int) or count < 0:
        raise SlackError("count must be a whole number >= 0", status=400)
    hub = _sandbox(request).hub
    hub.lost_acks = count
    return {"ok": True, "lost_acks": hub.lost_acks}


def socket_routes() -> list[Router | Any]:
    """The WebSocket route and the `/_sandbox/socket` controls."""
    from slack_sandbox.inspection import slack_error_response

    controls = Router("/_sandbox/socket", route_handlers=[socket_state, disconnect, drop,
                                                          lose_acks],
                      exception_handlers={SlackError: slack_error_response})
    return [socket_link, controls]
