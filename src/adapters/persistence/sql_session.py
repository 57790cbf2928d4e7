"""What a SQL store is handed instead of the unit of work: the transaction's connection, its
pending writes and the token sealer. Stores depend on this; only `sql_uow` opens and commits."""

from __future__ import annotations

import attrs
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.persistence.pending import PendingWrites
from adapters.persistence.sealing import TokenSealer


@attrs.define
class SqlSession(PendingWrites):
    """One transaction as its stores see it (the connection exists inside `async with`)."""

    sealer: TokenSealer = attrs.field(kw_only=True)
    current: AsyncConnection | None = attrs.field(default=None, kw_only=True)

    @property
    def connection(self) -> AsyncConnection:
        if self.current is None:
            raise RuntimeError("Use the unit of work inside `async with`.")
        return self.current
