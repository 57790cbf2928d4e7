"""Commit to DM without waiting for the next poll: a commit that wrote outbox rows rings the
bell, which wakes the delivery workers that listen.

In one process (the embedded default's in-process worker) the unit of work rings it directly.
Across processes on PostgreSQL, the outbox's insert trigger (migration 0010) sends
`NOTIFY mentorlink_outbox` (delivered when the transaction commits, never for a rolled-back
one) and `listen_for_outbox` rings the worker process's bell for every notification.
Polling stays the safety net: a notification lost with a dropped connection only costs one
poll interval."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger(__name__)

CHANNEL = "mentorlink_outbox"
RECONNECT_AFTER = 1.0  # seconds between attempts to listen again


class OutboxBell:
    """Callbacks to run after a commit that wrote outbox rows (on the event loop)."""

    def __init__(self) -> None:
        self._listeners: list[Callable[[], None]] = []

    def listen(self, callback: Callable[[], None]) -> None:
        self._listeners.append(callback)

    def ring(self) -> None:
        for callback in self._listeners:
            callback()


async def listen_for_outbox(engine: AsyncEngine, bell: OutboxBell, stop: asyncio.Event) -> None:
    """Until `stop`: ring `bell` for every `NOTIFY mentorlink_outbox` (PostgreSQL only),
    listening again after a lost connection."""
    if engine.dialect.name != "postgresql":
        return
    while not stop.is_set():
        try:
            async with engine.connect() as conn:
                raw: Any = (await conn.get_raw_connection()).driver_connection
                await _listen(raw, bell, stop)
        except Exception:  # the database went away: polling covers the gap
            log.warning("Not listening for outbox notifications; retrying", exc_info=True)
        if not stop.is_set():
            await asyncio.sleep(RECONNECT_AFTER)


async def _listen(raw: Any, bell: OutboxBell, stop: asyncio.Event) -> None:
    """On one asyncpg connection, until `stop` or the connection closes."""

    def ring(*_: Any) -> None:
        bell.ring()

    await raw.add_listener(CHANNEL, ring)
    try:
        bell.ring()  # what was committed while nobody listened
        while not stop.is_set() and not raw.is_closed():
            try:
                await asyncio.wait_for(stop.wait(), RECONNECT_AFTER)
            except TimeoutError:
                continue
    finally:
        if not raw.is_closed():
            await raw.remove_listener(CHANNEL, ring)  # the pool reuses this connection
