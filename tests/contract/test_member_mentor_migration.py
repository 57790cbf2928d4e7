"""Migration 0006 fills `members.is_mentor` from each member's roles (SQLite, PostgreSQL)."""

from __future__ import annotations

import asyncio

from alembic import command
from sqlalchemy import select

from adapters.persistence import tables as t
from adapters.persistence.database import create_engine
from adapters.persistence.migrate import alembic_config
from adapters.persistence.sealing import TokenSealer
from adapters.persistence.sql_uow import SqlUnitOfWork
from tests.contract.test_message_migration import empty_database  # noqa: F401 (fixture)
from tests.contract.test_unit_of_work_contract import save_graph


async def test_existing_members_are_marked_mentors_from_their_roles(
    empty_database: str,  # noqa: F811
) -> None:
    config = alembic_config(empty_database)
    await asyncio.to_thread(command.upgrade, config, "head")
    engine = create_engine(empty_database)
    try:
        g = await save_graph(lambda: SqlUnitOfWork(engine, TokenSealer(["k"])))
        await asyncio.to_thread(command.downgrade, config, "0005")  # members without the column
        await asyncio.to_thread(command.upgrade, config, "head")
        async with engine.connect() as conn:
            rows = (await conn.execute(select(t.members.c.id, t.members.c.is_mentor))).all()
        expected = {m.id: m.is_mentor for m in (g.mentor, g.mentor2, g.mentee)}
        assert dict(rows) == expected
        assert set(expected.values()) == {True, False}
    finally:
        await engine.dispose()
