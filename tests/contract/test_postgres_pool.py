"""PostgreSQL's connection pool: opened at start, never more connections than its size, and a
connection that sat idle is checked before it is reused."""

from __future__ import annotations

import asyncio
import socket

import asyncpg
import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.database import create_engine, warm_pool
from tests.support.infra import require

pytestmark = pytest.mark.postgres

BACKEND = text("SELECT pg_backend_pid()")


async def _pooled_backend_killed(engine: AsyncEngine, url: str) -> int:
    """Use one pooled connection, return it to the pool, then have the server drop it."""
    async with engine.connect() as connection:
        backend = int((await connection.execute(BACKEND)).scalar_one())
    admin = await asyncpg.connect(url)
    try:
        await admin.execute("SELECT pg_terminate_backend($1)", backend)
    finally:
        await admin.close()
    return backend


async def test_an_idle_connection_the_server_dropped_is_replaced_before_use(
    postgres_url: str | None,
) -> None:
    require(postgres_url is not None, "PostgreSQL at 127.0.0.1:5432")
    assert postgres_url is not None
    engine = create_engine(postgres_url, pool_size=1, idle_ping_seconds=0.0)
    try:
        dropped = await _pooled_backend_killed(engine, postgres_url)
        async with engine.connect() as connection:
            backend = int((await connection.execute(BACKEND)).scalar_one())
    finally:
        await engine.dispose()
    assert backend != dropped


async def test_a_connection_used_moments_ago_is_not_pinged(postgres_url: str | None) -> None:
    require(postgres_url is not None, "PostgreSQL at 127.0.0.1:5432")
    assert postgres_url is not None
    engine = create_engine(postgres_url, pool_size=1, idle_ping_seconds=3600.0)
    try:
        await _pooled_backend_killed(engine, postgres_url)
        with pytest.raises(DBAPIError) as raised:  # no round trip spent checking it first
            async with engine.connect() as connection:
                await connection.execute(BACKEND)
        assert raised.value.connection_invalidated
        async with engine.connect() as connection:  # and the pool has replaced it since
            assert int((await connection.execute(BACKEND)).scalar_one()) > 0
    finally:
        await engine.dispose()


async def test_the_pool_opens_its_connections_at_start_and_a_burst_opens_no_more(
    postgres_url: str | None,
) -> None:
    require(postgres_url is not None, "PostgreSQL at 127.0.0.1:5432")
    assert postgres_url is not None
    engine = create_engine(postgres_url, pool_size=3)
    opened: list[object] = []
    event.listen(engine.sync_engine, "connect", lambda connection, _: opened.append(connection))

    async def busy() -> int:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT pg_sleep(0.02)"))
            return int((await connection.execute(BACKEND)).scalar_one())

    try:
        assert await warm_pool(engine) == 3
        assert len(opened) == 3 and engine.pool.checkedin() == 3  # type: ignore[attr-defined]
        backends = await asyncio.gather(*(busy() for _ in range(12)))  # 12 at once: in turns
    finally:
        await engine.dispose()
    assert len(opened) == 3 and len(set(backends)) == 3


async def test_a_database_not_there_at_start_is_no_reason_not_to_start(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    engine = create_engine(f"postgresql://postgres@127.0.0.1:{port}/nowhere", pool_size=2)
    try:
        assert await warm_pool(engine) == 0
    finally:
        await engine.dispose()
    assert "opened when first needed" in caplog.text
