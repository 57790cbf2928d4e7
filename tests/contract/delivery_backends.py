"""One delivery database of each kind (memory, SQLite, PostgreSQL) for the delivery store's
and the Slack pacing's contract suites: as many stores on it as a test wants (like worker
processes sharing one database), its outbox, and deliveries to expand."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from adapters.persistence import tables as t
from adapters.persistence.database import create_engine
from adapters.persistence.memory_deliveries import MemoryDeliveryStore
from adapters.persistence.memory_store import MemoryStore
from adapters.persistence.outbox import MemoryOutbox, SqlOutbox
from adapters.persistence.pending import outbox_row
from adapters.persistence.slack_pacing import (
    SLACK_RATES,
    MemorySlackPacing,
    Rate,
    SqlSlackPacing,
)
from adapters.persistence.sql_deliveries import SqlDeliveryStore
from application.delivery.model import (
    Channel,
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationKind,
    Subject,
)
from application.delivery.ports import DeliveryStore, SlackPacing
from application.ports import Outbox, OutboxMessage
from domain.events import DomainEvent
from tests.contract.builders import NOW
from tests.contract.conftest import empty_database

LEASE = timedelta(minutes=5)
REQUEST = Subject(kind="mentor_request", id="r1")


class DeliveryDb:
    """One database; `store()` and `pacing()` make as many adapters on it as asked."""

    def __init__(self, kind: str, memory: MemoryStore | None = None, engine: Any = None) -> None:
        self.kind = kind
        self._memory = memory
        self._engine = engine

    def store(self) -> DeliveryStore:
        if self._memory is not None:
            return MemoryDeliveryStore(self._memory)
        return SqlDeliveryStore(self._engine)

    def pacing(self, rates: Mapping[str, Rate] = SLACK_RATES) -> SlackPacing:
        if self._memory is not None:
            return MemorySlackPacing(self._memory, rates)
        return SqlSlackPacing(self._engine, rates)

    def outbox(self) -> Outbox:
        if self._memory is not None:
            return MemoryOutbox(self._memory)
        return SqlOutbox(self._engine)

    async def claimed_outbox_rows(self, count: int, at: datetime = NOW) -> list[OutboxMessage]:
        """`count` new outbox rows, claimed (as the worker holds them when it expands)."""
        rows = [outbox_row(DomainEvent(organization_id="acme", occurred_at=at))] * count
        if self._memory is not None:
            start = len(self._memory.outbox)
            for i, row in enumerate(rows, start + 1):
                self._memory.outbox.append(OutboxMessage(id=i, **row))
        else:
            async with self._engine.begin() as conn:
                await conn.execute(t.outbox.insert(), rows)
        return list(await self.outbox().claim(at, count, LEASE))


@pytest.fixture(
    name="db",
    params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
async def delivery_db(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sqlite_template: Path,
    postgres_url: str | None,
) -> AsyncIterator[DeliveryDb]:
    kind = request.param
    if kind == "memory":
        yield DeliveryDb(kind, memory=MemoryStore())
        return
    url = await empty_database(kind, tmp_path, sqlite_template, postgres_url)
    engine = create_engine(url)
    yield DeliveryDb(kind, engine=engine)
    await engine.dispose()


def delivery(
    id: str,
    outbox_id: int,
    *,
    recipient: str = "u-mentor",
    subject: Subject = REQUEST,
    organization: str = "acme",
    status: DeliveryStatus = DeliveryStatus.PENDING,
    channel: Channel | None = Channel.SLACK,
    due: datetime = NOW,
    created_at: datetime = NOW,
    version: int = 1,
) -> Delivery:
    """A new delivery, as the worker makes it when it expands outbox row `outbox_id`."""
    notification = Notification(
        kind=NotificationKind.MENTOR_REQUEST_RECEIVED,
        organization_id=organization,
        program_id="p1",
        recipient_user_id=recipient,
        subject=subject,
        facts={"note": "Could you help me with public speaking?", "slots": [1, 2]},
        outbox_id=outbox_id,
        created_at=created_at,
        subject_version=version,
    )
    last_error = "no Slack identity, no e-mail" if status is DeliveryStatus.UNREACHABLE else None
    return Delivery(
        id=id,
        notification=notification,
        status=status,
        channel=channel,
        next_attempt_at=due,
        last_error=last_error,
    )
