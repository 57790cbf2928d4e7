"""Engines for the two supported databases: SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.dialects import registry
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from adapters.persistence.sqlite_checkpoints import SAFETY_NET_PAGES

# How long a SQLite statement waits for another *process's* write lock (this process's writers
# take turns on an asyncio lock). Statements run on the event loop, so keep it short: write
# transactions last milliseconds, and a longer wait ends in a clear 409 instead of a stall.
BUSY_TIMEOUT_MS = 1000


def async_url(url: str) -> str:
    """Accept plain `sqlite:///...` / `postgresql://...` and pick the async driver."""
    parsed = make_url(url)
    if parsed.drivername in ("sqlite", "sqlite+pysqlite"):
        parsed = parsed.set(drivername="sqlite+inloop")
    elif parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg2"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    return parsed.render_as_string(hide_password=False)


def create_engine(url: str, *, pool_size: int = 10) -> AsyncEngine:
    """An async engine; SQLite gets WAL, a busy timeout and foreign keys on every connection."""
    full = async_url(url)
    if full.startswith("sqlite"):
        registry.register("sqlite.inloop", "adapters.persistence.sqlite_inloop", "dialect")
        engine = create_async_engine(full, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(
        full, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True
    )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    for pragma in (
        "PRAGMA journal_mode=WAL",
        f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
        "PRAGMA foreign_keys=ON",
        "PRAGMA synchronous=NORMAL",
        f"PRAGMA wal_autocheckpoint={SAFETY_NET_PAGES}",
    ):
        cursor.execute(pragma)
    cursor.close()
