"""The SQLite side of persistence: statements on the event loop, WAL checkpoints on a thread of
their own, and the indexes the hot queries rely on."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import text

from adapters.persistence import sql_repositories
from adapters.persistence.database import async_url, create_engine
from adapters.persistence.migrate import upgrade
from adapters.persistence.sqlite_checkpoints import WalCheckpointer, sqlite_file
from adapters.settings import Settings
from bootstrap import create_app, create_container


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "engine.db"
    upgrade(f"sqlite:///{path}")
    return path


async def test_statements_run_on_the_event_loop_thread_not_a_helper_thread(
    database: Path,
) -> None:
    engine = create_engine(f"sqlite:///{database}")
    try:
        async with engine.connect() as connection:
            raw = await connection.get_raw_connection()
            raw.driver_connection.create_function("thread_id", 0, threading.get_ident)
            ran_on = (await connection.execute(text("SELECT thread_id()"))).scalar_one()
    finally:
        await engine.dispose()
    assert ran_on == threading.get_ident()


async def test_a_members_pending_requests_are_found_through_the_member_indexes(
    database: Path,
) -> None:
    engine = create_engine(f"sqlite:///{database}")
    statement = sql_repositories.SqlMentorRequests._pending_of_member.params(member_id="m")
    sql = str(statement.compile(engine.sync_engine, compile_kwargs={"literal_binds": True}))
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(text(f"EXPLAIN QUERY PLAN {sql}"))
            plan = " | ".join(str(row[-1]) for row in rows)
    finally:
        await engine.dispose()
    assert "ix_mentor_requests_mentee_status" in plan, plan
    assert "ix_mentor_requests_mentor_status" in plan, plan
    assert "ix_mentor_requests_due" not in plan, plan


def _writer_without_checkpoints(path: Path) -> sqlite3.Connection:
    """A connection in WAL mode that never checkpoints by itself (nor, while open, at close)."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA wal_autocheckpoint=0")
    connection.execute("CREATE TABLE IF NOT EXISTS filler (value TEXT)")
    return connection


def _write(connection: sqlite3.Connection, rows: int = 50) -> None:
    for _ in range(rows):
        connection.execute("INSERT INTO filler VALUES (?)", ("x" * 2000,))


def _database_file_bytes(path: Path) -> int:
    """What has reached the database file itself (not the -wal file)."""
    return path.stat().st_size


def test_a_checkpoint_copies_the_write_ahead_log_back_into_the_database(tmp_path: Path) -> None:
    path = tmp_path / "wal.db"
    writer = _writer_without_checkpoints(path)
    _write(writer)
    assert _database_file_bytes(path) < 50 * 2000  # the rows are only in the log so far
    connection = sqlite3.connect(path, isolation_level=None)
    busy, logged, copied = WalCheckpointer(str(path)).checkpoint(connection)
    connection.close()
    assert (busy, copied) == (0, logged) and logged > 0
    assert _database_file_bytes(path) > 50 * 2000
    writer.close()


def test_the_checkpoint_thread_keeps_the_log_short_and_stops_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "thread.db"
    writer = _writer_without_checkpoints(path)
    checkpointer = WalCheckpointer(str(path), interval=0.01)
    checkpointer.start()
    try:
        _write(writer)
        deadline = time.monotonic() + 5
        while _database_file_bytes(path) < 50 * 2000 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert _database_file_bytes(path) > 50 * 2000
    finally:
        checkpointer.stop()
        writer.close()
    assert checkpointer.checkpoints > 0 and checkpointer.failures == 0
    assert not any(t.name == "sqlite-checkpoints" for t in threading.enumerate())


@pytest.mark.parametrize("scheme", ["sqlite", "sqlite+pysqlite", "sqlite+aiosqlite"])
def test_every_sqlite_url_runs_on_the_in_loop_driver(scheme: str) -> None:
    assert async_url(f"{scheme}:///data/m.db") == "sqlite+inloop:///data/m.db"


def test_only_a_sqlite_file_gets_checkpoints() -> None:
    assert sqlite_file("sqlite:///data/mentorlink.db") == "data/mentorlink.db"
    assert sqlite_file("sqlite:////var/lib/m.db") == "/var/lib/m.db"
    assert sqlite_file("sqlite://") is None
    assert sqlite_file("sqlite:///:memory:") is None
    assert sqlite_file("postgresql://postgres@localhost/mentorlink") is None


async def test_the_server_checkpoints_while_it_runs_and_stops_with_it(database: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{database}", secret_keys=("k" * 32,))
    container = create_container(settings)
    checkpointer = container.checkpointer()
    assert checkpointer is not None and checkpointer.path == str(database)
    async with AsyncTestClient(create_app(container=container)) as client:
        assert (await client.get("/healthz")).status_code == 200
        assert any(t.name == "sqlite-checkpoints" for t in threading.enumerate())
    assert not any(t.name == "sqlite-checkpoints" for t in threading.enumerate())
    assert create_container(Settings(database_url="memory://")).checkpointer() is None
