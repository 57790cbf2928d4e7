"""Real HTTP servers for the sandbox tests: the sandbox itself and a tiny receiving app."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

import attrs
import msgspec
import uvicorn
from slack_sdk.signature import SignatureVerifier

Scope = dict[str, Any]
ASGIApp = Callable[[Scope, Any, Any], Awaitable[None]]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ThreadedServer:
    """uvicorn in a background thread with its own event loop."""

    def __init__(self, app: Any, port: int) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                access_log=False, lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> ThreadedServer:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)


@attrs.define
class Received:
    """One request the receiver got."""

    path: str
    headers: dict[str, str]
    body: bytes
    valid_signature: bool

    def json(self) -> Any:
        if self.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            return msgspec.json.decode(parse_qs(self.body.decode())["payload"][0])
        return msgspec.json.decode(self.body)


Reply = tuple[int, dict[str, str], bytes]
Behaviour = Callable[["Receiver", Received], Awaitable[Reply]]


async def ok_empty(_: Receiver, __: Received) -> Reply:
    return 200, {}, b""


class Receiver:
    """A stand-in for mentorlink: verifies signatures and answers as a test tells it to."""

    def __init__(self, signing_secret: str) -> None:
        self.verifier = SignatureVerifier(signing_secret)
        self.received: list[Received] = []
        self.events: Behaviour = ok_empty
        self.interactions: Behaviour = ok_empty

    def reset(self) -> None:
        self.received.clear()
        self.events = ok_empty
        self.interactions = ok_empty

    def of(self, path: str) -> list[Received]:
        return [r for r in self.received if r.path == path]

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                else:
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        record = Received(scope["path"], headers, body,
                          self.verifier.is_valid_request(body, headers))
        self.received.append(record)
        if scope["path"] == "/slack/events":
            if record.json().get("type") == "url_verification":
                reply: Reply = (200, {}, msgspec.json.encode(
                    {"challenge": record.json()["challenge"]}))
            else:
                reply = await self.events(self, record)
        else:
            reply = await self.interactions(self, record)
        status, extra, content = reply
        out_headers = [(b"content-type", b"application/json")]
        out_headers += [(k.encode(), v.encode()) for k, v in extra.items()]
        await send({"type": "http.response.start", "status": status, "headers": out_headers})
        await send({"type": "http.response.body", "body": content})


async def wait_for(predicate: Callable[[], bool], within: float = 5.0) -> None:
    deadline = time.monotonic() + within
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)
