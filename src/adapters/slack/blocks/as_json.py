"""Block Kit objects (slack-sdk's models) as the JSON Slack is sent, quickly.

slack-sdk's `to_dict()` validates every object and then walks its attributes through several
generic helpers: a Home tab of 100 blocks took about 5 ms of CPU, on the event loop, for every
publish (and every DM paid its share). The renderers build what Block Kit allows already
(texts clipped to their limits, at most 100 blocks; the sandbox validates what it receives,
as Slack does), so here the attributes are read directly. The output is the same as
`to_dict()`'s (test_slack_blocks.py and test_home_view.py compare every DM kind and Home);
an object whose class writes its own `to_dict()` (options, confirmations...) keeps it."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.basic_objects import EMPTY_ALLOWED_TYPE_AND_PROPERTY_LIST, JsonObject

_EMPTY_ALLOWED = frozenset((e["type"], e["property"]) for e in EMPTY_ALLOWED_TYPE_AND_PROPERTY_LIST)
_KEYS: dict[type, tuple[str, ...]] = {}


def as_json(value: Any) -> Any:
    """`value` (a Block Kit object, a list of them, or a plain value) as JSON data."""
    if isinstance(value, list | tuple):
        return [as_json(v) for v in value]
    if not isinstance(value, JsonObject):
        return value
    kind = type(value)
    if kind.to_dict is not JsonObject.to_dict:  # its own shape: ask it
        return {k: as_json(v) for k, v in value.to_dict().items()}
    keys = _KEYS.get(kind)
    if keys is None:
        keys = _KEYS[kind] = tuple(sorted(value.attributes))
    block_type = getattr(value, "type", None)
    out: dict[str, Any] = {}
    for key in keys:
        item = getattr(value, key, None)
        if item is None:
            continue
        if hasattr(item, "__len__") and not len(item) and (block_type, key) not in _EMPTY_ALLOWED:
            continue
        out[key] = as_json(item)
    return out
