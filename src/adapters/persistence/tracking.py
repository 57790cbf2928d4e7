"""What both unit-of-work implementations share: remembering which aggregates a transaction
touched, and deciding at commit which of them changed."""

from __future__ import annotations

from typing import Any

import attrs

from adapters.persistence.codec import dump
from domain.aggregate import Aggregate


@attrs.define
class Tracked:
    """An aggregate seen in this transaction, with the state it had when loaded."""

    aggregate: Aggregate
    table: str
    loaded: dict[str, Any] | None  # None: added in this transaction
    loaded_version: int
    guarded: bool = False

    def current(self) -> dict[str, Any]:
        return dump(self.aggregate)

    def is_new(self) -> bool:
        return self.loaded is None

    def needs_update(self, state: dict[str, Any]) -> bool:
        return self.guarded or state != self.loaded


@attrs.define
class Seen:
    """Aggregates loaded or added in one transaction, keyed by (table, id)."""

    items: dict[tuple[str, str], Tracked] = attrs.field(factory=dict)

    def loaded(self, table: str, aggregate: Aggregate) -> Aggregate:
        """Track a freshly loaded aggregate; a second load of the same id returns the first."""
        key = (table, str(getattr(aggregate, "id")))  # noqa: B009
        known = self.items.get(key)
        if known is not None:
            return known.aggregate
        self.items[key] = Tracked(aggregate, table, dump(aggregate), aggregate.version)
        return aggregate

    def known(self, table: str, id: str) -> Aggregate | None:
        """The aggregate this transaction already holds, if any (no need to ask the store)."""
        tracked = self.items.get((table, id))
        return None if tracked is None else tracked.aggregate

    def added(self, table: str, aggregate: Aggregate) -> None:
        key = (table, str(getattr(aggregate, "id")))  # noqa: B009
        self.items[key] = Tracked(aggregate, table, None, 0)

    def guard(self, table: str, aggregate: Aggregate) -> None:
        key = (table, str(getattr(aggregate, "id")))  # noqa: B009
        self.items[key].guarded = True

    def clear(self) -> None:
        self.items.clear()
