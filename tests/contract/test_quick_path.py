"""The quick path for the stores' prebuilt statements (`quick_path`), on SQLite and on
PostgreSQL: the same rows, types and errors as through SQLAlchemy, in the same transaction;
and SQLAlchemy where the statement needs it (an expanding IN, a default it computes, no
transaction)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    event,
    func,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.persistence import quick_path as quick
from adapters.persistence.database import create_engine
from adapters.persistence.sealing import TokenSealer
from adapters.persistence.sql_uow import SqlUnitOfWork
from adapters.persistence.tables import UtcDateTime
from application.actors import Actor
from application.running import UseCaseRunner
from application.usecases.answer_mentor_request import AcceptMentorRequest, accept_mentor_request
from domain.people import Role, User
from tests.contract import builders
from tests.contract.builders import graph
from tests.contract.conftest import empty_database
from tests.support.infra import require
from tests.unit.world import FixedClock

metadata = MetaData()
notes = Table(
    "notes", metadata,
    Column("id", String(32), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("data", JSON, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("pinned", Boolean, nullable=False, default=False),  # computed by SQLAlchemy if not given
    Column("at", UtcDateTime, nullable=False),
)  # fmt: skip
BY_KIND = select(notes.c.id, notes.c.version, notes.c.data, notes.c.at).where(
    notes.c.kind == bindparam("kind")
).order_by(notes.c.id)
COUNT_TASKS = select(func.count()).where(notes.c.kind == "task")  # a value of its own
BY_IDS = select(notes.c.id).where(notes.c.id.in_(bindparam("ids", expanding=True)))
INSERT = notes.insert()
BUMP = update(notes).where(
    notes.c.id == bindparam("row_id"), notes.c.version == bindparam("loaded_version")
).values(version=bindparam("version"))
AT = datetime(2026, 11, 27, 9, 30, 15, 123456, tzinfo=UTC)


def _note(id: str, kind: str = "task", **more: Any) -> dict[str, Any]:
    return {"id": id, "version": 1, "data": {"title": id, "tags": ["a"]}, "kind": kind,
            "pinned": False, "at": AT, **more}  # fmt: skip


BOTH = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _url(kind: str, tmp_path: Path, postgres_url: str | None) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'quick.db'}"
    require(postgres_url is not None, "PostgreSQL at 127.0.0.1:5432")
    assert postgres_url is not None
    return postgres_url


@pytest.fixture(params=BOTH)
async def engine(
    request: pytest.FixtureRequest, tmp_path: Path, postgres_url: str | None
) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(_url(request.param, tmp_path, postgres_url))
    async with engine.begin() as conn:
        await conn.run_sync(metadata.drop_all)
        await conn.run_sync(metadata.create_all)
    yield engine
    async with engine.begin() as conn:
        await conn.run_sync(metadata.drop_all)
    await engine.dispose()


def _through_sqlalchemy(engine: AsyncEngine) -> list[str]:
    """Statements SQLAlchemy ran (the quick path runs none)."""
    seen: list[str] = []
    event.listen(engine.sync_engine, "before_cursor_execute",
                 lambda *args: seen.append(args[2].split()[0]))  # fmt: skip
    return seen


async def test_rows_and_their_types_are_those_sqlalchemy_gives(engine: AsyncEngine) -> None:
    slow = _through_sqlalchemy(engine)
    async with engine.begin() as conn:
        assert await quick.write(conn, INSERT, [_note("n1"), _note("n2"), _note("x", "idea")]) == 3
        found = await quick.rows(conn, BY_KIND, {"kind": "task"})
        [(tasks,)] = await quick.rows(conn, COUNT_TASKS, {})
    assert slow == []
    async with engine.connect() as conn:
        expected = (await conn.execute(BY_KIND, {"kind": "task"})).all()
    assert [tuple(r) for r in found] == [tuple(r) for r in expected]
    assert found[0].data == {"title": "n1", "tags": ["a"]} and found[0].at == AT
    assert tasks == 2


async def test_an_update_counts_the_rows_it_changed(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await quick.write(conn, INSERT, _note("n1"))
        bump = {"row_id": "n1", "loaded_version": 1, "version": 2}
        assert await quick.write(conn, BUMP, bump) == 1
        assert await quick.write(conn, BUMP, {**bump, "version": 3}) == 0  # version 1 is gone
        [row] = await quick.rows(conn, BY_KIND, {"kind": "task"})
    assert row.version == 2


async def test_what_sqlalchemy_must_compute_or_expand_goes_through_it(engine: AsyncEngine) -> None:
    slow = _through_sqlalchemy(engine)
    without_pinned = {k: v for k, v in _note("n1").items() if k != "pinned"}
    async with engine.begin() as conn:
        await quick.write(conn, INSERT, without_pinned)  # the default comes from SQLAlchemy
        found = await quick.rows(conn, BY_IDS, {"ids": ["n1", "zz"]})
    assert slow == ["INSERT", "SELECT"]
    assert [r.id for r in found] == ["n1"]
    async with engine.connect() as conn:
        assert (await conn.execute(select(notes.c.pinned))).scalar_one() is False


async def test_outside_a_transaction_sqlalchemy_runs_it_and_nothing_stays_open(
    engine: AsyncEngine,
) -> None:
    slow = _through_sqlalchemy(engine)
    async with engine.connect() as conn:
        assert not conn.in_transaction()
        found = await quick.rows(conn, BY_KIND, {"kind": "task"})
    assert found == [] and slow == ["SELECT"]


async def test_a_driver_error_is_sqlalchemys_and_the_transaction_rolls_back(
    engine: AsyncEngine,
) -> None:
    with pytest.raises(IntegrityError):
        async with engine.begin() as conn:
            await quick.write(conn, INSERT, _note("n1"))
            await quick.write(conn, INSERT, _note("n1"))  # the same primary key
    async with engine.connect() as conn:
        assert (await conn.execute(select(func.count()).select_from(notes))).scalar_one() == 0


def _open_on_postgres(conn: AsyncConnection) -> bool:
    """Whether PostgreSQL holds a transaction open on this connection (its own answer)."""
    driver = conn.sync_connection.connection.dbapi_connection._connection  # type: ignore[union-attr]
    return bool(driver.is_in_transaction())


LOCKED = select(notes.c.id).where(notes.c.id == bindparam("id")).with_for_update()


@pytest.mark.postgres
async def test_reads_before_the_first_write_need_no_begin_on_postgres(
    tmp_path: Path, postgres_url: str | None
) -> None:
    """A unit of work that only reads sends neither BEGIN nor ROLLBACK; one that writes begins
    just before its first write (or a locking read), and what it wrote rolls back with it."""
    engine = create_engine(_url("postgres", tmp_path, postgres_url))
    async with engine.begin() as conn:
        await conn.run_sync(metadata.drop_all)
        await conn.run_sync(metadata.create_all)
    try:
        async with engine.begin() as conn:
            await quick.write(conn, INSERT, _note("n1"))
        async with engine.connect() as conn:
            await conn.begin()
            [row] = await quick.rows(conn, BY_KIND, {"kind": "task"})
            assert row.id == "n1" and not _open_on_postgres(conn)
            await quick.write(conn, INSERT, _note("n2"))
            assert _open_on_postgres(conn)
            [(tasks,)] = await quick.rows(conn, COUNT_TASKS, {})
            assert tasks == 2  # a read after the write is in the transaction
            await conn.rollback()
        async with engine.connect() as conn:
            await conn.begin()
            [(tasks,)] = await quick.rows(conn, COUNT_TASKS, {})
            assert tasks == 1 and not _open_on_postgres(conn)
            assert [r.id for r in await quick.rows(conn, LOCKED, {"id": "n1"})] == ["n1"]
            assert _open_on_postgres(conn)  # the row stays locked until the end
            await conn.rollback()
            assert not _open_on_postgres(conn)
    finally:
        async with engine.begin() as conn:
            await conn.run_sync(metadata.drop_all)
        await engine.dispose()


@pytest.mark.parametrize("kind", BOTH)
async def test_an_accept_runs_no_statement_through_sqlalchemy(
    kind: str, sqlite_template: Path, tmp_path: Path, postgres_url: str | None
) -> None:
    """Not even PostgreSQL's NOTIFY: the outbox's insert trigger sends it."""
    engine = create_engine(await empty_database(kind, tmp_path, sqlite_template, postgres_url))
    uows = lambda: SqlUnitOfWork(engine, TokenSealer(["quick-key"]))  # noqa: E731
    g = graph()
    pending = builders.request(g)
    async with uows() as uow:
        await uow.organizations.add(g.organization)
        await uow.programs.add(g.program)
        for item in (*g.users, g.mentor, g.mentor2, g.mentee):
            await (uow.users if isinstance(item, User) else uow.members).add(item)
        await uow.mentor_requests.add(pending)
        await uow.commit()
    slow = _through_sqlalchemy(engine)
    mentor = Actor(user_id=g.mentor.user_id, organization_id=g.organization.id, role=Role.MEMBER)
    runner = UseCaseRunner(uows, FixedClock(builders.NOW))
    accept = AcceptMentorRequest(request_id=pending.id)
    accepted = await runner(accept_mentor_request, accept, mentor)
    await engine.dispose()
    assert accepted.mentor_ids == (g.mentor.id,)
    assert slow == []
