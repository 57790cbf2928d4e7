"""Pieces every modal uses: the view itself (built with slack-sdk's models, so Slack's
limits are checked), its private metadata (ids only), text inputs, a notice, and times in
the reader's own timezone for the places Slack's date tokens cannot go (option labels)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from adapters.slack.blocks.parts import clip

JSON = dict[str, Any]
TITLE = 24  # characters of a modal's title, submit and close labels
METADATA = 3000


def modal(
    callback_id: str,
    title: str,
    blocks: Sequence[Block],
    *,
    submit: str | None = None,
    close: str = "Cancel",
    metadata: Mapping[str, str] | None = None,
) -> JSON:
    """A modal view as Slack takes it; `metadata` (ids only) comes back on submit."""
    packed = json.dumps(dict(metadata or {}), ensure_ascii=False, separators=(",", ":"))
    if len(packed) > METADATA:
        raise ValueError("private_metadata is over Slack's 3,000 characters")
    view = View(
        type="modal",
        callback_id=callback_id,
        title=clip(title, TITLE),
        submit=clip(submit, TITLE) if submit else None,
        close=clip(close, TITLE),
        blocks=list(blocks),
        private_metadata=packed,
    )
    built: JSON = view.to_dict()
    return built


def notice(title: str, text: str) -> JSON:
    """A modal that only says something (from the Home tab, where no ephemeral reply goes)."""
    return modal("mentorlink.notice", title, [section(text)], close="OK")


def metadata_of(raw: str) -> dict[str, str]:
    """The ids a modal carried; {} when they are missing or were tampered with into junk."""
    try:
        found = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    if not isinstance(found, dict):
        return {}
    return {str(k): v for k, v in found.items() if isinstance(v, str)}


def section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=clip(text, 3000)))


def note(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=clip(text, 3000))])


def text_input(
    block_id: str,
    label: str,
    *,
    multiline: bool = False,
    optional: bool = False,
    max_length: int = 3000,
    placeholder: str | None = None,
    hint: str | None = None,
) -> InputBlock:
    """A plain-text input whose value comes back as `values[block_id]["value"]`."""
    return InputBlock(
        block_id=block_id,
        label=clip(label, 2000),
        optional=optional,
        hint=hint,
        element=PlainTextInputElement(
            action_id="value",
            multiline=multiline,
            max_length=max_length,
            placeholder=clip(placeholder, 150) if placeholder else None,
        ),
    )


def zone(tz: str | None) -> tzinfo:
    """The reader's timezone from their Slack profile (UTC when unknown)."""
    try:
        return ZoneInfo(tz) if tz else UTC
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def local_time(moment: datetime, tz: str | None) -> str:
    """An instant in the reader's timezone, for plain-text labels: "Tue 3 Mar, 10:30 CET"."""
    local = moment.astimezone(zone(tz))
    return f"{local:%a} {local.day} {local:%b}, {local:%H:%M} {local.tzname() or ''}".strip()
