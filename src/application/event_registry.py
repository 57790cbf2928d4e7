"""Every domain event by its topic: outbox rows carry a topic and a JSON payload, and this one
registry turns them back into the typed event that was recorded."""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from domain.connection import (
    ConnectionClosed,
    ConnectionPublished,
    MessageSent,
    TaskAdded,
    TaskCompleted,
)
from domain.events import DomainEvent
from domain.meeting import (
    MeetingAccepted,
    MeetingCancelled,
    MeetingDeclined,
    MeetingExpired,
    MeetingProposed,
)
from domain.mentor_request import (
    MentorRequestAccepted,
    MentorRequestDeclined,
    MentorRequested,
    MentorRequestExpired,
    MentorRequestWithdrawn,
)
from domain.organization import SlackSwitched
from domain.people import MenteeJoined, UserDeactivated
from domain.program import AnnouncementMade, ProgramSlackOptInChanged
from domain.slack.identity import SlackIdentityFound
from domain.slack.installation import (
    InstallationAdded,
    InstallationNeedsReconnecting,
    InstallationReactivated,
    InstallationRefreshed,
    InstallationRemoved,
)
from domain.survey import SurveyAnswered, SurveyAssigned

EVENT_TYPES: Mapping[str, type[DomainEvent]] = {
    kind.topic: kind
    for kind in (
        ConnectionPublished, ConnectionClosed, TaskAdded, TaskCompleted, MessageSent,
        InstallationAdded, InstallationRefreshed, InstallationReactivated, InstallationRemoved,
        InstallationNeedsReconnecting,
        MeetingProposed, MeetingAccepted, MeetingDeclined, MeetingCancelled, MeetingExpired,
        MentorRequested, MentorRequestAccepted, MentorRequestDeclined, MentorRequestWithdrawn,
        MentorRequestExpired,
        SlackSwitched, UserDeactivated, ProgramSlackOptInChanged,
        SurveyAssigned, SurveyAnswered,
        MenteeJoined, AnnouncementMade, SlackIdentityFound,
    )
}  # fmt: skip


class UnknownTopic(LookupError):
    """An outbox row whose topic no event class has (a newer writer, or a typo)."""


def event_from(topic: str, payload: Mapping[str, Any]) -> DomainEvent:
    """The event an outbox row was written from (the inverse of `DomainEvent.payload`)."""
    kind = EVENT_TYPES.get(topic)
    if kind is None:
        raise UnknownTopic(f"No event has the topic {topic!r}.")
    return kind(**{name: _typed(hint, payload[name]) for name, hint in _fields_of(kind)})


_FIELDS: dict[type[DomainEvent], tuple[tuple[str, Any], ...]] = {}


def _fields_of(kind: type[DomainEvent]) -> tuple[tuple[str, Any], ...]:
    """The event's fields and their types (resolving the hints costs more than the rest)."""
    fields = _FIELDS.get(kind)
    if fields is None:
        hints = typing.get_type_hints(kind)
        fields = _FIELDS[kind] = tuple(
            (f.name, hints[f.name]) for f in attrs.fields(kind)
        )
    return fields


def _typed(hint: Any, value: Any) -> Any:
    """JSON's value as the field's type: ISO strings to datetimes, lists to tuples or sets."""
    if value is None:
        return None
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        (hint,) = [arg for arg in typing.get_args(hint) if arg is not type(None)]
    if hint is datetime:
        return datetime.fromisoformat(value)
    origin = typing.get_origin(hint)
    if origin is tuple:
        return tuple(value)
    if origin is frozenset:
        return frozenset(value)
    return value
