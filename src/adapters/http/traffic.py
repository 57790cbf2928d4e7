"""Requests first: the in-process delivery worker takes its turns when no request is in flight.

On the embedded default the delivery worker shares the server's event loop (and, on SQLite,
its database calls run on that loop). Left alone it would take every other turn: a burst of
work to deliver would add its whole batch to the latency of the requests that arrive
meanwhile. `RequestTraffic` counts the HTTP requests in flight (an ASGI middleware) and lets
the worker start its next unit of work (one outbox row, one delivery) only when none is, or
after `longest_wait` so that sustained load cannot starve delivery altogether.

While requests keep coming, the background work (delivery, Home tabs) also keeps to a share
of the loop (`background_share`): after a unit that used the CPU for t, the next waits about
t * (1 / share - 1). The share is one for all background loops together (the worker's
expansion and sending, the Home publisher): their rests add up in one queue, so three loops
do not take three shares. Without it, at a sustained rate the worker filled every gap between
requests, the loop ran at 100%, and requests queued behind it (p99 of 100+ ms at 200
accepts/s); with it the worker falls behind during the load and catches up after.

It also sheds load: beyond `most_in_flight` requests at once the server is far behind (each
waits for all those before it), and a request is answered 503 with `Retry-After` at once
instead of joining a queue it would leave only by the client's timeout. The health check is
always answered."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import weakref
from typing import Any

import attrs

ASGIApp = Any  # litestar's ASGI types, kept loose: this wraps any ASGI app
ALWAYS_ANSWERED = frozenset({"/healthz"})
_BUSY = json.dumps({
    "error": "server_busy",
    "detail": "The server is handling too many requests right now; try again in a second.",
}).encode()  # fmt: skip


@attrs.define
class RequestTraffic:
    longest_wait: float = 0.5  # seconds a unit of delivery waits at most under load
    most_in_flight: int = 100  # more at once are refused (503) rather than queued
    background_share: float = 0.3  # of the loop's time, while requests keep coming
    flowing_for: float = 0.25  # seconds after a request during which they "keep coming"
    in_flight: int = 0
    refused: int = 0
    _idle: asyncio.Event | None = None
    _last_request: float = -1e9
    # each background loop's unit: the loop thread's CPU clock when its turn began
    _began: weakref.WeakKeyDictionary[asyncio.Task[Any], float] = attrs.field(
        factory=weakref.WeakKeyDictionary
    )
    _rested_until: float = 0.0  # monotonic: background work rests until then (all loops)

    def middleware(self, app: ASGIApp) -> ASGIApp:
        """The ASGI middleware that counts this server's requests in flight."""

        async def counted(scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            if self.in_flight >= self.most_in_flight and scope["path"] not in ALWAYS_ANSWERED:
                self.refused += 1
                await _refuse(send)
                return
            self._started()
            try:
                await app(scope, receive, send)
            finally:
                self._finished()

        return counted

    def _started(self) -> None:
        self._last_request = time.monotonic()
        self.in_flight += 1
        if self._idle is not None:
            self._idle.clear()

    def _finished(self) -> None:
        self.in_flight -= 1
        if self.in_flight == 0 and self._idle is not None:
            self._idle.set()

    async def wait_turn(self) -> None:
        """Returns when no request is in flight, or after `longest_wait`; always gives the
        event loop a turn first (requests that are ready run before the next unit). While
        requests keep coming, first rests in proportion to the CPU the last unit used."""
        task = asyncio.current_task()
        began = self._began.pop(task, None) if task is not None else None
        await self._rest(began)
        await asyncio.sleep(0)
        try:
            await self._quiet()
        finally:
            if task is not None:
                self._began[task] = time.thread_time()  # the unit starts now

    async def _quiet(self) -> None:
        if self.in_flight == 0:
            return
        if self._idle is None:
            self._idle = asyncio.Event()
        self._idle.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), self.longest_wait)

    async def _rest(self, began: float | None) -> None:
        """While requests keep coming: the rest this unit earned joins the rests of every
        background loop's units, and the next unit waits until they are all over (at most
        `longest_wait` from now)."""
        now = time.monotonic()
        if now - self._last_request > self.flowing_for:
            return
        if began is not None:  # the loop's CPU since this unit began (requests' too)
            earned = (time.thread_time() - began) * (1 / self.background_share - 1)
            self._rested_until = max(self._rested_until, now) + earned
        rest = min(self._rested_until - now, self.longest_wait)
        if rest > 0:
            await asyncio.sleep(rest)


async def _refuse(send: Any) -> None:
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(_BUSY)).encode()),
        (b"retry-after", b"1"),
    ]
    await send({"type": "http.response.start", "status": 503, "headers": headers})
    await send({"type": "http.response.body", "body": _BUSY})
