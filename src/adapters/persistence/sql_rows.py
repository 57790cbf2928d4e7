"""Stores of plain rows, not aggregates: connection messages, API tokens, Slack event ids and
the outbox. Added rows are written by `SqlUnitOfWork.commit`, in the same transaction as the
aggregates."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, bindparam, or_, select, union_all

from adapters.persistence import tables as t
from adapters.persistence.sql_session import SqlSession
from application.ports import OutboxMessage
from application.tokens import ApiToken
from domain.connection import Message
from domain.errors import NotFound
from domain.ids import ConnectionId

_END_OF_TIME = datetime.max.replace(tzinfo=UTC)
_MESSAGES = t.connection_messages
_NEWEST_FIRST = (_MESSAGES.c.sent_at.desc(), _MESSAGES.c.id.desc())


def _message(row: Any) -> Message:
    return Message(**row._mapping)


@functools.lru_cache(maxsize=32)
def _latest_messages(connections: int) -> Any:
    """The latest `:per_connection` messages of each of `connections` connections (bound as
    c0, c1, ...): one indexed, limited scan per connection, glued by UNION ALL, so a long
    history costs nothing here."""
    m = _MESSAGES.c
    parts = [
        select(_MESSAGES)
        .where(m.connection_id == bindparam(f"c{i}", type_=m.connection_id.type))
        .order_by(*_NEWEST_FIRST)
        .limit(bindparam("per_connection"))
        .subquery()
        for i in range(connections)
    ]
    return union_all(*(select(part) for part in parts))


# Keyset paging on (sent_at, id): messages sent at the same instant are not skipped.
_BEFORE = bindparam("before", type_=_MESSAGES.c.sent_at.type)
_EARLIER = or_(
    _MESSAGES.c.sent_at < _BEFORE,
    and_(_MESSAGES.c.sent_at == _BEFORE, _MESSAGES.c.id < bindparam("before_id")),
)


class SqlMessages:
    _page = (
        select(_MESSAGES)
        .where(_MESSAGES.c.connection_id == bindparam("connection_id"), _EARLIER)
        .order_by(*_NEWEST_FIRST)
        .limit(bindparam("limit"))
    )
    CHUNK = 100  # connections per query (SQLite allows 500 terms in a compound SELECT)

    def __init__(self, session: SqlSession) -> None:
        self._session = session

    async def add(self, message: Message) -> None:
        self._session.new_messages.append(message)

    async def latest_for_connections(
        self, connection_ids: Sequence[ConnectionId], per_connection: int
    ) -> dict[ConnectionId, list[Message]]:
        unique = list(dict.fromkeys(connection_ids))
        if not unique or per_connection <= 0:
            return {}
        rows: list[Any] = []
        for start in range(0, len(unique), self.CHUNK):
            chunk = unique[start : start + self.CHUNK]
            values: dict[str, Any] = {f"c{i}": c for i, c in enumerate(chunk)}
            values["per_connection"] = per_connection
            query = _latest_messages(len(chunk))
            rows.extend((await self._session.connection.execute(query, values)).all())
        latest: dict[ConnectionId, list[Message]] = {}
        for message in sorted(map(_message, rows), key=lambda m: (m.sent_at, m.id)):
            latest.setdefault(message.connection_id, []).append(message)
        return latest

    async def list_for_connection(
        self,
        connection_id: ConnectionId,
        *,
        before: datetime | None,
        limit: int,
        before_id: str | None = None,
    ) -> Sequence[Message]:
        if limit <= 0:
            return []
        values = {
            "connection_id": connection_id,
            "before": before or _END_OF_TIME,
            "before_id": before_id or "",
            "limit": limit,
        }
        rows = (await self._session.connection.execute(self._page, values)).all()
        return [_message(row) for row in rows]


class SqlSlackEvents:
    _seen = select(t.slack_events.c.event_id).where(
        t.slack_events.c.event_id == bindparam("event_id")
    )

    def __init__(self, session: SqlSession) -> None:
        self._session = session

    async def first_time(self, event_id: str, now: datetime) -> bool:
        if event_id in self._session.new_events:
            return False
        values = {"event_id": event_id}
        if (await self._session.connection.execute(self._seen, values)).first() is not None:
            return False
        self._session.new_events[event_id] = now
        return True


class SqlApiTokens:
    _by_hash = select(t.api_tokens).where(t.api_tokens.c.token_hash == bindparam("token_hash"))
    _by_id = select(t.api_tokens).where(t.api_tokens.c.id == bindparam("token_id"))
    _of_user = (
        select(t.api_tokens)
        .where(t.api_tokens.c.user_id == bindparam("user_id"))
        .order_by(t.api_tokens.c.created_at, t.api_tokens.c.id)
    )

    def __init__(self, session: SqlSession) -> None:
        self._session = session

    async def add(self, token: ApiToken) -> None:
        self._session.new_tokens.append(token)

    async def find_by_hash(self, token_hash: str) -> ApiToken | None:
        values = {"token_hash": token_hash}
        row = (await self._session.connection.execute(self._by_hash, values)).mappings().first()
        return None if row is None else ApiToken(**dict(row))

    async def get(self, token_id: str) -> ApiToken:
        values = {"token_id": token_id}
        row = (await self._session.connection.execute(self._by_id, values)).mappings().first()
        if row is None:
            raise NotFound("No such API token.")
        return ApiToken(**dict(row))

    async def list_for_user(self, user_id: str) -> Sequence[ApiToken]:
        values = {"user_id": user_id}
        rows = (await self._session.connection.execute(self._of_user, values)).mappings().all()
        return [ApiToken(**dict(row)) for row in rows]

    async def revoke(self, token: ApiToken) -> None:
        self._session.revoked_tokens.append(token.token_hash)


class SqlPendingOutbox:
    _pending = (
        select(t.outbox)
        .where(t.outbox.c.status == "pending")
        .order_by(t.outbox.c.id)
        .limit(bindparam("limit"))
    )

    def __init__(self, session: SqlSession) -> None:
        self._session = session

    async def list_pending(self, limit: int = 100) -> Sequence[OutboxMessage]:
        values = {"limit": limit}
        rows = (await self._session.connection.execute(self._pending, values)).mappings().all()
        return [OutboxMessage(**row) for row in rows]
