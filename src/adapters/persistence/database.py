"""Engines for the two supported databases: SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import event
from sqlalchemy.dialects import registry
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import PoolResetState
from sqlalchemy.util import await_
from sqlalchemy.util.concurrency import in_greenlet

from adapters.persistence.sqlite_checkpoints import WalCheckpointer

# How long a SQLite statement waits for another *process's* write lock (this process's writers
# take turns on an asyncio lock). Statements run on the event loop, so keep it short: write
# transactions last milliseconds, and a longer wait ends in a clear 409 instead of a stall.
BUSY_TIMEOUT_MS = 1000
# A pooled PostgreSQL connection idle for longer than this is pinged before it is reused.
IDLE_PING_SECONDS = 10.0


def async_url(url: str) -> str:
    """Accept plain `sqlite:///...` / `postgresql://...` and pick the async driver."""
    parsed = make_url(url)
    if parsed.drivername in ("sqlite", "sqlite+pysqlite", "sqlite+aiosqlite"):
        parsed = parsed.set(drivername="sqlite+inloop")
    elif parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg2"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    return parsed.render_as_string(hide_password=False)


def create_engine(
    url: str,
    *,
    pool_size: int = 10,
    idle_ping_seconds: float = IDLE_PING_SECONDS,
    wal: WalCheckpointer | None = None,
) -> AsyncEngine:
    """An async engine; SQLite gets WAL, a busy timeout and foreign keys on every connection;
    PostgreSQL connections are checked before reuse when they sat idle in the pool.

    SQLite commits are durable before they are acknowledged either way: without `wal` each
    commit syncs the log itself (`synchronous=FULL`: commands, tests); with it (the server)
    `wal` syncs and checkpoints on its threads, and a connection that committed waits for that
    sync before it returns to the pool, i.e. before the unit of work lets its caller answer."""
    full = async_url(url)
    if full.startswith("sqlite"):
        registry.register("sqlite.inloop", "adapters.persistence.sqlite_inloop", "dialect")
        engine = create_async_engine(full, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas(wal))
        if wal is not None:
            event.listen(engine.sync_engine, "checkout", _follow_keeper)
            event.listen(engine.sync_engine, "reset", _durable_before_reuse(wal))
        return engine
    engine = create_async_engine(full, pool_size=pool_size, max_overflow=pool_size)
    _ping_when_idle(engine, idle_ping_seconds)
    return engine


def _ping_when_idle(engine: AsyncEngine, idle_seconds: float) -> None:
    """SQLAlchemy's `pool_pre_ping` costs a round trip on *every* checkout (about an eighth of
    an accept's CPU on PostgreSQL). A connection that was in use moments ago is as good as the
    server: ping only one that sat idle, and replace it if the server dropped it. (Should the
    server restart under load, the first statement on a dead connection fails, and SQLAlchemy
    then discards every connection of the pool made before it.)"""
    dialect = engine.sync_engine.dialect

    def returned(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    def taken(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < idle_seconds:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            if dialect.is_disconnect(error, dbapi_connection, None):
                raise DisconnectionError("the pooled connection was closed") from error
            raise

    event.listen(engine.sync_engine, "checkin", returned)
    event.listen(engine.sync_engine, "checkout", taken)


def _sqlite_pragmas(wal: WalCheckpointer | None) -> Any:
    def pragmas(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.keeper = wal
        cursor = dbapi_connection.cursor()
        for pragma in ("PRAGMA journal_mode=WAL", "PRAGMA foreign_keys=ON"):
            cursor.execute(pragma)
        cursor.close()
        dbapi_connection.follow_keeper()

    return pragmas


def _follow_keeper(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    # While `wal` runs (the server), neither syncs nor checkpoints happen on this, the event
    # loop's, connection: `wal` does both on its threads.
    dbapi_connection.follow_keeper()


def _durable_before_reuse(wal: WalCheckpointer) -> Any:
    """A connection that committed goes back to the pool (the end of a unit of work) only once
    the group commit has synced the log: the request waits, the event loop does not."""

    def durable(dbapi_connection: Any, _record: Any, state: PoolResetState) -> None:
        if not getattr(dbapi_connection, "unsynced", False):
            return
        dbapi_connection.unsynced = False
        if state.asyncio_safe and in_greenlet():
            await_(wal.group_commit.durable())
        else:  # garbage collection, outside any request: nothing waits, sync here
            wal.group_commit.sync()

    return durable
