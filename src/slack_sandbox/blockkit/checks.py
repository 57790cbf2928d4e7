"""Field-level checks shared by the block and element rules.

Every check records Slack-style reasons in a :class:`Findings` and returns the value it
read (or ``None``), so the caller can keep walking the payload and report every
problem at once, as Slack does.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from slack_sandbox.blockkit import limits

JsonObject = Mapping[str, object]

TEXT_TYPES = frozenset({"plain_text", "mrkdwn"})


class Findings:
    """The reasons collected while walking one payload."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def add(self, pointer: str, reason: str) -> None:
        """Record one reason, formatted the way Slack's ``response_metadata`` does."""
        self.messages.append(f"[ERROR] {reason} [json-pointer:{pointer}]")


def as_object(value: object) -> JsonObject | None:
    """``value`` as a JSON object, or ``None`` when it is something else."""
    return value if isinstance(value, dict) else None


def require_object(found: Findings, value: object, pointer: str) -> JsonObject | None:
    """``value`` as a JSON object, recording a reason when it is not one."""
    obj = as_object(value)
    if obj is None:
        found.add(pointer, "must provide an object")
    return obj


def missing(found: Findings, obj: JsonObject, key: str, pointer: str) -> bool:
    """True (and recorded) when the required ``key`` is absent or null."""
    if obj.get(key) is None:
        found.add(pointer, f"missing required field: {key}")
        return True
    return False


def length_reason(length: int, *, low: int, high: int, unit: str = "characters") -> str | None:
    """Slack's wording for a length outside ``low..high``, or ``None`` when inside."""
    if length < low:
        return f"must be more than {low - 1} {unit}"
    if length > high:
        return f"must be less than {high + 1} {unit}"
    return None


def string(
    found: Findings,
    obj: JsonObject,
    key: str,
    pointer: str,
    *,
    max_len: int,
    min_len: int = 0,
    required: bool = False,
) -> str | None:
    """Check an optional (or required) string field's type and length."""
    here = f"{pointer}/{key}"
    value = obj.get(key)
    if value is None:
        if required:
            found.add(pointer, f"missing required field: {key}")
        return None
    if not isinstance(value, str):
        found.add(here, "must be a string")
        return None
    reason = length_reason(len(value), low=min_len, high=max_len)
    if reason:
        found.add(here, reason)
    return value


def boolean(found: Findings, obj: JsonObject, key: str, pointer: str) -> bool | None:
    """Check an optional boolean field."""
    value = obj.get(key)
    if value is not None and not isinstance(value, bool):
        found.add(f"{pointer}/{key}", "must be a boolean")
        return None
    return value


def choice(
    found: Findings, obj: JsonObject, key: str, pointer: str, allowed: Collection[str]
) -> None:
    """Check that an optional field, when present, is one of ``allowed``."""
    value = obj.get(key)
    if value is not None and value not in allowed:
        found.add(f"{pointer}/{key}", f"must be one of: {', '.join(sorted(allowed))}")


def array(
    found: Findings,
    obj: JsonObject,
    key: str,
    pointer: str,
    *,
    max_items: int,
    min_items: int = 1,
    required: bool = False,
) -> list[object] | None:
    """Check an array field's type and item count; returns its items."""
    here = f"{pointer}/{key}"
    value = obj.get(key)
    if value is None:
        if required:
            found.add(pointer, f"missing required field: {key}")
        return None
    if not isinstance(value, list):
        found.add(here, "must provide an array")
        return None
    if len(value) < min_items:
        found.add(here, f"must provide at least {min_items} items")
    elif len(value) > max_items:
        found.add(here, f"no more than {max_items} items allowed")
    return value


def text_object(
    found: Findings,
    obj: JsonObject,
    key: str,
    pointer: str,
    *,
    max_len: int = limits.TEXT_OBJECT,
    plain_only: bool = False,
    required: bool = False,
) -> str | None:
    """Check a text object field (``{"type": "plain_text"|"mrkdwn", "text": ...}``).

    Returns the text, so a caller can compare option texts.
    """
    value = obj.get(key)
    if value is None:
        if required:
            found.add(pointer, f"missing required field: {key}")
        return None
    return text_value(found, value, f"{pointer}/{key}", max_len=max_len, plain_only=plain_only)


def text_value(
    found: Findings,
    value: object,
    pointer: str,
    *,
    max_len: int = limits.TEXT_OBJECT,
    plain_only: bool = False,
) -> str | None:
    """Check a text object found at ``pointer``; returns its text."""
    text = require_object(found, value, pointer)
    if text is None:
        return None
    kind = text.get("type")
    if kind not in TEXT_TYPES:
        found.add(f"{pointer}/type", "must be one of: mrkdwn, plain_text")
    elif plain_only and kind != "plain_text":
        found.add(f"{pointer}/type", "must be plain_text")
    # Slack documents emoji as plain_text-only and verbatim as mrkdwn-only.
    if kind == "plain_text" and "verbatim" in text:
        found.add(f"{pointer}/verbatim", "verbatim is only allowed on mrkdwn text")
    if kind == "mrkdwn" and "emoji" in text:
        found.add(f"{pointer}/emoji", "emoji is only allowed on plain_text")
    boolean(found, text, "emoji", pointer)
    boolean(found, text, "verbatim", pointer)
    return string(found, text, "text", pointer, min_len=1, max_len=max_len, required=True)
