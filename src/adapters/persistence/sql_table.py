"""What every SQL repository shares: rows to aggregates through the codec and the unit of
work's identity map, and the hooks (query columns, sealing) each table fills in.

Queries are built once, with named bind parameters, and executed with values: building a
`select()` per call (operators, coercions, then the statement's cache key) cost more CPU than
SQLite spent running it (bench/api_load.py profile)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Insert,
    Select,
    Table,
    Update,
    bindparam,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.persistence import quick_path as quick
from adapters.persistence.codec import load
from adapters.persistence.sql_session import SqlSession
from domain.aggregate import Aggregate
from domain.errors import NotFound

A = TypeVar("A", bound=Aggregate)

Query = Select[Any] | CompoundSelect[Any]


def rows_of(table: Table, *where: ColumnElement[bool], order: Sequence[Any] = ()) -> Select[Any]:
    """The stored aggregates (id, version, data) of `table` matching `where`, in `order`."""
    return select(table.c.id, table.c.version, table.c.data).where(*where).order_by(*order)


class SqlTable(Generic[A]):
    """Shared behaviour: `columns` gives the query columns stored beside the encoded state."""

    table: ClassVar[Table]
    kind: type[A]
    noun: str
    _by_id: ClassVar[Select[Any]]
    _by_ids: ClassVar[Select[Any]]
    insert: ClassVar[Insert]
    versioned_update: ClassVar[Update]  # SET from the values' column names; see `row_values`

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "table" in cls.__dict__:
            ids = cls.table.c.id
            cls._by_id = rows_of(cls.table, ids == bindparam("id"))
            cls._by_ids = rows_of(cls.table, ids.in_(bindparam("ids", expanding=True)))
            cls.insert = cls.table.insert()
            cls.versioned_update = update(cls.table).where(
                ids == bindparam("row_id"), cls.table.c.version == bindparam("loaded_version")
            )

    def row_values(self, aggregate: A, state: dict[str, Any], version: int) -> dict[str, Any]:
        """The stored row of an aggregate: id, version, encoded state and query columns."""
        return {
            "id": state["id"],
            "version": version,
            "data": self.encode(state),
            **self.columns(aggregate),
        }

    def __init__(self, session: SqlSession) -> None:
        self._session = session

    @property
    def name(self) -> str:
        return self.table.name

    def columns(self, aggregate: A) -> dict[str, Any]:
        return {}

    def encode(self, state: dict[str, Any]) -> dict[str, Any]:
        """The stored form of an aggregate's state (identity unless secrets need sealing)."""
        return state

    def decode(self, data: dict[str, Any]) -> dict[str, Any]:
        return data

    async def after_insert(self, conn: AsyncConnection, aggregate: A) -> None:
        """Rows that hang off the aggregate and never change (none by default)."""

    async def _fetch(self, query: Query, **values: Any) -> list[A]:
        """The aggregates a prebuilt query (see `rows_of`) finds with these parameter values."""
        rows = await quick.rows(self._session.connection, query, values)
        return [self.track(row.data, row.version) for row in rows]

    async def _first(self, query: Query, **values: Any) -> A | None:
        found = await self._fetch(query, **values)
        return found[0] if found else None

    def track(self, data: dict[str, Any], version: int) -> A:
        """The aggregate of a stored row, as this transaction holds it (the identity map)."""
        fresh = load(self.kind, self.decode(data), version)
        aggregate = self._session.seen.loaded(self.name, fresh)
        assert isinstance(aggregate, self.kind)
        return aggregate

    async def add(self, aggregate: A) -> None:
        self._session.seen.added(self.name, aggregate)

    async def get_many(self, ids: Sequence[str]) -> list[A]:
        """Several by id in one query (what the transaction already holds is not asked again)."""
        unique = list(dict.fromkeys(ids))
        held = [self._session.seen.known(self.name, i) for i in unique]
        found: list[A] = [a for a in held if isinstance(a, self.kind)]
        missing = [i for i, a in zip(unique, held, strict=True) if a is None]
        if missing:
            found.extend(await self._fetch(self._by_ids, ids=missing))
        return found

    async def get(self, id: str) -> A:
        known = self._session.seen.known(self.name, id)
        if isinstance(known, self.kind):
            return known
        found = await self._first(self._by_id, id=id)
        if found is None:
            raise NotFound(f"No such {self.noun}.")
        return found
