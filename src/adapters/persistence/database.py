"""Engines for the two supported databases: SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import contextlib
import logging
import time
from typing import Any

from sqlalchemy import event
from sqlalchemy.dialects import registry
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from adapters.persistence.sqlite_checkpoints import SAFETY_NET_PAGES
from adapters.persistence.sqlite_group_commit import group_commit_of

log = logging.getLogger(__name__)

# How long a SQLite statement waits for another *process's* write lock (this process's writers
# take turns on an asyncio lock). Statements run on the event loop, so keep it short: write
# transactions last milliseconds, and a longer wait ends in a clear 409 instead of a stall.
BUSY_TIMEOUT_MS = 1000
# How long a unit of work waits for a pooled SQLite connection. Every statement runs on the
# event loop, so connections are only held across waits for the writers' turn: a wait this long
# means the server is far behind; failing beats a stall (`RequestTraffic` sheds load earlier).
SQLITE_POOL_TIMEOUT_S = 5.0
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
    durable: bool = True,
) -> AsyncEngine:
    """An async engine; SQLite gets WAL, a busy timeout and foreign keys on every connection;
    PostgreSQL's pool keeps `pool_size` connections (`warm_pool` opens them), checked before
    reuse when they sat idle."""
    full = async_url(url)
    if full.startswith("sqlite"):
        registry.register("sqlite.inloop", "adapters.persistence.sqlite_inloop", "dialect")
        engine = create_async_engine(
            full,
            connect_args={"timeout": BUSY_TIMEOUT_MS / 1000},
            pool_size=pool_size,
            max_overflow=pool_size,
            pool_timeout=SQLITE_POOL_TIMEOUT_S,
        )
        if durable:
            event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
            event.listen(engine.sync_engine, "checkout", _follow_group_commit(engine))
        else:  # MENTORLINK_SQLITE_DURABLE=false: acknowledged once in the log, not synced
            event.listen(engine.sync_engine, "connect", _relaxed_sqlite_pragmas)
        return engine
    # No overflow: a connection opened for a burst and closed after it cost more CPU than the
    # burst's requests (handshake, the dialect's first queries, codecs, every statement
    # prepared again) and made the burst longer; beyond `pool_size` a unit of work waits its
    # turn instead. (None opens a second while it holds one: the tests check it.)
    engine = create_async_engine(full, pool_size=pool_size, max_overflow=0)
    _ping_when_idle(engine, idle_ping_seconds)
    return engine


async def warm_pool(engine: AsyncEngine) -> int:
    """Open the PostgreSQL pool's connections now, at start, rather than under the first burst
    of requests (each costs the server some 10 ms of CPU: the handshake, the dialect's first
    queries, the JSON codecs); how many were opened. SQLite's cost nothing: none here. A
    database not reachable yet is no reason not to start: 0, and a warning."""
    if engine.dialect.name == "sqlite":
        return 0
    size: int = engine.pool.size()  # type: ignore[attr-defined]
    try:
        async with contextlib.AsyncExitStack() as held:  # all held at once: each a new one
            for _ in range(size):
                await held.enter_async_context(engine.connect())
    except (OSError, SQLAlchemyError) as error:  # the database is not there yet: on demand
        log.warning("Could not open the database's connections at start (%s): each will be "
                    "opened when first needed", error)  # fmt: skip
        return 0
    return size


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


def _follow_group_commit(engine: AsyncEngine) -> Any:
    """On checkout: while the server's group commit runs, a commit only writes the log
    (`synchronous=NORMAL`) and the unit of work waits for the group commit's sync off the event
    loop; otherwise (commands, tests) each commit syncs the log itself (`FULL`)."""

    def follow(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        mode = "NORMAL" if group_commit_of(engine) is not None else "FULL"
        if getattr(dbapi_connection, "synchronous", "FULL") != mode:
            dbapi_connection.execute(f"PRAGMA synchronous={mode}")
            dbapi_connection.synchronous = mode

    return follow


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL, and an acknowledged commit is on disk: it survives a power cut or an OS crash, not
    only a process crash (with NORMAL alone, commits since the last checkpoint could roll
    back). Either the commit syncs the log itself (`synchronous=FULL`, set here) or, in the
    server, the group commit syncs it before the request is answered (`_follow_group_commit`).
    Checkpoints, which copy the log into the database file and sync that, have their own
    thread."""
    cursor = dbapi_connection.cursor()
    for pragma in (
        "PRAGMA journal_mode=WAL",
        "PRAGMA foreign_keys=ON",
        "PRAGMA synchronous=FULL",  # the log is synced before a commit returns: see below
        f"PRAGMA wal_autocheckpoint={SAFETY_NET_PAGES}",
    ):
        cursor.execute(pragma)
    cursor.close()


def _relaxed_sqlite_pragmas(dbapi_connection: Any, record: Any) -> None:
    _sqlite_pragmas(dbapi_connection, record)
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")
    dbapi_connection.synchronous = "NORMAL"
