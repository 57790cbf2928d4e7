"""Small pieces every renderer uses: escaped and politely clipped text, Slack date tokens
(each reader sees their own timezone), "you" for the viewer, buttons and the outcome line
that replaces buttons once the subject changed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import attrs
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from application.delivery.model import Notification

SECTION = 3000  # characters of a section's text
HEADER = 150
BUTTON_TEXT = 75
FALLBACK = 3000  # the notification text (Slack accepts 4,000 before truncating)


@attrs.frozen
class Rendered:
    """Fallback text (notifications, screen readers) and the blocks."""

    text: str
    blocks: Sequence[Block]


def esc(text: str) -> str:
    """User text made safe for mrkdwn: no accidental mentions, links or date tokens."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, ending in "…" when cut, never inside an `&...;` escape."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    amp = cut.rfind("&", max(0, len(cut) - 5))
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut.rstrip() + "…"


def quote(text: str, limit: int) -> str:
    """User text as a mrkdwn quote, escaped and clipped to `limit`."""
    clipped = clip(esc(text.strip()), limit - 2 * (text.count("\n") + 1))
    return "\n".join(f">{line}" for line in clipped.splitlines())


def when(iso: str | None, style: str = "{date_short_pretty} {time}") -> str:
    """A Slack date token for an ISO instant; the fallback is in UTC."""
    if not iso:
        return "no date"
    moment = datetime.fromisoformat(iso).astimezone(UTC)
    fallback = moment.strftime("%a %-d %b %Y %H:%M UTC")
    return f"<!date^{int(moment.timestamp())}^{style}|{fallback}>"


def day(iso: str | None) -> str:
    return when(iso, "{date_short_pretty}")


def plain_when(iso: str | None) -> str:
    """An instant in UTC words, for fallback text."""
    if not iso:
        return "no date"
    return datetime.fromisoformat(iso).astimezone(UTC).strftime("%a %-d %b %H:%M UTC")


def who(person: Mapping[str, Any] | None, n: Notification) -> str:
    """A person's name, or "you" when they are the reader."""
    if person is None:
        return "nobody"
    return "you" if person.get("user_id") == n.recipient_user_id else esc(str(person["name"]))


def section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=clip(text, SECTION)))


def header(text: str) -> HeaderBlock:
    return HeaderBlock(text=clip(text, HEADER))


# A note that only holds while the message's buttons do ("Answer by ..."): a click's outcome,
# written in place of the buttons, takes it away with them (`actions.dispatch.outcome_in_place`).
WHILE_OPEN = "while_open"


def note(text: str, block_id: str | None = None) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=clip(text, SECTION))], block_id=block_id)


def button(text: str, action_id: str, value: str, style: str | None = None) -> ButtonElement:
    return ButtonElement(text=clip(text, BUTTON_TEXT), action_id=action_id, value=value,
                         style=style)  # fmt: skip


def buttons(*elements: ButtonElement, block_id: str | None = None) -> ActionsBlock:
    return ActionsBlock(elements=list(elements), block_id=block_id)


def outcome(icon: str, what: str, iso: str | None) -> ContextBlock:
    """The line that replaces a DM's buttons once its subject changed."""
    return note(f"{icon} {what}, {day(iso)}")


def fallback(text: str) -> str:
    return clip(text, FALLBACK)
