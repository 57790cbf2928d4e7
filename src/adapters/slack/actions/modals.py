"""Pieces every modal uses: the view itself (built with slack-sdk's models, so Slack's
limits are checked), its private metadata (ids only), text inputs, a notice, and times in
the reader's own timezone for the places Slack's date tokens cannot go (option labels)."""

from __future__ import annotations

import base64
import binascii
import json
import zlib
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

from adapters.slack.actions.payloads import Click
from adapters.slack.blocks.parts import clip

JSON = dict[str, Any]
TITLE = 24  # characters of a modal's title, submit and close labels
METADATA = 3000
ORIGIN = 1400  # characters of metadata the clicked message may take (compressed)


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
    carried = dict(metadata or {})
    packed = json.dumps(carried, ensure_ascii=False, separators=(",", ":"))
    if len(packed) > METADATA and "origin" in carried:  # the outcome in place is a nicety
        carried.pop("origin")
        packed = json.dumps(carried, ensure_ascii=False, separators=(",", ":"))
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


def origin_of(click: Click) -> dict[str, str]:
    """What a modal opened from a message carries so that, once submitted, the message can
    show the outcome in place: the click's `response_url` and, when it fits, the message
    itself (compressed; Slack's `replace_original` needs all of it)."""
    carried = {"response_url": click.response_url or ""}
    if click.response_url and click.message is not None:
        message = {"b": click.block_id, "t": click.message.get("text") or "",
                   "m": click.message.get("blocks") or []}  # fmt: skip
        raw = json.dumps(message, separators=(",", ":")).encode()
        squeezed = base64.b64encode(zlib.compress(raw, 9)).decode()
        if len(squeezed) <= ORIGIN:
            carried["origin"] = squeezed
    return carried


def carried_origin(metadata: Mapping[str, str]) -> dict[str, str]:
    """The origin keys of a modal's metadata, to hand on to its next page."""
    return {k: metadata[k] for k in ("response_url", "origin") if k in metadata}


def message_of(metadata: Mapping[str, str]) -> tuple[JSON, str] | None:
    """The message a modal came from and the clicked block's id, when it was carried."""
    try:
        raw = zlib.decompress(base64.b64decode(metadata.get("origin", ""), validate=True))
        found = json.loads(raw)
    except (ValueError, binascii.Error, zlib.error):
        return None
    if not isinstance(found, dict) or not isinstance(found.get("m"), list):
        return None
    return {"text": str(found.get("t") or ""), "blocks": found["m"]}, str(found.get("b") or "")


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
