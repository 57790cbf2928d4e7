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
* disk syncs: while the server runs, a commit only writes to the log and a background thread
  makes it durable before the request is answered (`sqlite_group_commit`); another one
  checkpoints the log (`sqlite_checkpoints`). A write transaction starts at the keeper's gate.

URL: `sqlite+inloop:///path.db` (registered by `database.create_engine`).
"""

from __future__ import annotations

import re
import sqlite3
from typing import TYPE_CHECKING, Any, Self

from sqlalchemy import pool
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine import URL
from sqlalchemy.util import await_

if TYPE_CHECKING:
    from adapters.persistence.sqlite_checkpoints import WalCheckpointer

# Statements before which the sqlite3 module opens a write transaction (its implicit BEGIN).
_WRITES = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


async def _done() -> None:
    """Completes at once: awaiting it never gives the event loop a turn."""


class _Cursor(sqlite3.Cursor):
    """A standard cursor that satisfies the async engine's two expectations of a driver."""

    # The engine insists that running a statement awaited something (its guard against
    # blocking drivers): await a coroutine that is already finished.
    connection: _Connection

    def execute(self, sql: str, parameters: Any = (), /) -> Self:
        self.connection.before(sql)
        super().execute(sql, parameters)
        await_(_done())
        return self

    def executemany(self, sql: str, parameters: Any, /) -> Self:
        self.connection.before(sql)
        super().executemany(sql, parameters)
        await_(_done())
        return self

    async def _async_soft_close(self) -> None:
        """The engine's hook for closing a cursor early; its rows stay readable here."""


class _Connection(sqlite3.Connection):
    """With a `keeper` (the server's) that is running, the connection's commits do not sync and
    it never checkpoints (`synchronous=NORMAL`, `wal_autocheckpoint=0`): a write transaction
    starts at the keeper's gate, and a commit that wrote leaves `unsynced` set until the group
    commit has made it durable. Without a running keeper (a command, a test), every commit
    syncs the log itself (`synchronous=FULL`)."""

    keeper: WalCheckpointer | None = None
    unsynced = False
    _served: bool | None = None  # the keeper was running when the connection was checked out
    _writing = False  # a write transaction is open
    _gated = False  # ... and passed the keeper's gate

    def cursor(self, factory: Any = _Cursor) -> Any:  # type: ignore[override]
        return super().cursor(factory)

    def follow_keeper(self) -> None:
        """On checkout: sync and checkpoint here only when no keeper does it."""
        served = self.keeper is not None and self.keeper.running
        if served == self._served or self.in_transaction:
            return
        self._served = served
        for pragma in _SERVED if served else _ALONE:
            super().execute(pragma)

    def before(self, sql: str) -> None:
        """Called before each statement: a write that opens a transaction waits while the
        gate is closed (on the event loop, not blocking it)."""
        keeper = self.keeper
        if keeper is None or self._writing or self.in_transaction or not _WRITES.match(sql):
            return
        self._writing = True
        if self._served:
            while (closed := keeper.gate.enter()) is not None:
                await_(closed)
            self._gated = True

    def commit(self) -> None:
        super().commit()
        self._ended(wrote=self._writing)

    def rollback(self) -> None:
        super().rollback()
        self._ended(wrote=False)

    def _ended(self, *, wrote: bool) -> None:
        if wrote and self._served:
            self.unsynced = True
        if self._gated and self.keeper is not None:
            self.keeper.gate.leave()
        self._writing = self._gated = False

    def close(self) -> None:
        if self._served and not self.in_transaction:
            # If this is the last connection, closing checkpoints the log and removes it:
            # that checkpoint must sync, as the keeper's own do.
            super().execute("PRAGMA synchronous=FULL")
        super().close()


# NORMAL, not OFF, while served: a commit still does not sync (the group commit does), but a
# writer that starts the log over syncs the new header before it writes frames after it. With
# OFF, a power cut between that write and the group commit's sync could leave the old header
# with a frame of the previous log that was overwritten out of order: recovery would copy that
# stale page over a newer one in the database file (SQLite ticket ff5be73dee), and an
# acknowledged write would be lost or the file corrupted.
_SERVED = ("PRAGMA synchronous=NORMAL", "PRAGMA wal_autocheckpoint=0")
_ALONE = ("PRAGMA synchronous=FULL", "PRAGMA wal_autocheckpoint=1000")


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
