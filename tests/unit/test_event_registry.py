"""Every domain event is registered under its topic and comes back from its outbox payload
exactly as it was recorded."""

from __future__ import annotations

import importlib
import pkgutil
import typing
from datetime import UTC, datetime
from typing import Any

import attrs
import pytest

import domain
from application.event_registry import EVENT_TYPES, UnknownTopic, event_from
from domain.events import DomainEvent


def _every_event_class() -> list[type[DomainEvent]]:
    for module in pkgutil.iter_modules(domain.__path__):
        importlib.import_module(f"domain.{module.name}")
    found, stack = [], list(DomainEvent.__subclasses__())
    while stack:
        kind = stack.pop()
        stack.extend(kind.__subclasses__())
        if "topic" in vars(kind):
            found.append(kind)
    return sorted(found, key=lambda k: k.topic)


EVENTS = _every_event_class()


def _sample(hint: Any, name: str) -> Any:
    if hint is datetime:
        return datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    if hint is int:
        return 45
    if hint is bool:
        return True
    if typing.get_origin(hint) is tuple:
        return (f"{name}-1", f"{name}-2")
    return f"{name}-value"  # str, and `str | None`


def _an_instance(kind: type[DomainEvent]) -> DomainEvent:
    hints = typing.get_type_hints(kind)
    return kind(**{f.name: _sample(hints[f.name], f.name) for f in attrs.fields(kind)})


def test_every_event_class_of_the_domain_is_registered_under_its_own_topic() -> None:
    assert {k.topic: k for k in EVENTS} == dict(EVENT_TYPES)


@pytest.mark.parametrize("kind", EVENTS, ids=lambda k: k.topic)
def test_an_event_comes_back_from_its_payload(kind: type[DomainEvent]) -> None:
    event = _an_instance(kind)
    assert event_from(kind.topic, event.payload()) == event


def test_a_none_field_stays_none() -> None:
    from domain.connection import ConnectionClosed

    event = ConnectionClosed(
        organization_id="o", occurred_at=datetime(2026, 1, 1, tzinfo=UTC), connection_id="c",
        by_member_id=None,
    )  # fmt: skip
    assert event_from(event.topic, event.payload()) == event


def test_an_unknown_topic_is_refused() -> None:
    with pytest.raises(UnknownTopic, match=r"no\.such"):
        event_from("no.such", {})
