"""Domain events: facts recorded by transitions, turned into outbox rows by the unit of work."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

import attrs


@attrs.frozen(kw_only=True)
class DomainEvent:
    """Something that happened. `topic` names it on the outbox; fields become the payload."""

    topic: ClassVar[str] = "event"
    organization_id: str
    occurred_at: datetime

    def payload(self) -> dict[str, Any]:
        """JSON-ready fields of the event (datetimes as ISO 8601 strings)."""
        return attrs.asdict(self, value_serializer=_serialize)


def _serialize(_inst: object, _field: object, value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, frozenset | set):
        return sorted(value)
    return value
