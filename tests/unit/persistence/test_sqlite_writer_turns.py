"""SQLite writers take turns without deadlocking on the connection pool: a unit of work holds a
connection while it waits for the writers' turn, so every other writer must take a connection
before the turn, never the other way round."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from adapters.persistence.database import create_engine
from adapters.persistence.outbox import MAX_ATTEMPTS, SqlOutbox
from adapters.persistence.sealing import TokenSealer
from adapters.persistence.sql_uow import SqlUnitOfWork
from adapters.persistence.sqlite_writers import writers_turn
from domain.ids import OrganizationId
from domain.organization import Organization

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)



async def test_a_writer_waiting_for_its_turn_does_not_hold_the_last_connection(url: str) -> None:
    engine = create_engine(url, pool_size=1)  # two connections at most
    outbox = SqlOutbox(engine, MAX_ATTEMPTS)
    turn = writers_turn(engine)
    try:
        await turn.__aenter__()  # someone is writing: everyone else queues for the turn
        uows = [SqlUnitOfWork(engine, TokenSealer(["k"])) for _ in range(2)]
        for index, uow in enumerate(uows):  # both connections are now held by units of work
            await uow.__aenter__()
            await uow.organizations.add(Organization(id=OrganizationId(f"org{index}"), name="Acme"))

        async def commit(uow: SqlUnitOfWork) -> None:
            try:
                await uow.commit()
            finally:
                await uow.__aexit__(None, None, None)

        claim = asyncio.ensure_future(outbox.claim(NOW, 10, timedelta(seconds=60)))
        await asyncio.sleep(0.01)  # the claim queues first (for a connection, not the turn)
        commits = [asyncio.ensure_future(commit(uow)) for uow in uows]
        await asyncio.sleep(0.01)
        await turn.__aexit__(None, None, None)
        # Had the claim taken the turn first, it would wait for a connection that the units
        # of work keep while they wait for the turn: nothing would finish before the timeout.
        await asyncio.wait_for(asyncio.gather(claim, *commits), timeout=3)
    finally:
        await engine.dispose()
