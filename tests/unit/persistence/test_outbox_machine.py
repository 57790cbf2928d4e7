"""The outbox lifecycle as a Hypothesis state machine: the in-memory outbox and the SQL one on
SQLite get the same random claims, acknowledgements, retries and clock moves, and must agree
on every answer and every row (the contract suite covers PostgreSQL with fixed cases)."""

from __future__ import annotations

import asyncio
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy import select

from adapters.persistence import tables as t
from adapters.persistence.database import create_engine
from adapters.persistence.memory_store import MemoryStore
from adapters.persistence.outbox import MemoryOutbox, SqlOutbox
from adapters.persistence.pending import outbox_row
from application.ports import OutboxMessage
from domain.events import DomainEvent

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
MAX_ATTEMPTS = 3
LEASE = timedelta(minutes=5)


class OutboxMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.folder = tempfile.TemporaryDirectory()
        path = Path(self.folder.name) / "outbox.db"
        sync = create_sync_engine(f"sqlite:///{path}")
        t.metadata.create_all(sync, tables=[t.outbox])
        sync.dispose()
        self.engine = create_engine(f"sqlite:///{path}")
        self.store = MemoryStore()
        self.memory = MemoryOutbox(self.store, MAX_ATTEMPTS)
        self.sql = SqlOutbox(self.engine, MAX_ATTEMPTS)
        self.now = T0
        self.rows = 0

    def run(self, work: Any) -> Any:
        return self.loop.run_until_complete(work)

    def teardown(self) -> None:
        self.run(self.engine.dispose())
        self.loop.close()
        self.folder.cleanup()

    @rule(count=st.integers(1, 3))
    def commit_events(self, count: int) -> None:
        rows = [outbox_row(DomainEvent(organization_id="acme", occurred_at=self.now))] * count
        for row in rows:
            self.rows += 1
            self.store.outbox.append(OutboxMessage(id=self.rows, **row))

        async def insert() -> None:
            async with self.engine.begin() as conn:
                await conn.execute(t.outbox.insert(), rows)

        self.run(insert())

    @rule(minutes=st.integers(0, 12))
    def time_passes(self, minutes: int) -> None:
        self.now += timedelta(minutes=minutes)

    @rule(limit=st.integers(0, 4))
    def claim(self, limit: int) -> None:
        mine = self.run(self.memory.claim(self.now, limit, LEASE))
        theirs = self.run(self.sql.claim(self.now, limit, LEASE))
        assert mine == theirs
        assert all(m.status == "sending" and m.available_at == self.now + LEASE for m in mine)

    @rule(id=st.integers(1, 12))
    def acknowledge(self, id: int) -> None:
        assert self.run(self.memory.acknowledge(id)) == self.run(self.sql.acknowledge(id))

    @rule(id=st.integers(1, 12), delay=st.integers(0, 10), error=st.sampled_from(["busy", "503"]))
    def retry(self, id: int, delay: int, error: str) -> None:
        at = self.now + timedelta(minutes=delay)
        assert self.run(self.memory.retry(id, error, at)) == self.run(self.sql.retry(id, error, at))

    @invariant()
    def both_hold_the_same_rows(self) -> None:
        async def everything() -> list[OutboxMessage]:
            async with self.engine.connect() as conn:
                found = await conn.execute(select(t.outbox).order_by(t.outbox.c.id))
                return [OutboxMessage(**row) for row in found.mappings()]

        assert self.run(everything()) == self.store.outbox

    @invariant()
    def the_dead_used_their_attempts_and_keep_their_reason(self) -> None:
        for message in self.store.outbox:
            if message.status == "dead":
                assert message.attempts >= MAX_ATTEMPTS and message.last_error is not None
            if message.status in ("pending", "dead") and message.attempts == 0:
                assert message.status == "pending" and message.last_error is None


OutboxMachine.TestCase.settings = settings(
    max_examples=60,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_memory_and_sqlite_outboxes_agree = OutboxMachine.TestCase
