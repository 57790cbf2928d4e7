"""The unit of work on SQLAlchemy: one connection and one transaction per use case run. The
stores (`sql_repositories`, `sql_rows`) see only the transaction's `SqlSession`."""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Any, Self

import attrs
from sqlalchemy import bindparam, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.persistence import quick_path as quick
from adapters.persistence import tables as t
from adapters.persistence.outbox_bell import OutboxBell
from adapters.persistence.sealing import TokenSealer
from adapters.persistence.sql_repositories import SqlRepositories
from adapters.persistence.sql_session import SqlSession
from adapters.persistence.sqlite_group_commit import made_durable
from adapters.persistence.sqlite_writers import _sqlite_writer, writers_turn
from adapters.persistence.tracking import Seen, Tracked
from application.tokens import ApiToken
from domain.errors import ConcurrencyConflict

__all__ = ["SqlUnitOfWork", "writers_turn"]

_CONFLICT = "Someone else changed this at the same time; reload and try again."
_REVOKE = (
    update(t.api_tokens)
    .where(t.api_tokens.c.token_hash.in_(bindparam("hashes", expanding=True)))
    .values(revoked=True)
)
_ADD_MESSAGES = t.connection_messages.insert()
_ADD_OUTBOX = t.outbox.insert()


class SqlUnitOfWork(SqlRepositories):
    """Rolls back unless `commit()` is called. Updates check the version they loaded."""

    def __init__(
        self, engine: AsyncEngine, sealer: TokenSealer, bell: OutboxBell | None = None
    ) -> None:
        self._engine = engine
        self._bell = bell
        self.session = SqlSession(sealer=sealer)
        self.session.take_turn = self._take_turn
        self._turn: asyncio.Lock | None = None  # the writers' turn, held until the end
        super().__init__(self.session)
        self._tables = self.tables()

    async def _take_turn(self) -> None:
        if self._turn is None and self._engine.dialect.name == "sqlite":
            turn = _sqlite_writer(self._engine)
            await turn.acquire()
            self._turn = turn

    @property
    def sealer(self) -> TokenSealer:
        return self.session.sealer

    @property
    def seen(self) -> Seen:
        return self.session.seen

    @property
    def connection(self) -> AsyncConnection:
        return self.session.connection

    async def __aenter__(self) -> Self:
        self.session.current = await self._engine.connect()
        await self.session.current.begin()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            await self.rollback()
        finally:
            if self.session.current is not None:
                await self.session.current.close()
                self.session.current = None
            turn, self._turn = self._turn, None
            if turn is not None:
                turn.release()

    async def rollback(self) -> None:
        current = self.session.current
        if current is not None and current.in_transaction():
            await current.rollback()
        self.session.forget()

    async def commit(self) -> None:
        if self._engine.dialect.name != "sqlite":
            await self._commit()
            return
        if self._turn is not None:  # held since `installations.hold`: the transaction ends here
            try:
                await self._commit()
            finally:
                turn, self._turn = self._turn, None
                turn.release()
        else:
            async with _sqlite_writer(self._engine):  # see sqlite_writers: turns, not busy sleeps
                await self._commit()
        await made_durable(self._engine)  # after the turn: the next writer commits meanwhile

    async def _commit(self) -> None:
        conn, pending = self.connection, self.session
        written: list[tuple[Tracked, int]] = []
        try:
            for tracked in list(pending.seen.items.values()):
                version = await self._write(conn, tracked)
                if version is not None:
                    written.append((tracked, version))
            if pending.new_tokens:
                await conn.execute(t.api_tokens.insert(), list(map(_token_row, pending.new_tokens)))
            if pending.revoked_tokens:
                await conn.execute(_REVOKE, {"hashes": pending.revoked_tokens})
            if pending.new_messages:
                messages = [attrs.asdict(m) for m in pending.new_messages]
                await quick.write(conn, _ADD_MESSAGES, messages)
            if pending.new_events:
                received = pending.new_events.items()
                events = [{"event_id": e, "received_at": at} for e, at in received]
                await conn.execute(t.slack_events.insert(), events)
            outbox_rows = pending.outbox_rows()
            if outbox_rows:
                await quick.write(conn, _ADD_OUTBOX, outbox_rows)  # on PostgreSQL: NOTIFY too
            await conn.commit()
        except IntegrityError as error:
            await self.rollback()
            raise ConcurrencyConflict("That already exists.") from error
        except OperationalError as error:
            # SQLite refuses a write whose snapshot went stale ("database is locked"): the same
            # situation as a version mismatch, so the caller gets the same clear conflict.
            await self.rollback()
            if "locked" in str(error).lower():
                raise ConcurrencyConflict(_CONFLICT) from error
            raise
        except Exception:  # a conflict, or anything else: no write may stay open
            await self.rollback()
            raise
        for tracked, version in written:
            tracked.aggregate.version = version
        pending.events_published()
        pending.forget()
        if outbox_rows and self._bell is not None:
            self._bell.ring()  # this process's workers

    async def _write(self, conn: AsyncConnection, tracked: Tracked) -> int | None:
        repo = self._tables[tracked.table]
        state = tracked.current()
        if tracked.is_new():
            await quick.write(conn, repo.insert, repo.row_values(tracked.aggregate, state, 1))
            await repo.after_insert(conn, tracked.aggregate)
            return 1
        if not tracked.needs_update(state):
            return None
        version = tracked.loaded_version + 1
        values = repo.row_values(tracked.aggregate, state, version)
        values.update(row_id=values.pop("id"), loaded_version=tracked.loaded_version)
        if await quick.write(conn, repo.versioned_update, values) != 1:
            raise ConcurrencyConflict(_CONFLICT)
        return version


def _token_row(token: ApiToken) -> dict[str, Any]:
    return {
        "token_hash": token.token_hash,
        "id": token.id,
        "user_id": token.user_id,
        "organization_id": token.organization_id,
        "label": token.label,
        "created_at": token.created_at,
        "revoked": token.revoked,
    }
