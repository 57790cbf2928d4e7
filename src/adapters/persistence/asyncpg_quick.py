"""The quick path's runner on PostgreSQL: a compiled statement straight on the transaction's
asyncpg connection, the way SQLAlchemy's asyncpg adapter runs it (under the adapter's lock,
in the transaction it began — or begins now —, through its prepared-statement cache), minus
SQLAlchemy's per-call execution context. Errors are raised as SQLAlchemy's own.

A plain read that comes before the transaction's first write runs on its own, without the
`BEGIN` (and the `ROLLBACK` of a unit of work that only read): at READ COMMITTED, which is
ours, each statement sees the data as of its own start inside a transaction too, and a plain
`SELECT` takes no lock a transaction would keep. A Slack click is identified by one read: that
is two round trips of its five fewer. A locking read (`FOR UPDATE`, `FOR SHARE`) or any write
begins the transaction first, as before."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

_TOUCHED = re.compile(r"(?:SELECT|UPDATE|DELETE|INSERT \d+) (\d+)")


def _adapter(conn: AsyncConnection) -> Any:
    """SQLAlchemy's adapter around the asyncpg connection (its lock, transaction, cache)."""
    return conn.sync_connection.connection.dbapi_connection  # type: ignore[union-attr]


def _raised(conn: AsyncConnection, sql: str, adapter: Any, error: Exception) -> Exception:
    try:
        adapter._handle_exception(error)  # raises the DB-API error SQLAlchemy would see
    except Exception as translated:
        dbapi = conn.dialect.loaded_dbapi
        return DBAPIError.instance(sql, None, translated, dbapi.Error)
    return error  # pragma: no cover (_handle_exception always raises)


def _schema_as_of(conn: AsyncConnection) -> float:
    """When the dialect last saw the schema change (stale prepared statements are remade)."""
    as_of: float = getattr(conn.dialect, "_invalidate_schema_cache_asof", 0.0)
    return as_of


async def run(
    conn: AsyncConnection, sql: str, parameters: Sequence[Any], *, plain_read: bool = False
) -> tuple[Sequence[Sequence[Any]], int]:
    """The rows `sql` returns and the rows it touched. A `plain_read` (a select that locks
    nothing) before the transaction began runs without beginning it."""
    adapter = _adapter(conn)
    async with adapter._execute_mutex:
        try:
            if adapter._transaction is None and not plain_read:
                await adapter._start_transaction()
            prepared, _ = await adapter._prepare(sql, _schema_as_of(conn))
            found = await prepared.fetch(*parameters)
            touched = _TOUCHED.match(prepared.get_statusmsg() or "")
        except Exception as error:
            raise _raised(conn, sql, adapter, error) from error
    return found, int(touched.group(1)) if touched else -1


async def run_many(conn: AsyncConnection, sql: str, rows: Sequence[Sequence[Any]]) -> int:
    """`sql` once per row of parameters (asyncpg's executemany). asyncpg counts nothing: an
    insert inserted every row (or raised), anything else is -1 as SQLAlchemy reports."""
    adapter = _adapter(conn)
    async with adapter._execute_mutex:
        try:
            if adapter._transaction is None:
                await adapter._start_transaction()
            await adapter._connection.executemany(sql, rows)
        except Exception as error:
            raise _raised(conn, sql, adapter, error) from error
    return len(rows) if sql.lstrip().upper().startswith("INSERT") else -1
