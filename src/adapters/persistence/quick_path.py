"""The hot statements, run straight on the driver's connection (SQLite and PostgreSQL).

Through SQLAlchemy's async engine a prebuilt statement costs about 90 µs of CPU on the event
loop (a greenlet per call, the execution context, parameter and result processing) where
`sqlite3` itself takes 7 µs (bench: a primary-key select), and asyncpg about 47 µs of the
same 91. An accept makes nine statements and its notifications dozens more, so that overhead
was a third of the server's CPU on SQLite, and a Slack click's on PostgreSQL. Here a
statement the stores build once (`rows_of`, the versioned insert and update, the outbox
insert) is compiled once per dialect into its SQL text, the order of its parameters, and
their bind and result processors, and then runs on the transaction's own driver connection:
the same connection, the same transaction, the same types (`sqlite3` here; asyncpg through
`asyncpg_quick`, under SQLAlchemy's adapter lock and prepared-statement cache).

Anything else — an expanding `IN`, a column default SQLAlchemy would compute, a `RETURNING`,
a connection outside a transaction, another driver — goes through SQLAlchemy as before. A
driver error is raised as SQLAlchemy's own (`IntegrityError`, `OperationalError`), so callers
catch one kind."""

from __future__ import annotations

import re
import sqlite3
from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple, cast

from sqlalchemy import ClauseElement, Executable
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.compiler import SQLCompiler

from adapters.persistence import asyncpg_quick as pg

Processor = Callable[[Any], Any] | None


class _Plan(NamedTuple):
    sql: str
    names: tuple[str, ...]
    fixed: dict[str, Any]  # values the statement carries itself (`status == 'active'`)
    binds: tuple[Processor, ...]
    row: Callable[..., Any] | None  # a named tuple of the result columns (selects)
    results: tuple[Processor, ...]
    plain_read: bool = False  # a select that locks nothing (`FOR UPDATE` / `FOR SHARE`)


# Plans by statement (by identity: the stores' statements are built once, at import) and the
# names of the values given. A statement built per call would fill this: past MOST_PLANS, new
# ones simply go through SQLAlchemy.
_plans: dict[tuple[Executable, tuple[str, ...], str], _Plan | None] = {}
QUICK_DRIVERS = frozenset({"inloop", "asyncpg"})
_LOCKING = re.compile(r"\bFOR\s+(?:NO\s+KEY\s+)?(?:UPDATE|SHARE|KEY\s+SHARE)\b", re.IGNORECASE)
MOST_PLANS = 500


def _plan(statement: Executable, dialect: Dialect, keys: tuple[str, ...]) -> _Plan | None:
    clause = cast(ClauseElement, statement)
    # as for many rows: no implicit RETURNING of the key (nothing here reads it back)
    compiled = clause.compile(dialect=dialect, column_keys=list(keys), for_executemany=True)
    assert isinstance(compiled, SQLCompiler)
    names = tuple(compiled.positiontup or ())
    fixed = {
        n: compiled.binds[n].effective_value
        for n in names
        if n not in keys and not compiled.binds[n].required
    }
    if (
        compiled.insert_prefetch or compiled.update_prefetch or compiled.effective_returning
        or any(b.expanding for b in compiled.binds.values())
        or not set(names) <= set(keys) | set(fixed)
    ):  # fmt: skip
        return None  # SQLAlchemy would compute or expand something per call
    binds = tuple(
        compiled.binds[n].type.dialect_impl(dialect).bind_processor(dialect) for n in names
    )
    if not getattr(clause, "is_select", False):
        return _Plan(str(compiled), names, fixed, binds, None, ())
    columns = list(getattr(statement, "selected_columns", ()))
    row = namedtuple("Row", [str(c.key) for c in columns], rename=True)  # type: ignore[misc]
    results = tuple(c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns)
    sql = str(compiled)
    return _Plan(sql, names, fixed, binds, row, results, plain_read=not _LOCKING.search(sql))


def _plan_for(conn: AsyncConnection, statement: Executable, keys: tuple[str, ...]) -> _Plan | None:
    if conn.dialect.driver not in QUICK_DRIVERS or not conn.in_transaction():
        return None
    key = (statement, keys, conn.dialect.driver)
    if key not in _plans:
        if len(_plans) >= MOST_PLANS:
            return None
        _plans[key] = _plan(statement, conn.dialect, keys)
    return _plans[key]


def _parameters(plan: _Plan, values: Mapping[str, Any]) -> tuple[Any, ...]:
    given = ({**plan.fixed, **values} if plan.fixed else values)
    return tuple(
        value if bind is None else bind(value)
        for value, bind in zip((given[n] for n in plan.names), plan.binds, strict=True)
    )


def _cursor(conn: AsyncConnection) -> sqlite3.Cursor:
    driver = conn.sync_connection.connection.driver_connection  # type: ignore[union-attr]
    assert isinstance(driver, sqlite3.Connection)
    return sqlite3.Cursor(driver)  # a plain cursor: nothing here awaits


def _raised(plan: _Plan, error: sqlite3.Error) -> Exception:
    """SQLAlchemy's exception for the driver's (IntegrityError, OperationalError, ...)."""
    return DBAPIError.instance(plan.sql, None, error, sqlite3.Error)


async def rows(
    conn: AsyncConnection, statement: Executable, values: Mapping[str, Any]
) -> Sequence[Any]:
    """The rows a select finds (attributes by column key), quickly where it can."""
    plan = _plan_for(conn, statement, tuple(sorted(values)))
    if plan is None or plan.row is None:
        return (await conn.execute(statement, dict(values))).all()
    if conn.dialect.driver == "asyncpg":
        found, _ = await pg.run(
            conn, plan.sql, _parameters(plan, values), plain_read=plan.plain_read
        )
        return _made(plan, found)
    cursor = _cursor(conn)
    try:
        found = cursor.execute(plan.sql, _parameters(plan, values)).fetchall()
    except sqlite3.Error as error:
        raise _raised(plan, error) from error
    finally:
        cursor.close()
    return _made(plan, found)


def _made(plan: _Plan, found: Sequence[Sequence[Any]]) -> list[Any]:
    make, results = plan.row, plan.results
    assert make is not None
    return [
        make(*(v if p is None else p(v) for v, p in zip(raw, results, strict=True)))
        for raw in found
    ]


Values = Mapping[str, Any]


async def write(
    conn: AsyncConnection, statement: Executable, values: Values | Sequence[Values]
) -> int:
    """Run an insert, update or delete (one set of values, or many alike); the rows it touched."""
    many = [values] if isinstance(values, Mapping) else list(values)
    keys = tuple(sorted(many[0])) if many else ()
    plan = _plan_for(conn, statement, keys) if many else None
    if plan is None or any(tuple(sorted(v)) != keys for v in many[1:]):
        result = await conn.execute(statement, values if isinstance(values, Mapping) else many)
        return int(result.rowcount)
    if conn.dialect.driver == "asyncpg":
        if len(many) == 1:
            return (await pg.run(conn, plan.sql, _parameters(plan, many[0])))[1]
        return await pg.run_many(conn, plan.sql, [_parameters(plan, v) for v in many])
    cursor = _cursor(conn)
    try:
        if len(many) == 1:
            cursor.execute(plan.sql, _parameters(plan, many[0]))
        else:
            cursor.executemany(plan.sql, [_parameters(plan, v) for v in many])
        return cursor.rowcount
    except sqlite3.Error as error:
        raise _raised(plan, error) from error
    finally:
        cursor.close()
