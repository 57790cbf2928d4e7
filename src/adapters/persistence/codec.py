"""Aggregates <-> plain JSON-ready dicts. Both the in-memory store and SQL use this one mapping,
so a fake that round-trips proves the same encoding the database relies on."""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import datetime, time
from typing import Any, TypeVar

from cattrs.preconf.json import make_converter

from domain.aggregate import Aggregate
from domain.survey import Answer

A = TypeVar("A", bound=Aggregate)

_converter = make_converter()


def _structure_answer(value: Any, _type: Any) -> Answer:
    if isinstance(value, list | tuple):
        return tuple(str(v) for v in value)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"Not a survey answer: {value!r}")
    return value


_converter.register_structure_hook(Answer, _structure_answer)
_converter.register_structure_hook(datetime, lambda v, _: datetime.fromisoformat(v))
_converter.register_unstructure_hook(datetime, lambda v: v.isoformat())
_converter.register_structure_hook(time, lambda v, _: time.fromisoformat(v))
_converter.register_unstructure_hook(time, lambda v: v.isoformat(timespec="minutes"))
_converter.register_unstructure_hook_func(
    lambda t: isinstance(t, type) and issubclass(t, enum.Enum), lambda e: e.value
)
# Sets are stored sorted, so equal states always encode to equal JSON (dirty checks rely on it).
_converter.register_unstructure_hook_func(
    lambda t: getattr(t, "__origin__", t) is frozenset,
    lambda v: sorted(_converter.unstructure(x) for x in v),
)

_NOT_STATE = ("events", "version")


# Each aggregate type's generated hooks, kept here. cattrs caches its dispatch too, but clears
# that whole cache whenever it generates a hook for a new collection type, after which the next
# call regenerates the aggregate's hook (code generation, in a profile of the server: 13% of its
# CPU under load). A hook once generated stays valid: keep it.
_dumpers: dict[type, Callable[[Any], dict[str, Any]]] = {}
_loaders: dict[type, Callable[[Any, type], Any]] = {}


def dump(aggregate: Aggregate) -> dict[str, Any]:
    """The aggregate's state (without its version and pending events)."""
    kind = type(aggregate)
    hook = _dumpers.get(kind)
    if hook is None:
        hook = _dumpers[kind] = _converter.get_unstructure_hook(kind)
    data = hook(aggregate)
    for key in _NOT_STATE:
        data.pop(key, None)
    return data


def load(kind: type[A], data: dict[str, Any], version: int) -> A:
    """Rebuild an aggregate from `dump` output and its stored version."""
    hook = _loaders.get(kind)
    if hook is None:
        hook = _loaders[kind] = _converter.get_structure_hook(kind)
    aggregate: A = hook(data, kind)
    aggregate.version = version
    return aggregate
