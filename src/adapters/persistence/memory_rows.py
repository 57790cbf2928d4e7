"""In-memory stores of plain rows, not aggregates: connection messages, Slack event ids, API
tokens and the outbox's pending rows (the twins of `sql_rows`). Added rows are recorded in the
session and written by `MemoryUnitOfWork.commit`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from adapters.persistence.memory_store import MemorySession
from application.ports import OutboxMessage
from application.tokens import ApiToken
from domain.connection import Message
from domain.errors import NotFound
from domain.ids import ConnectionId


class MemoryMessages:
    def __init__(self, session: MemorySession) -> None:
        self._session = session

    async def add(self, message: Message) -> None:
        self._session.new_messages.append(message)

    def _of(self, connection_id: str) -> list[Message]:
        found = self._session.store.messages.get(connection_id, [])
        return sorted(found, key=lambda m: (m.sent_at, m.id))

    async def latest_for_connections(
        self, connection_ids: Sequence[ConnectionId], per_connection: int
    ) -> dict[ConnectionId, list[Message]]:
        if per_connection <= 0:
            return {}
        latest = {c: self._of(c)[-per_connection:] for c in dict.fromkeys(connection_ids)}
        return {c: found for c, found in latest.items() if found}

    async def list_for_connection(
        self,
        connection_id: ConnectionId,
        *,
        before: datetime | None,
        limit: int,
        before_id: str | None = None,
    ) -> Sequence[Message]:
        found = self._of(connection_id)
        if before is not None:
            cursor = (before, before_id or "")
            found = [m for m in found if (m.sent_at, m.id) < cursor]
        return list(reversed(found[-limit:])) if limit > 0 else []


class MemorySlackEvents:
    def __init__(self, session: MemorySession) -> None:
        self._session = session

    async def first_time(self, event_id: str, now: datetime) -> bool:
        if event_id in self._session.store.slack_events or event_id in self._session.new_events:
            return False
        self._session.new_events[event_id] = now
        return True


class MemoryApiTokens:
    def __init__(self, session: MemorySession) -> None:
        self._session = session

    async def add(self, token: ApiToken) -> None:
        self._session.new_tokens.append(token)

    async def find_by_hash(self, token_hash: str) -> ApiToken | None:
        return self._session.store.tokens.get(token_hash)

    async def get(self, token_id: str) -> ApiToken:
        for token in self._session.store.tokens.values():
            if token.id == token_id:
                return token
        raise NotFound("No such API token.")

    async def list_for_user(self, user_id: str) -> Sequence[ApiToken]:
        mine = [t for t in self._session.store.tokens.values() if t.user_id == user_id]
        return sorted(mine, key=lambda t: (t.created_at, t.id))

    async def revoke(self, token: ApiToken) -> None:
        self._session.revoked_tokens.append(token.token_hash)


class MemoryPendingOutbox:
    def __init__(self, session: MemorySession) -> None:
        self._session = session

    async def list_pending(self, limit: int = 100) -> Sequence[OutboxMessage]:
        return [m for m in self._session.store.outbox if m.status == "pending"][:limit]
