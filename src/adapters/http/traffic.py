"""Requests first: the in-process delivery worker takes its turns when no request is in flight.

On the embedded default the delivery worker shares the server's event loop (and, on SQLite,
its database calls run on that loop). Left alone it would take every other turn: a burst of
work to deliver would add its whole batch to the latency of the requests that arrive
meanwhile. `RequestTraffic` counts the HTTP requests in flight (an ASGI middleware) and lets
the worker start its next unit of work (one outbox row, one delivery) only when none is, or
after `longest_wait` so that sustained load cannot starve delivery altogether."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import attrs

ASGIApp = Any  # litestar's ASGI types, kept loose: this wraps any ASGI app


@attrs.define
class RequestTraffic:
    longest_wait: float = 0.5  # seconds a unit of delivery waits at most under load
    in_flight: int = 0
    _idle: asyncio.Event | None = None

    def middleware(self, app: ASGIApp) -> ASGIApp:
        """The ASGI middleware that counts this server's requests in flight."""

        async def counted(scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            self._started()
            try:
                await app(scope, receive, send)
            finally:
                self._finished()

        return counted

    def _started(self) -> None:
        self.in_flight += 1
        if self._idle is not None:
            self._idle.clear()

    def _finished(self) -> None:
        self.in_flight -= 1
        if self.in_flight == 0 and self._idle is not None:
            self._idle.set()

    async def wait_turn(self) -> None:
        """Returns when no request is in flight, or after `longest_wait`; always gives the
        event loop a turn first (requests that are ready run before the next unit)."""
        await asyncio.sleep(0)
        if self.in_flight == 0:
            return
        if self._idle is None:
            self._idle = asyncio.Event()
        self._idle.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), self.longest_wait)
