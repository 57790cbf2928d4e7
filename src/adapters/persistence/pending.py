"""What both units of work share: the record of one transaction's pending writes, and the
one builder of the outbox rows its events become on commit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

from adapters.persistence.tracking import Seen
from application.tokens import ApiToken
from domain.connection import Message
from domain.events import DomainEvent


@attrs.define
class PendingWrites:
    """Aggregates loaded or added, and plain rows added, since the transaction began.
    Stores record here; the unit of work writes it all on commit, or forgets it."""

    seen: Seen = attrs.field(factory=Seen)
    new_tokens: list[ApiToken] = attrs.field(factory=list)
    revoked_tokens: list[str] = attrs.field(factory=list)  # token hashes
    new_messages: list[Message] = attrs.field(factory=list)
    new_events: dict[str, datetime] = attrs.field(factory=dict)  # Slack event id -> received

    def forget(self) -> None:
        self.seen.clear()
        self.new_tokens.clear()
        self.revoked_tokens.clear()
        self.new_messages.clear()
        self.new_events.clear()

    def outbox_rows(self) -> list[dict[str, Any]]:
        """The events recorded by every aggregate seen, as new outbox rows, in order."""
        return [
            outbox_row(event)
            for tracked in self.seen.items.values()
            for event in tracked.aggregate.events
        ]

    def events_published(self) -> None:
        """After a commit: the events are in the outbox, the aggregates forget them."""
        for tracked in self.seen.items.values():
            tracked.aggregate.pull_events()


def outbox_row(event: DomainEvent) -> dict[str, Any]:
    """A new outbox row: pending, due at once, never tried."""
    return {
        "topic": event.topic,
        "organization_id": event.organization_id,
        "payload": event.payload(),
        "created_at": event.occurred_at,
        "available_at": event.occurred_at,
        "status": "pending",
        "attempts": 0,
        "last_error": None,
    }
