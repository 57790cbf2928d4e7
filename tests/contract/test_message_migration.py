"""Migration 0003 moves the messages that lived inside connection documents into their own
table, and its downgrade moves them back, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from alembic import command
from sqlalchemy import select, update

from adapters.persistence import tables as t
from adapters.persistence.database import create_engine
from adapters.persistence.migrate import alembic_config
from adapters.persistence.sealing import TokenSealer
from adapters.persistence.sql_uow import SqlUnitOfWork
from tests.contract.builders import NOW, connection
from tests.contract.conftest import PG_ADMIN
from tests.contract.test_unit_of_work_contract import save_graph
from tests.support.infra import require

OLD_MESSAGES = [
    {"id": "m1", "author_id": "", "body": "Welcome!", "sent_at": "2026-03-02T09:00:00+00:00"},
    {"id": "m2", "author_id": "", "body": "Thanks", "sent_at": "2026-03-02T10:30:00+01:00"},
]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migration.db'}"
        return
    try:
        admin = await asyncpg.connect(PG_ADMIN, timeout=3)
    except (OSError, asyncpg.PostgresError):
        require(False, "PostgreSQL at 127.0.0.1:5432")
    name = f"mentorlink_migration_{uuid.uuid4().hex[:10]}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN.rsplit("/", 1)[0] + "/" + name
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def test_messages_move_out_of_the_documents_and_back(empty_database: str) -> None:
    config = alembic_config(empty_database)
    await asyncio.to_thread(command.upgrade, config, "head")
    engine = create_engine(empty_database)
    try:

        def uow() -> SqlUnitOfWork:
            return SqlUnitOfWork(engine, TokenSealer(["k"]))

        g = await save_graph(uow)  # today's code writes today's schema; then back to 0002
        pair = connection(g)
        async with uow() as u:
            await u.connections.add(pair)
            await u.commit()
        await asyncio.to_thread(command.downgrade, config, "0002")
        old = [{**m, "author_id": g.mentee.id} for m in OLD_MESSAGES]
        async with engine.begin() as conn:  # what 0002-era code stored
            data = (await conn.execute(select(t.connections.c.data))).scalar_one()
            data = json.loads(data) if isinstance(data, str) else data
            await conn.execute(update(t.connections).values(data={**data, "messages": old}))

        await asyncio.to_thread(command.upgrade, config, "head")
        async with uow() as u:
            latest = await u.messages.latest_for_connections([pair.id], 10)
            assert [(m.id, m.body, m.author_id) for m in latest[pair.id]] == [
                ("m1", "Welcome!", g.mentee.id),
                ("m2", "Thanks", g.mentee.id),
            ]
            assert latest[pair.id][1].sent_at == NOW.replace(hour=9, minute=30)
            assert (await u.connections.get(pair.id)).version == 1
        async with engine.connect() as conn:
            data = (await conn.execute(select(t.connections.c.data))).scalar_one()
            assert "messages" not in (json.loads(data) if isinstance(data, str) else data)

        await asyncio.to_thread(command.downgrade, config, "0002")
        async with engine.connect() as conn:
            data = (await conn.execute(select(t.connections.c.data))).scalar_one()
            data = json.loads(data) if isinstance(data, str) else data
        assert data["messages"] == [{**m, "sent_at": s} for m, s in zip(
            old, ["2026-03-02T09:00:00+00:00", "2026-03-02T09:30:00+00:00"], strict=True
        )]  # fmt: skip
    finally:
        await engine.dispose()
