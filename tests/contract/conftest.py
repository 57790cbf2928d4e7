"""Every adapter of the persistence port, behind one fixture: the same suite runs on each."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy import select, text

from adapters.persistence.database import create_engine
from adapters.persistence.memory import MemoryStore, memory_uow_factory
from adapters.persistence.migrate import upgrade
from adapters.persistence.outbox import MemoryOutbox, SqlOutbox
from adapters.persistence.sealing import TokenSealer
from adapters.persistence.sql_uow import SqlUnitOfWork
from adapters.persistence.tables import metadata
from application.ports import Outbox, UnitOfWork
from tests.support.infra import require

PG_ADMIN = os.environ.get("MENTORLINK_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


async def _pg_reachable() -> bool:
    try:
        conn = await asyncpg.connect(PG_ADMIN, timeout=3)
    except (OSError, asyncpg.PostgresError):
        return False
    await conn.close()
    return True


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating once keeps the suite fast)."""
    path = tmp_path_factory.mktemp("db") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str | None]:
    """A fresh, migrated PostgreSQL database for this session; dropped afterwards."""
    if not asyncio.run(_pg_reachable()):
        yield None
        return
    name = f"mentorlink_test_{uuid.uuid4().hex[:10]}"

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(PG_ADMIN)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN.rsplit("/", 1)[0] + "/" + name
    upgrade(url)
    yield url
    asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def empty_database(
    kind: str, tmp_path: Path, sqlite_template: Path, postgres_url: str | None
) -> str:
    """The URL of an empty, migrated database of `kind` for one test: a copy of the SQLite
    template in `tmp_path`, or the session's PostgreSQL database emptied (skipped, or failed
    under CI, when PostgreSQL is not reachable)."""
    if kind == "sqlite":
        path = tmp_path / f"{kind}-{uuid.uuid4().hex[:8]}.db"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    require(postgres_url is not None, "PostgreSQL at 127.0.0.1:5432")
    assert postgres_url is not None
    await _truncate(postgres_url)
    return postgres_url


async def _truncate(url: str) -> None:
    engine = create_engine(url)
    async with engine.begin() as conn:
        names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
        await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    await engine.dispose()


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def uow_factory(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sqlite_template: Path,
    postgres_url: str | None,
) -> AsyncIterator[Callable[[], UnitOfWork]]:
    """A factory of units of work on one empty database of the requested kind."""
    kind = request.param
    if kind == "memory":
        store = MemoryStore()

        async def raw_memory(table: str) -> list[dict[str, Any]]:
            return [row for _, row in store.table(table).values()]

        yield Backend(memory_uow_factory(store), raw_memory, lambda n: MemoryOutbox(store, n))
        return
    url = await empty_database(kind, tmp_path, sqlite_template, postgres_url)
    engine = create_engine(url)
    sealer = TokenSealer(["contract-key"])

    async def raw_sql(table: str) -> list[dict[str, Any]]:
        async with engine.connect() as conn:
            rows = await conn.execute(select(metadata.tables[table].c.data))
            return [row.data for row in rows]

    yield Backend(lambda: SqlUnitOfWork(engine, sealer), raw_sql, lambda n: SqlOutbox(engine, n))
    await engine.dispose()


class Backend:
    """A unit-of-work factory that can also show what it really stored (for secrecy checks),
    and make the outbox's delivery side on the same database (`outbox(max_attempts)`)."""

    def __init__(
        self,
        factory: Callable[[], UnitOfWork],
        raw: Callable[[str], Awaitable[list[dict[str, Any]]]],
        outbox: Callable[[int], Outbox],
    ) -> None:
        self._factory = factory
        self.raw = raw
        self.outbox = outbox

    def __call__(self) -> UnitOfWork:
        return self._factory()
