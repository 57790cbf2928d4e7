"""SQLite for the async engine without a thread per connection.

SQLAlchemy's usual async SQLite driver (aiosqlite) runs every call on a helper thread: a
cursor, an execute, a fetch, a close each cross threads twice. Our queries take tens of
microseconds; each crossing costs more than that in CPU (futex wake-ups, the event loop's
self-pipe, the GIL changing hands), and a request makes dozens of them. This dialect runs the
standard library's `sqlite3` directly on the event loop instead: SQLAlchemy's async engine
already executes the synchronous dialect code inside a greenlet, so a plain DBAPI needs little
adaptation: the `is_async` flag, a pool that waits with `await`, and two cursor hooks.

What this costs: a statement blocks the event loop while it runs. That is fine for short
queries on a local file, and the two slow things SQLite can do are kept off the loop:
* waiting for another process's write lock: this process's writers take turns on an asyncio
  lock (see `sql_uow`), and `busy_timeout` bounds the wait for another process (a CLI
  command) to one second. For the same reason `mentorlink serve` refuses several workers on
  SQLite: they would stall each other's event loops;
* disk syncs: while the server runs, a commit only writes the log and the group commit's
  thread syncs it before the request is answered (`sqlite_group_commit`); a background thread
  checkpoints (`sqlite_checkpoints`), the automatic checkpoint only remains as a safety net.

URL: `sqlite+inloop:///path.db` (registered by `database.create_engine`).
"""

from __future__ import annotations

import sqlite3
from typing import Any, Self

from sqlalchemy import pool
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine import URL
from sqlalchemy.util import await_


async def _done() -> None:
    """Completes at once: awaiting it never gives the event loop a turn."""


class _Cursor(sqlite3.Cursor):
    """A standard cursor that satisfies the async engine's two expectations of a driver."""

    # The engine insists that running a statement awaited something (its guard against
    # blocking drivers): await a coroutine that is already finished.
    def execute(self, sql: str, parameters: Any = (), /) -> Self:
        super().execute(sql, parameters)
        await_(_done())
        return self

    def executemany(self, sql: str, parameters: Any, /) -> Self:
        super().executemany(sql, parameters)
        await_(_done())
        return self

    async def _async_soft_close(self) -> None:
        """The engine's hook for closing a cursor early; its rows stay readable here."""


class _Connection(sqlite3.Connection):
    def cursor(self, factory: Any = _Cursor) -> Any:  # type: ignore[override]
        return super().cursor(factory)


class InLoopSQLiteDialect(SQLiteDialect_pysqlite):
    """The pysqlite dialect, declared async: its calls never block on anything but SQLite."""

    driver = "inloop"
    is_async = True
    has_terminate = False
    supports_statement_cache = True

    def create_connect_args(self, url: URL) -> Any:
        args, kwargs = super().create_connect_args(url)
        kwargs["factory"] = _Connection
        return args, kwargs

    @classmethod
    def get_pool_class(cls, url: URL) -> type[pool.Pool]:
        if cls._is_url_file_db(url):
            return pool.AsyncAdaptedQueuePool
        return pool.StaticPool


dialect = InLoopSQLiteDialect
