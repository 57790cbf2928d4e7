"""The unit of work on SQLAlchemy: one connection and one transaction per use case run."""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from datetime import datetime
from types import TracebackType
from typing import Any, Self

import attrs
from sqlalchemy import bindparam, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.persistence import sql_repositories as r
from adapters.persistence import sql_rows as rows
from adapters.persistence import tables as t
from adapters.persistence.sealing import TokenSealer
from adapters.persistence.sql_table import SqlTable
from adapters.persistence.tracking import Seen, Tracked
from application.tokens import ApiToken
from domain.connection import Message
from domain.errors import ConcurrencyConflict

_CONFLICT = "Someone else changed this at the same time; reload and try again."
_REVOKE = (
    update(t.api_tokens)
    .where(t.api_tokens.c.token_hash.in_(bindparam("hashes", expanding=True)))
    .values(revoked=True)
)


class SqlUnitOfWork:
    """Rolls back unless `commit()` is called. Updates check the version they loaded."""

    def __init__(self, engine: AsyncEngine, sealer: TokenSealer) -> None:
        self._engine = engine
        self.sealer = sealer
        self._connection: AsyncConnection | None = None
        self.seen = Seen()
        self.new_tokens: list[ApiToken] = []
        self.revoked_tokens: list[str] = []  # token hashes
        self.new_messages: list[Message] = []
        self.new_events: dict[str, datetime] = {}
        self.organizations = r.SqlOrganizations(self)
        self.programs = r.SqlPrograms(self)
        self.users = r.SqlUsers(self)
        self.members = r.SqlMembers(self)
        self.connections = r.SqlConnections(self)
        self.mentor_requests = r.SqlMentorRequests(self)
        self.meetings = r.SqlMeetings(self)
        self.surveys = r.SqlSurveys(self)
        self.survey_assignments = r.SqlSurveyAssignments(self)
        self.installations = r.SqlInstallations(self)
        self.slack_identities = r.SqlSlackIdentities(self)
        self.install_attempts = r.SqlInstallAttempts(self)
        self.slack_events = rows.SqlSlackEvents(self)
        self.api_tokens = rows.SqlApiTokens(self)
        self.messages = rows.SqlMessages(self)
        self.outbox = rows.SqlOutbox(self)
        self._tables: dict[str, SqlTable[Any]] = {
            repo.name: repo
            for repo in (
                self.organizations, self.programs, self.users, self.members, self.connections,
                self.mentor_requests, self.meetings, self.surveys, self.survey_assignments,
                self.installations, self.slack_identities, self.install_attempts,
            )
        }  # fmt: skip

    @property
    def connection(self) -> AsyncConnection:
        if self._connection is None:
            raise RuntimeError("Use the unit of work inside `async with`.")
        return self._connection

    async def __aenter__(self) -> Self:
        self._connection = await self._engine.connect()
        await self._connection.begin()
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
            if self._connection is not None:
                await self._connection.close()
                self._connection = None

    async def rollback(self) -> None:
        if self._connection is not None and self._connection.in_transaction():
            await self._connection.rollback()
        self._forget_changes()

    def _forget_changes(self) -> None:
        self.seen.clear()
        self.new_tokens.clear()
        self.revoked_tokens.clear()
        self.new_messages.clear()
        self.new_events.clear()

    async def commit(self) -> None:
        if self._engine.dialect.name != "sqlite":
            await self._commit()
            return
        # SQLite has one writer at a time, and a writer that finds the lock taken sleeps in
        # growing steps (1, 2, 5, 10... ms). Queueing this process's writers here instead
        # keeps those sleeps out of request latency; other processes still use busy_timeout.
        async with _sqlite_writer(self._engine):
            await self._commit()

    async def _commit(self) -> None:
        conn = self.connection
        written: list[tuple[Tracked, int]] = []
        try:
            for tracked in list(self.seen.items.values()):
                version = await self._write(conn, tracked)
                if version is not None:
                    written.append((tracked, version))
            if self.new_tokens:
                await conn.execute(
                    t.api_tokens.insert(),
                    [{**_token_row(token)} for token in self.new_tokens],
                )
            if self.revoked_tokens:
                await conn.execute(_REVOKE, {"hashes": self.revoked_tokens})
            if self.new_messages:
                await conn.execute(
                    t.connection_messages.insert(), [attrs.asdict(m) for m in self.new_messages]
                )
            outbox_rows = [
                {
                    "topic": event.topic,
                    "organization_id": event.organization_id,
                    "payload": event.payload(),
                    "created_at": event.occurred_at,
                    "available_at": event.occurred_at,
                    "status": "pending",
                    "attempts": 0,
                }
                for tracked in self.seen.items.values()
                for event in tracked.aggregate.events
            ]
            if self.new_events:
                await conn.execute(
                    t.slack_events.insert(),
                    [{"event_id": e, "received_at": at} for e, at in self.new_events.items()],
                )
            if outbox_rows:
                await conn.execute(t.outbox.insert(), outbox_rows)
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
        for tracked in self.seen.items.values():
            tracked.aggregate.pull_events()
        self._forget_changes()

    async def _write(self, conn: AsyncConnection, tracked: Tracked) -> int | None:
        repo = self._tables[tracked.table]
        state = tracked.current()
        if tracked.is_new():
            await conn.execute(repo.insert, repo.row_values(tracked.aggregate, state, 1))
            await repo.after_insert(conn, tracked.aggregate)
            return 1
        if not tracked.needs_update(state):
            return None
        version = tracked.loaded_version + 1
        values = repo.row_values(tracked.aggregate, state, version)
        values.update(row_id=values.pop("id"), loaded_version=tracked.loaded_version)
        result = await conn.execute(repo.versioned_update, values)
        if result.rowcount != 1:
            raise ConcurrencyConflict(_CONFLICT)
        return version


_Locks = weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock]
_WRITERS: weakref.WeakKeyDictionary[AsyncEngine, _Locks] = weakref.WeakKeyDictionary()


def writers_turn(engine: AsyncEngine) -> contextlib.AbstractAsyncContextManager[object]:
    """Wait for this process's turn to write (SQLite), or go ahead at once (PostgreSQL)."""
    if engine.dialect.name != "sqlite":
        return contextlib.nullcontext()
    return _sqlite_writer(engine)


def _sqlite_writer(engine: AsyncEngine) -> asyncio.Lock:
    """One lock per SQLite engine and event loop: this process's writers take turns."""
    per_loop = _WRITERS.setdefault(engine, weakref.WeakKeyDictionary())
    loop = asyncio.get_running_loop()
    lock = per_loop.get(loop)
    if lock is None:
        lock = per_loop[loop] = asyncio.Lock()
    return lock


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
