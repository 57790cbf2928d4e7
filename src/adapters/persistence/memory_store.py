"""The in-memory database: committed state shared by every in-memory unit of work, and what a
memory store is handed instead of the unit of work (the store, pending writes, the sealer)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import attrs

from adapters.persistence.pending import PendingWrites
from adapters.persistence.sealing import TokenSealer
from application.delivery.model import Delivery
from application.ports import OutboxMessage
from application.tokens import ApiToken
from domain.connection import Message


@attrs.define
class MemoryStore:
    """The committed state, shared by every unit of work made from it."""

    tables: dict[str, dict[str, tuple[int, dict[str, Any]]]] = attrs.field(factory=dict)
    outbox: list[OutboxMessage] = attrs.field(factory=list)  # outbox id n at index n - 1
    tokens: dict[str, ApiToken] = attrs.field(factory=dict)
    slack_events: dict[str, datetime] = attrs.field(factory=dict)
    messages: dict[str, list[Message]] = attrs.field(factory=dict)  # by connection
    message_ids: set[str] = attrs.field(factory=set)
    deliveries: dict[str, Delivery] = attrs.field(factory=dict)
    # Slack pacing by (workspace, method): the next steady-rate slot and a 429's pause.
    slack_pacing: dict[tuple[str, str], tuple[datetime, datetime | None]] = attrs.field(
        factory=dict
    )
    # Row locks (`hold`) by (table, id): what a unit of work holds until it ends.
    holds: dict[tuple[str, str], asyncio.Lock] = attrs.field(factory=dict)

    def table(self, name: str) -> dict[str, tuple[int, dict[str, Any]]]:
        return self.tables.setdefault(name, {})


@attrs.define
class MemorySession(PendingWrites):
    """One transaction over a MemoryStore as its stores see it."""

    store: MemoryStore = attrs.field(kw_only=True)
    sealer: TokenSealer = attrs.field(kw_only=True)
    held: list[asyncio.Lock] = attrs.field(factory=list, kw_only=True)

    async def hold(self, table: str, id: str) -> None:
        """Wait for the row's lock and keep it until the transaction ends (`let_go`)."""
        lock = self.store.holds.setdefault((table, id), asyncio.Lock())
        await lock.acquire()
        self.held.append(lock)

    def let_go(self) -> None:
        while self.held:
            self.held.pop().release()
