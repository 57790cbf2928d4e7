"""What every renderer needs: the viewer's settings and tolerant JSON accessors.

Renderers read stored payloads that may predate a validation rule, so they never
raise on odd shapes: a missing or mistyped field renders as nothing (or a placeholder).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import attrs

from slack_sandbox.blockkit.markup import esc, plain_to_html
from slack_sandbox.blockkit.mrkdwn import mrkdwn_to_html

JsonObject = Mapping[str, object]


@attrs.frozen
class Viewer:
    """The person looking: their IANA zone, "now" (for tests) and id -> name lookups."""

    tz: str
    now: dt.datetime | None = None
    names: Mapping[str, str] = attrs.field(factory=dict)


def obj(value: object) -> JsonObject:
    """``value`` as a JSON object, or an empty one."""
    return value if isinstance(value, dict) else {}


def items(value: object) -> list[object]:
    """``value`` as a JSON array, or an empty one."""
    return value if isinstance(value, list) else []


def text(value: object) -> str | None:
    """``value`` when it is a string."""
    return value if isinstance(value, str) else None


def raw_text(text_object: object) -> str:
    """The bare text of a text object (for attributes and option labels)."""
    return text(obj(text_object).get("text")) or ""


def render_text(text_object: object, viewer: Viewer) -> str:
    """A text object as HTML: mrkdwn formatted, plain_text escaped."""
    body = obj(text_object)
    content = text(body.get("text")) or ""
    if body.get("type") == "mrkdwn":
        return mrkdwn_to_html(content, tz=viewer.tz, now=viewer.now, names=viewer.names)
    return plain_to_html(content)


def unsupported(kind: object, what: str) -> str:
    """A visible placeholder for something the sandbox cannot draw."""
    label = kind if isinstance(kind, str) else "?"
    return f'<div class="sb-unsupported">Unsupported {what}: {esc(label)}</div>'
