"""What a SQL store is handed instead of the unit of work: the transaction's connection, its
pending writes and the token sealer. Stores depend on this; only `sql_uow` opens and commits."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import attrs
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.persistence.pending import PendingWrites
from adapters.persistence.sealing import TokenSealer


@attrs.define
class SqlSession(PendingWrites):
    """One transaction as its stores see it (the connection exists inside `async with`)."""

    sealer: TokenSealer = attrs.field(kw_only=True)
    current: AsyncConnection | None = attrs.field(default=None, kw_only=True)
    #: Set by the unit of work: takes this process's SQLite writers' turn until it ends.
    take_turn: Callable[[], Awaitable[None]] | None = attrs.field(default=None, kw_only=True)

    async def hold_writers_turn(self) -> None:
        """Keep this process's writers' turn (SQLite) until the transaction ends."""
        if self.take_turn is not None:
            await self.take_turn()

    @property
    def connection(self) -> AsyncConnection:
        if self.current is None:
            raise RuntimeError("Use the unit of work inside `async with`.")
        return self.current
