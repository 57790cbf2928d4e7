"""Connections to Slack kept open while a process runs (`serve`, `worker`): one aiohttp
session per timeout, on the event loop that opened them, reused by every Web API call and
every post to a click's `response_url`.

Without them each call opened (and closed) its own session and TCP connection: a click
answered in place cost two connections, and a busy worker one per DM. Outside a running
process (a command, a test that never opened them) calls keep their short-lived sessions:
nothing is left open on a loop that is about to close."""

from __future__ import annotations

import asyncio

import aiohttp


class SlackConnections:
    """Sessions for the loop that called `open()`, until `close()`."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._sessions: dict[float, aiohttp.ClientSession] = {}
        self.opened = 0  # TCP connections the kept sessions have opened
        self._tracing = aiohttp.TraceConfig()
        self._tracing.on_connection_create_end.append(self._count)

    async def _count(self, *_: object) -> None:
        self.opened += 1

    def open(self) -> None:
        """Keep connections from now on, on the running loop."""
        self._loop = asyncio.get_running_loop()

    def session(self, timeout: float) -> aiohttp.ClientSession | None:
        """The kept session for calls bounded by `timeout` seconds; None when not open, or
        when called from another loop (the caller then makes a short-lived one)."""
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            return None
        if self._loop is None or running is not self._loop:
            return None
        kept = self._sessions.get(timeout)
        if kept is None or kept.closed:
            kept = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=timeout), trace_configs=[self._tracing]
            )
            self._sessions[timeout] = kept
        return kept

    async def close(self) -> None:
        """Close every kept session; later calls make short-lived ones again."""
        self._loop = None
        sessions, self._sessions = list(self._sessions.values()), {}
        for kept in sessions:
            await kept.close()
