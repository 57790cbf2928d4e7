"""In-memory persistence: an honest stand-in for the database, checked by the same contract
suite. It stores encoded state (never live objects), versions every row, and applies a
commit all at once or not at all."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from types import TracebackType
from typing import Any, Self

import attrs

from adapters.persistence.memory_repositories import (
    MemoryApiTokens,
    MemoryConnections,
    MemoryInstallations,
    MemoryInstallAttempts,
    MemoryMeetings,
    MemoryMembers,
    MemoryMentorRequests,
    MemoryMessages,
    MemoryOrganizations,
    MemoryOutbox,
    MemoryPrograms,
    MemorySlackEvents,
    MemorySlackIdentities,
    MemorySurveyAssignments,
    MemorySurveys,
    MemoryUsers,
    _Table,
)
from adapters.persistence.sealing import TokenSealer
from adapters.persistence.tracking import Seen
from application.ports import OutboxMessage
from application.tokens import ApiToken
from domain.connection import Message
from domain.errors import ConcurrencyConflict


@attrs.define
class MemoryStore:
    """The committed state, shared by every unit of work made from it."""

    tables: dict[str, dict[str, tuple[int, dict[str, Any]]]] = attrs.field(factory=dict)
    outbox: list[OutboxMessage] = attrs.field(factory=list)
    tokens: dict[str, ApiToken] = attrs.field(factory=dict)
    slack_events: dict[str, datetime] = attrs.field(factory=dict)
    messages: dict[str, list[Message]] = attrs.field(factory=dict)  # by connection
    message_ids: set[str] = attrs.field(factory=set)

    def table(self, name: str) -> dict[str, tuple[int, dict[str, Any]]]:
        return self.tables.setdefault(name, {})


# Uniqueness the database enforces with constraints: (table, key of a row) must not repeat.
_UNIQUE: dict[str, Callable[[dict[str, Any]], tuple[Any, ...]]] = {
    "users": lambda row: (row["organization_id"], row["email"]),
    "members": lambda row: (row["program_id"], row["user_id"]),
    "installations": lambda row: (
        row["workspace"]["enterprise_id"],
        row["workspace"]["team_id"],
    ),
    "slack_identities": lambda row: (
        row["organization_id"],
        row["directory_key"],
        row["slack_user_id"],
    ),
}


class MemoryUnitOfWork:
    """A transaction over a MemoryStore: nothing is visible to others until `commit()`."""

    def __init__(self, store: MemoryStore, sealer: TokenSealer | None = None) -> None:
        self.store = store
        self.sealer = sealer or _test_sealer()
        self.seen = Seen()
        self.new_tokens: list[ApiToken] = []
        self.revoked_tokens: list[str] = []  # token hashes
        self.new_messages: list[Message] = []
        self.new_events: dict[str, datetime] = {}
        self.organizations = MemoryOrganizations(self)
        self.programs = MemoryPrograms(self)
        self.users = MemoryUsers(self)
        self.members = MemoryMembers(self)
        self.connections = MemoryConnections(self)
        self.mentor_requests = MemoryMentorRequests(self)
        self.meetings = MemoryMeetings(self)
        self.surveys = MemorySurveys(self)
        self.survey_assignments = MemorySurveyAssignments(self)
        self.installations = MemoryInstallations(self)
        self.slack_identities = MemorySlackIdentities(self)
        self.install_attempts = MemoryInstallAttempts(self)
        self.slack_events = MemorySlackEvents(self)
        self.api_tokens = MemoryApiTokens(self)
        self.messages = MemoryMessages(self)
        self.outbox = MemoryOutbox(store)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.rollback()

    async def rollback(self) -> None:
        self.seen.clear()
        self.new_tokens.clear()
        self.revoked_tokens.clear()
        self.new_messages.clear()
        self.new_events.clear()

    async def commit(self) -> None:
        """Check every write first, then apply them all: all-or-nothing, like a transaction."""
        writes: list[tuple[str, str, int, dict[str, Any]]] = []
        for tracked in self.seen.items.values():
            state = tracked.current()
            table = self.store.table(tracked.table)
            key = str(state["id"])
            if tracked.is_new():
                if key in table:
                    raise ConcurrencyConflict(f"That {tracked.table[:-1]} already exists.")
                writes.append((tracked.table, key, 1, state))
            elif tracked.needs_update(state):
                if table[key][0] != tracked.loaded_version:
                    raise ConcurrencyConflict(
                        "Someone else changed this at the same time; reload and try again."
                    )
                writes.append((tracked.table, key, tracked.loaded_version + 1, state))
        self._check_unique(writes)
        for token in self.new_tokens:
            if token.token_hash in self.store.tokens:
                raise ConcurrencyConflict("That token already exists.")
        tables = {t.name: t for t in self._tables()}
        for event_id in self.new_events:
            if event_id in self.store.slack_events:
                raise ConcurrencyConflict("That Slack event was already handled.")
        new_ids = [m.id for m in self.new_messages]
        if len(set(new_ids)) < len(new_ids) or self.store.message_ids.intersection(new_ids):
            raise ConcurrencyConflict("That message already exists.")
        for name, key, version, state in writes:
            self.store.table(name)[key] = (version, tables[name].encode(state))
        self.store.slack_events.update(self.new_events)
        for tracked in self.seen.items.values():
            for event in tracked.aggregate.pull_events():
                self.store.outbox.append(
                    OutboxMessage(
                        id=len(self.store.outbox) + 1,
                        topic=event.topic,
                        organization_id=event.organization_id,
                        payload=event.payload(),
                        created_at=event.occurred_at,
                    )
                )
        for name, key, version, _ in writes:
            self.seen.items[(name, key)].aggregate.version = version
        for token in self.new_tokens:
            self.store.tokens[token.token_hash] = token
        for message in self.new_messages:
            self.store.messages.setdefault(message.connection_id, []).append(message)
            self.store.message_ids.add(message.id)
        for token_hash in self.revoked_tokens:
            revoked = attrs.evolve(self.store.tokens[token_hash], revoked=True)
            self.store.tokens[token_hash] = revoked
        await self.rollback()

    def _tables(self) -> list[_Table[Any]]:
        return [
            self.organizations, self.programs, self.users, self.members, self.connections,
            self.mentor_requests, self.meetings, self.surveys, self.survey_assignments,
            self.installations, self.slack_identities, self.install_attempts,
        ]  # fmt: skip

    def _check_unique(self, writes: list[tuple[str, str, int, dict[str, Any]]]) -> None:
        for name, key, _, state in writes:
            unique = _UNIQUE.get(name)
            if unique is None:
                continue
            clash = [
                other
                for other, (_, row) in self.store.table(name).items()
                if other != key and unique(row) == unique(state)
            ] + [
                k for n, k, _, s in writes if n == name and k != key and unique(s) == unique(state)
            ]
            if clash:
                raise ConcurrencyConflict(f"That {name[:-1]} already exists.")


def memory_uow_factory(
    store: MemoryStore, sealer: TokenSealer | None = None
) -> Callable[[], MemoryUnitOfWork]:
    """A factory of units of work sharing one store (what bootstrap and tests hand to use cases)."""
    return lambda: MemoryUnitOfWork(store, sealer)


@functools.cache
def _test_sealer() -> TokenSealer:
    """Tests that don't care about keys still get tokens sealed, like the database does."""
    return TokenSealer(["in-memory-store"])
