"""The delivery lifecycle as a Hypothesis state machine: several workers expand outbox rows,
claim deliveries, send, fail, hold, give back, crash (vanishing with their leases) while the
clock runs past leases. The in-memory store and the SQL one on SQLite get the same random
operations and must agree on every answer and every delivery; and whatever happens, every
delivery ends sent / dead / unreachable or is still retriable, no delivery is under two live
leases, and nothing is lost (every expanded delivery exists exactly once)."""

from __future__ import annotations

import asyncio
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from sqlalchemy import create_engine as create_sync_engine

from adapters.persistence import tables as t
from adapters.persistence.database import create_engine
from adapters.persistence.delivery_rows import DUE
from adapters.persistence.memory_deliveries import MemoryDeliveryStore
from adapters.persistence.memory_store import MemoryStore
from adapters.persistence.outbox import MemoryOutbox, SqlOutbox
from adapters.persistence.pending import outbox_row
from adapters.persistence.sql_deliveries import SqlDeliveryStore
from application.delivery.model import (
    Channel,
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationKind,
    SlackMessageRef,
    Subject,
)
from application.ports import OutboxMessage
from domain.events import DomainEvent

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 3
WORKERS = 3
REF = SlackMessageRef(installation_id="inst-1", channel_id="D1", ts="1.0")
S = DeliveryStatus
OUTCOMES = ["sent", "retry", "dead", "unreachable", "hold", "release"]


class DeliveryMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.folder = tempfile.TemporaryDirectory()
        path = Path(self.folder.name) / "deliveries.db"
        sync = create_sync_engine(f"sqlite:///{path}")
        t.metadata.create_all(sync, tables=[t.outbox, t.deliveries])
        sync.dispose()
        self.engine = create_engine(f"sqlite:///{path}")
        self.store = MemoryStore()
        self.now = T0
        self.rows = 0
        self.expanded: list[str] = []  # every delivery id an expansion stored
        self.handled: set[int] = set()
        # What each worker holds: delivery id -> the end of the lease it was given.
        self.holding: list[dict[str, datetime]] = [{} for _ in range(WORKERS)]

    def run(self, work: Any) -> Any:
        return self.loop.run_until_complete(work)

    def both(self, call: Any) -> Any:
        """The same call on the memory store and the SQL one (as worker processes would make
        it: a fresh store object each time); both must answer alike."""
        mine = self.run(call(MemoryDeliveryStore(self.store)))
        theirs = self.run(call(SqlDeliveryStore(self.engine)))
        assert mine == theirs
        return mine

    def teardown(self) -> None:
        self.run(self.engine.dispose())
        self.loop.close()
        self.folder.cleanup()

    @rule(recipients=st.integers(0, 3))
    def an_event_is_expanded(self, recipients: int) -> None:
        """A worker claims a new outbox row and expands it into deliveries."""
        row = outbox_row(DomainEvent(organization_id="acme", occurred_at=self.now))
        self.rows += 1
        self.store.outbox.append(OutboxMessage(id=self.rows, **row))

        async def insert() -> None:
            async with self.engine.begin() as conn:
                await conn.execute(t.outbox.insert(), [row])

        self.run(insert())
        mine = self.run(MemoryOutbox(self.store).claim(self.now, 1, LEASE))
        theirs = self.run(SqlOutbox(self.engine).claim(self.now, 1, LEASE))
        assert [m.id for m in mine] == [m.id for m in theirs] == [self.rows]
        deliveries = [self.delivery(self.rows, i) for i in range(recipients)]
        assert self.both(lambda s: s.expand(self.rows, deliveries)) is True
        self.handled.add(self.rows)
        self.expanded += [d.id for d in deliveries]

    @precondition(lambda self: self.handled)
    @rule(data=st.data())
    def a_late_worker_expands_a_handled_row(self, data: st.DataObject) -> None:
        outbox_id = data.draw(st.sampled_from(sorted(self.handled)))
        late = [self.delivery(outbox_id, 9)]
        assert self.both(lambda s: s.expand(outbox_id, late)) is False

    @rule(worker=st.integers(0, WORKERS - 1), limit=st.integers(1, 4))
    def a_worker_claims(self, worker: int, limit: int) -> None:
        claimed = self.both(lambda s: s.claim(self.now, limit, LEASE))
        for d in claimed:
            assert d.status is S.SENDING and d.lease_until == self.now + LEASE
            self.holding[worker][d.id] = self.now + LEASE

    @precondition(lambda self: any(self.holding))
    @rule(data=st.data(), outcome=st.sampled_from(OUTCOMES), delay=st.integers(0, 10))
    def a_worker_settles(self, data: st.DataObject, outcome: str, delay: int) -> None:
        """A worker records what happened to a delivery it holds (its lease may have ended
        and been taken over meanwhile: the store decides)."""
        worker = data.draw(st.sampled_from([w for w, h in enumerate(self.holding) if h]))
        id = data.draw(st.sampled_from(sorted(self.holding[worker])))
        lease = self.holding[worker].pop(id)
        at = self.now + timedelta(minutes=delay)
        calls = {
            "sent": lambda s: s.sent(
                id, channel=Channel.SLACK, slack=REF, now=self.now, lease_until=lease
            ),
            "retry": lambda s: s.retry(
                id, error="HTTP 503", at=at, max_attempts=MAX_ATTEMPTS, lease_until=lease
            ),
            "dead": lambda s: s.dead(id, error="invalid_blocks", lease_until=lease),
            "unreachable": lambda s: s.unreachable(id, reason="no Slack", lease_until=lease),
            "hold": lambda s: s.hold(id, until=at, lease_until=lease),
            "release": lambda s: s.release(id, now=at, lease_until=lease),
        }
        self.both(calls[outcome])

    @precondition(lambda self: any(self.holding))
    @rule(worker=st.integers(0, WORKERS - 1))
    def a_worker_crashes(self, worker: int) -> None:
        """It vanishes with its leases; they end in time and someone takes them over."""
        self.holding[worker] = {}

    @rule(minutes=st.integers(0, 7))
    def time_passes(self, minutes: int) -> None:
        self.now += timedelta(minutes=minutes)

    @precondition(lambda self: self.expanded)
    @rule(data=st.data())
    def an_administrator_retries(self, data: st.DataObject) -> None:
        id = data.draw(st.sampled_from(self.expanded))
        self.both(lambda s: s.requeue(id, now=self.now))

    @precondition(lambda self: self.expanded)
    @rule(data=st.data(), version=st.integers(0, 4))
    def a_subject_changes(self, data: st.DataObject, version: int) -> None:
        id = data.draw(st.sampled_from(self.expanded))
        self.both(lambda s: s.record_update(id, version))

    def delivery(self, outbox_id: int, recipient: int) -> Delivery:
        notification = Notification(
            kind=NotificationKind.MESSAGE_RECEIVED,
            organization_id="acme",
            program_id=None,
            recipient_user_id=f"u{recipient}",
            subject=Subject(kind="connection", id=f"c{outbox_id}"),
            facts={"text": "hello"},
            outbox_id=outbox_id,
            created_at=self.now,
        )
        held = recipient == 2  # quiet hours for this one
        return Delivery(
            id=f"d{outbox_id}-{recipient}",
            notification=notification,
            status=S.HELD if held else S.PENDING,
            next_attempt_at=self.now + timedelta(hours=1) if held else self.now,
        )

    def everything(self) -> list[Delivery]:
        return list(self.both(lambda s: s.list_for_organization("acme", limit=10_000)))

    @invariant()
    def nothing_is_lost_and_nothing_is_twice(self) -> None:
        ids = [d.id for d in self.everything()]
        assert sorted(ids) == sorted(self.expanded)
        assert len(set(ids)) == len(ids)

    @invariant()
    def every_delivery_ends_or_is_still_retriable(self) -> None:
        for d in self.everything():
            assert d.status.final or d.status in DUE
            if d.status in (S.DEAD, S.UNREACHABLE):
                assert d.last_error is not None
            if d.status is S.SENDING:
                assert d.lease_until is not None and d.lease_until == d.next_attempt_at
            if d.status is S.SENT:
                assert d.slack == REF and d.sent_at is not None

    @invariant()
    def never_two_live_leases_on_one_delivery(self) -> None:
        live = [id for holding in self.holding for id, until in holding.items() if until > self.now]
        assert len(live) == len(set(live))
        stored = {d.id: d for d in self.everything()}
        for holding in self.holding:  # a live lease is the one the store knows
            for id, until in holding.items():
                if until > self.now:
                    assert (stored[id].status, stored[id].lease_until) == (S.SENDING, until)


DeliveryMachine.TestCase.settings = settings(
    max_examples=60,
    stateful_step_count=35,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_memory_and_sqlite_delivery_stores_agree = DeliveryMachine.TestCase
