"""In-memory persistence: an honest stand-in for the database, checked by the same contract
suite. It stores encoded state (never live objects), versions every row, and applies a
commit all at once or not at all."""

from __future__ import annotations

import functools
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self

import attrs

from adapters.persistence.memory_repositories import MemoryRepositories
from adapters.persistence.memory_store import MemorySession, MemoryStore
from adapters.persistence.outbox_bell import OutboxBell
from adapters.persistence.sealing import TokenSealer
from adapters.persistence.tracking import Seen
from application.ports import OutboxMessage
from domain.errors import ConcurrencyConflict

__all__ = ["MemoryStore", "MemoryUnitOfWork", "memory_uow_factory"]


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


class MemoryUnitOfWork(MemoryRepositories):
    """A transaction over a MemoryStore: nothing is visible to others until `commit()`."""

    def __init__(
        self, store: MemoryStore, sealer: TokenSealer | None = None, bell: OutboxBell | None = None
    ) -> None:
        self.store = store
        self._bell = bell
        self.session = MemorySession(store=store, sealer=sealer or _test_sealer())
        super().__init__(self.session)

    @property
    def sealer(self) -> TokenSealer:
        return self.session.sealer

    @property
    def seen(self) -> Seen:
        return self.session.seen

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
        self.session.forget()
        self.session.let_go()

    async def commit(self) -> None:
        """Check every write first, then apply them all: all-or-nothing, like a transaction."""
        pending = self.session
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
        for token in pending.new_tokens:
            if token.token_hash in self.store.tokens:
                raise ConcurrencyConflict("That token already exists.")
        tables = self.tables()
        for event_id in pending.new_events:
            if event_id in self.store.slack_events:
                raise ConcurrencyConflict("That Slack event was already handled.")
        new_ids = [m.id for m in pending.new_messages]
        if len(set(new_ids)) < len(new_ids) or self.store.message_ids.intersection(new_ids):
            raise ConcurrencyConflict("That message already exists.")
        for name, key, version, state in writes:
            self.store.table(name)[key] = (version, tables[name].encode(state))
        self.store.slack_events.update(pending.new_events)
        outbox_rows = pending.outbox_rows()
        for row in outbox_rows:
            self.store.outbox.append(OutboxMessage(id=len(self.store.outbox) + 1, **row))
        pending.events_published()
        for name, key, version, _ in writes:
            self.seen.items[(name, key)].aggregate.version = version
        for token in pending.new_tokens:
            self.store.tokens[token.token_hash] = token
        for message in pending.new_messages:
            self.store.messages.setdefault(message.connection_id, []).append(message)
            self.store.message_ids.add(message.id)
        for token_hash in pending.revoked_tokens:
            revoked = attrs.evolve(self.store.tokens[token_hash], revoked=True)
            self.store.tokens[token_hash] = revoked
        await self.rollback()
        if outbox_rows and self._bell is not None:
            self._bell.ring()

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
    store: MemoryStore, sealer: TokenSealer | None = None, bell: OutboxBell | None = None
) -> Callable[[], MemoryUnitOfWork]:
    """A factory of units of work sharing one store (what bootstrap and tests hand to use cases)."""
    return lambda: MemoryUnitOfWork(store, sealer, bell)


@functools.cache
def _test_sealer() -> TokenSealer:
    """Tests that don't care about keys still get tokens sealed, like the database does."""
    return TokenSealer(["in-memory-store"])
