"""The outbox contract: rows written by commits are claimed with a lease, acknowledged, or
retried until dead; two claims never share a row. Runs on the in-memory fake, SQLite and
PostgreSQL (the delivery worker is built on this port)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from application.ports import Outbox
from tests.contract.builders import NOW
from tests.contract.conftest import Backend
from tests.contract.test_unit_of_work_contract import save_graph

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 3


async def rows(backend: Backend, count: int) -> Outbox:
    """`count` outbox rows (ids 1..count, one per change of the program), and the outbox."""
    g = await save_graph(backend)
    async with backend() as uow:
        program = await uow.programs.get(g.program.id)
        for i in range(count):
            program.set_slack_opt_in(not program.slack_opt_in, now=NOW + timedelta(seconds=i))
        await uow.commit()
    return backend.outbox(MAX_ATTEMPTS)


@pytest.fixture
def backend(uow_factory: Backend) -> Backend:
    return uow_factory


async def test_a_commit_writes_pending_rows_due_at_once_and_never_tried(backend: Backend) -> None:
    await rows(backend, 2)
    async with backend() as uow:
        pending = await uow.outbox.list_pending()
    assert [(m.status, m.attempts, m.last_error) for m in pending] == [("pending", 0, None)] * 2
    assert [m.available_at for m in pending] == [m.created_at for m in pending]
    assert [m.created_at for m in pending] == [NOW, NOW + timedelta(seconds=1)]


async def test_claim_leases_due_rows_oldest_first_up_to_the_limit(backend: Backend) -> None:
    outbox = await rows(backend, 3)
    now = NOW + timedelta(minutes=1)
    first = await outbox.claim(now, 2, LEASE)
    assert [m.topic for m in first] == ["program.slack_opt_in_changed"] * 2
    assert [(m.status, m.attempts, m.available_at) for m in first] == [
        ("sending", 1, now + LEASE)
    ] * 2
    rest = await outbox.claim(now, 10, LEASE)
    assert len(rest) == 1 and rest[0].id not in {m.id for m in first}
    assert await outbox.claim(now, 10, LEASE) == []
    async with backend() as uow:
        assert await uow.outbox.list_pending() == []


async def test_rows_not_yet_due_and_a_zero_limit_claim_nothing(backend: Backend) -> None:
    outbox = await rows(backend, 2)
    assert await outbox.claim(NOW - timedelta(seconds=1), 10, LEASE) == []
    assert await outbox.claim(NOW + timedelta(hours=1), 0, LEASE) == []
    assert [m.created_at for m in await outbox.claim(NOW, 10, LEASE)] == [NOW]


async def test_an_ended_lease_is_taken_over_and_counts_an_attempt(backend: Backend) -> None:
    outbox = await rows(backend, 1)
    (first,) = await outbox.claim(NOW, 1, LEASE)
    assert await outbox.claim(NOW + LEASE - timedelta(seconds=1), 1, LEASE) == []
    (again,) = await outbox.claim(NOW + LEASE, 1, LEASE)
    assert (again.id, again.attempts, again.available_at) == (first.id, 2, NOW + 2 * LEASE)


async def test_acknowledged_rows_are_done_for_good(backend: Backend) -> None:
    outbox = await rows(backend, 2)
    claimed = await outbox.claim(NOW + timedelta(seconds=1), 2, LEASE)
    assert await outbox.acknowledge(claimed[0].id) is True
    assert await outbox.acknowledge(claimed[0].id) is False  # not claimed any more
    assert await outbox.acknowledge(999) is False
    later = await outbox.claim(NOW + timedelta(days=1), 10, LEASE)
    assert [m.id for m in later] == [claimed[1].id]  # the lease of the other one ended


async def test_retry_keeps_the_error_and_makes_the_row_due_again(backend: Backend) -> None:
    outbox = await rows(backend, 1)
    (claimed,) = await outbox.claim(NOW, 1, LEASE)
    retry_at = NOW + timedelta(minutes=1)
    assert await outbox.retry(claimed.id, "ratelimited", retry_at) is True
    assert await outbox.retry(claimed.id, "again", retry_at) is False  # not claimed any more
    async with backend() as uow:
        (pending,) = await uow.outbox.list_pending()
    assert (pending.status, pending.last_error, pending.available_at) == (
        "pending",
        "ratelimited",
        retry_at,
    )
    assert await outbox.claim(retry_at - timedelta(seconds=1), 1, LEASE) == []
    (again,) = await outbox.claim(retry_at, 1, LEASE)
    assert (again.id, again.attempts, again.last_error) == (claimed.id, 2, "ratelimited")


async def test_a_released_row_is_due_at_once_and_its_attempt_not_counted(
    backend: Backend,
) -> None:
    outbox = await rows(backend, 1)
    (claimed,) = await outbox.claim(NOW, 1, LEASE)
    back = NOW + timedelta(seconds=3)
    assert await outbox.release(claimed.id, back) is True
    assert await outbox.release(claimed.id, back) is False  # not claimed any more
    assert await outbox.claim(back - timedelta(seconds=1), 1, LEASE) == []
    (again,) = await outbox.claim(back, 1, LEASE)
    assert (again.id, again.attempts) == (claimed.id, 1)


async def test_a_row_is_dead_after_its_last_attempt_with_the_reason_kept(backend: Backend) -> None:
    outbox = await rows(backend, 1)
    now = NOW
    for attempt in range(1, MAX_ATTEMPTS + 1):
        (claimed,) = await outbox.claim(now, 1, LEASE)
        assert claimed.attempts == attempt
        assert await outbox.retry(claimed.id, f"failure {attempt}", now) is True
    assert await outbox.claim(now + timedelta(days=365), 10, LEASE) == []
    async with backend() as uow:
        assert await uow.outbox.list_pending() == []
    assert await backend.outbox(MAX_ATTEMPTS).acknowledge(claimed.id) is False


async def test_concurrent_claims_never_share_a_row(backend: Backend) -> None:
    outbox = await rows(backend, 12)
    workers = [backend.outbox(MAX_ATTEMPTS) for _ in range(4)]
    later = NOW + timedelta(minutes=1)
    batches = await asyncio.gather(*(w.claim(later, 5, LEASE) for w in workers))
    ids = [m.id for batch in batches for m in batch]
    assert len(ids) == len(set(ids)) == 12
    assert await outbox.claim(NOW + timedelta(minutes=1), 10, LEASE) == []
