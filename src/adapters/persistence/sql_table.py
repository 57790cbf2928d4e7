"""What every SQL repository shares: rows to aggregates through the codec and the unit of
work's identity map, and the hooks (query columns, sealing) each table fills in."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, Table, select
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.persistence.codec import load
from domain.aggregate import Aggregate
from domain.errors import NotFound

if TYPE_CHECKING:
    from adapters.persistence.sql_uow import SqlUnitOfWork

A = TypeVar("A", bound=Aggregate)


class SqlTable(Generic[A]):
    """Shared behaviour: `columns` gives the query columns stored beside the encoded state."""

    table: Table
    kind: type[A]
    noun: str

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

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

    async def _select(self, *where: ColumnElement[bool], order: Any = None) -> list[A]:
        query: Select[Any] = select(self.table.c.id, self.table.c.version, self.table.c.data)
        query = query.where(*where)
        if order is not None:
            query = query.order_by(*order)
        rows = (await self._uow.connection.execute(query)).all()
        return [self._track(row.data, row.version) for row in rows]

    def _track(self, data: dict[str, Any], version: int) -> A:
        aggregate = self._uow.seen.loaded(self.name, load(self.kind, self.decode(data), version))
        assert isinstance(aggregate, self.kind)
        return aggregate

    async def add(self, aggregate: A) -> None:
        self._uow.seen.added(self.name, aggregate)

    async def get_many(self, ids: Sequence[str]) -> list[A]:
        """Several by id in one query (what the transaction already holds is not asked again)."""
        unique = list(dict.fromkeys(ids))
        held = [self._uow.seen.known(self.name, i) for i in unique]
        found: list[A] = [a for a in held if isinstance(a, self.kind)]
        missing = [i for i, a in zip(unique, held, strict=True) if a is None]
        if missing:
            found.extend(await self._select(self.table.c.id.in_(missing)))
        return found

    async def get(self, id: str) -> A:
        known = self._uow.seen.known(self.name, id)
        if isinstance(known, self.kind):
            return known
        found = await self._select(self.table.c.id == id)
        if not found:
            raise NotFound(f"No such {self.noun}.")
        return found[0]
