"""The outbox's delivery side (`application.ports.Outbox`) in memory and in SQL; both pass
`tests/contract/test_outbox_contract.py`. Each call is its own transaction, so a claim is
committed before the channel is called.

A claimed row is `sending` and its `available_at` is the lease's end (no lease column): a
claim takes rows that are pending, or sending with an ended lease, and counts an attempt.
PostgreSQL skips rows another claim has locked (`FOR UPDATE SKIP LOCKED`); SQLite runs the
one conditional UPDATE under its single writer lock. Either way two claims never share a row."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import attrs
from sqlalchemy import bindparam, case, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence import tables as t
from adapters.persistence.memory_store import MemoryStore
from adapters.persistence.sqlite_writers import write_transaction
from application.ports import OutboxMessage

MAX_ATTEMPTS = 8  # then the row is dead, its last error kept
_DUE = ("pending", "sending")
_O = t.outbox.c
_AT = _O.available_at.type


class MemoryOutbox:
    """The outbox rows of a MemoryStore (what the in-memory app and tests use)."""

    def __init__(self, store: MemoryStore, max_attempts: int = MAX_ATTEMPTS) -> None:
        self._store = store
        self._max_attempts = max_attempts

    async def claim(self, now: datetime, limit: int, lease: timedelta) -> Sequence[OutboxMessage]:
        due = [m for m in self._store.outbox if m.status in _DUE and m.available_at <= now]
        claimed = [
            attrs.evolve(m, status="sending", available_at=now + lease, attempts=m.attempts + 1)
            for m in due[: max(limit, 0)]
        ]
        for message in claimed:
            self._store.outbox[message.id - 1] = message
        return claimed

    async def acknowledge(self, id: int) -> bool:
        return self._settle(id, status="handled")

    async def retry(self, id: int, error: str, available_at: datetime) -> bool:
        message = self._claimed(id)
        dead = message is not None and message.attempts >= self._max_attempts
        status = "dead" if dead else "pending"
        return self._settle(id, status=status, last_error=error, available_at=available_at)

    async def release(self, id: int, now: datetime) -> bool:
        message = self._claimed(id)
        attempts = 0 if message is None else max(message.attempts - 1, 0)
        return self._settle(id, status="pending", available_at=now, attempts=attempts)

    def _claimed(self, id: int) -> OutboxMessage | None:
        if not 0 < id <= len(self._store.outbox):
            return None
        message = self._store.outbox[id - 1]
        return message if message.status == "sending" else None

    def _settle(self, id: int, **changes: Any) -> bool:
        message = self._claimed(id)
        if message is None:
            return False
        self._store.outbox[id - 1] = attrs.evolve(message, **changes)
        return True


class SqlOutbox:
    """The `outbox` table, shared by every worker process."""

    _due = (
        select(_O.id)
        .where(_O.status.in_(_DUE), _O.available_at <= bindparam("now", type_=_AT))
        .order_by(_O.id)
        .limit(bindparam("limit"))
        .with_for_update(skip_locked=True)  # PostgreSQL; SQLite has one writer anyway
    )
    _claim = (
        update(t.outbox)
        .where(_O.id.in_(_due.scalar_subquery()))
        .values(
            status="sending",
            available_at=bindparam("until", type_=_AT),
            attempts=_O.attempts + 1,
        )
        .returning(*t.outbox.c)
    )
    _acknowledge = (
        update(t.outbox)
        .where(_O.id == bindparam("row_id"), _O.status == "sending")
        .values(status="handled")
    )
    _retry = (
        update(t.outbox)
        .where(_O.id == bindparam("row_id"), _O.status == "sending")
        .values(
            status=case((_O.attempts >= bindparam("max_attempts"), "dead"), else_="pending"),
            last_error=bindparam("error"),
            available_at=bindparam("at", type_=_AT),
        )
    )

    _release = (
        update(t.outbox)
        .where(_O.id == bindparam("row_id"), _O.status == "sending")
        .values(
            status="pending",
            available_at=bindparam("at", type_=_AT),
            attempts=case((_O.attempts > 0, _O.attempts - 1), else_=0),
        )
    )

    def __init__(self, engine: AsyncEngine, max_attempts: int = MAX_ATTEMPTS) -> None:
        self._engine = engine
        self._max_attempts = max_attempts

    async def claim(self, now: datetime, limit: int, lease: timedelta) -> Sequence[OutboxMessage]:
        if limit <= 0:
            return []
        values = {"now": now, "limit": limit, "until": now + lease}
        async with write_transaction(self._engine, durable=False) as conn:
            rows = (await conn.execute(self._claim, values)).mappings().all()
        return sorted((OutboxMessage(**row) for row in rows), key=lambda m: m.id)

    async def acknowledge(self, id: int) -> bool:
        return await self._settle(self._acknowledge, {"row_id": id})

    async def retry(self, id: int, error: str, available_at: datetime) -> bool:
        values = {
            "row_id": id,
            "error": error,
            "at": available_at,
            "max_attempts": self._max_attempts,
        }
        return await self._settle(self._retry, values)

    async def release(self, id: int, now: datetime) -> bool:
        return await self._settle(self._release, {"row_id": id, "at": now})

    async def _settle(self, statement: Any, values: dict[str, Any]) -> bool:
        async with write_transaction(self._engine, durable=False) as conn:
            result = await conn.execute(statement, values)
        return int(result.rowcount) == 1
