"""What every aggregate shares: a version for optimistic concurrency and pending events."""

from __future__ import annotations

import attrs

from domain.events import DomainEvent


@attrs.define(kw_only=True, eq=False)
class Aggregate:
    """A consistency boundary. `version` is bumped by persistence on every successful save."""

    version: int = attrs.field(default=0)
    events: list[DomainEvent] = attrs.field(factory=list, repr=False)

    def record(self, event: DomainEvent) -> None:
        """Remember a fact; the unit of work writes it to the outbox on commit."""
        self.events.append(event)

    def pull_events(self) -> list[DomainEvent]:
        """Hand over and forget the recorded events."""
        pulled, self.events = self.events, []
        return pulled
