"""The entry points the sandbox's Web API calls before it accepts a message or a view.

They raise :class:`BlockKitError` with the code Slack would answer with:

* ``chat.postMessage`` / ``chat.update`` / ``chat.postEphemeral``: ``no_text``,
  ``msg_too_long``, ``invalid_blocks_format`` (blocks not a JSON array), or
  ``invalid_blocks`` with one reason per problem, pointing below ``/blocks``.
* ``views.open`` / ``push`` / ``update`` / ``publish``: ``view_too_large``, or
  ``invalid_arguments`` with reasons pointing below ``/view``.

Deliberate choices (stricter than Slack where Slack would only truncate or where the
sandbox cannot check a type): see ``limits.py`` and ``block_checks.py``.
"""

from __future__ import annotations

import json
from typing import Literal

from slack_sandbox.blockkit import limits
from slack_sandbox.blockkit.block_checks import Surface, check_blocks
from slack_sandbox.blockkit.checks import (
    Findings,
    JsonObject,
    as_object,
    boolean,
    string,
    text_object,
)
from slack_sandbox.blockkit.errors import BlockKitError

ViewKind = Literal["modal", "home"]


def _parse_blocks(blocks: object) -> list[object] | None:
    if blocks is None or blocks == "":
        return None
    if isinstance(blocks, str):
        try:
            blocks = json.loads(blocks)
        except ValueError as exc:
            raise BlockKitError(
                "invalid_blocks_format", ["[ERROR] blocks is not valid JSON"]
            ) from exc
    if not isinstance(blocks, list):
        raise BlockKitError("invalid_blocks_format", ["[ERROR] blocks must be a JSON array"])
    return blocks


def check_message(text: str | None, blocks: object) -> None:
    """Refuse a message Slack would refuse; ``blocks`` may be a JSON string or a list.

    Text between 4,000 and 40,000 characters passes (Slack accepts and may truncate
    it); longer text raises ``msg_too_long``.
    """
    parsed = _parse_blocks(blocks)
    if not text and not parsed:
        raise BlockKitError("no_text", ["[ERROR] a message needs text or blocks"])
    if text is not None and len(text) > limits.MESSAGE_TEXT:
        raise BlockKitError(
            "msg_too_long",
            [f"[ERROR] text must be less than {limits.MESSAGE_TEXT + 1} characters"],
        )
    if parsed is None:
        return
    found = Findings()
    check_blocks(found, {"blocks": parsed}, "", surface="message", required=True)
    if found.messages:
        raise BlockKitError("invalid_blocks", found.messages)


def _parse_view(view: object) -> tuple[JsonObject, int]:
    """The view as an object, and its size in bytes as Slack receives it."""
    if isinstance(view, str):
        raw = view
        try:
            view = json.loads(view)
        except ValueError as exc:
            raise BlockKitError(
                "invalid_arguments", ["[ERROR] view is not valid JSON [json-pointer:/view]"]
            ) from exc
    else:
        # slack-sdk sends json.dumps(view) with its default, ASCII-escaping settings.
        raw = json.dumps(view)
    obj = as_object(view)
    if obj is None:
        raise BlockKitError(
            "invalid_arguments", ["[ERROR] must provide an object [json-pointer:/view]"]
        )
    return obj, len(raw.encode("utf-8"))


def _modal_fields(found: Findings, view: JsonObject, pointer: str) -> None:
    text_object(
        found,
        view,
        "title",
        pointer,
        max_len=limits.VIEW_TITLE,
        plain_only=True,
        required=True,
    )
    text_object(found, view, "close", pointer, max_len=limits.VIEW_TITLE, plain_only=True)
    text_object(found, view, "submit", pointer, max_len=limits.VIEW_TITLE, plain_only=True)
    boolean(found, view, "clear_on_close", pointer)
    boolean(found, view, "notify_on_close", pointer)
    blocks = view.get("blocks")
    has_input = isinstance(blocks, list) and any(
        isinstance(block, dict) and block.get("type") == "input" for block in blocks
    )
    if has_input and view.get("submit") is None:
        found.add(pointer, "submit is required when the view contains an input block")


def check_view(view: object, *, kind: ViewKind | None = None) -> None:
    """Refuse a view Slack would refuse; ``view`` may be a JSON string or a dict.

    ``kind`` is what the method expects (``"home"`` for views.publish, ``"modal"`` for
    views.open / push); ``None`` accepts either (views.update).
    """
    obj, size = _parse_view(view)
    if size > limits.VIEW_BYTES:
        raise BlockKitError(
            "view_too_large",
            [f"[ERROR] view is {size} bytes; the limit is {limits.VIEW_BYTES} bytes"],
        )
    pointer = "/view"
    found = Findings()
    surface: Surface = "modal"
    view_type = obj.get("type")
    if view_type not in ("modal", "home"):
        found.add(f"{pointer}/type", "must be one of: home, modal")
    elif kind is not None and view_type != kind:
        found.add(f"{pointer}/type", f"must be {kind}")
    if view_type == "home":
        surface = "home"
    else:
        _modal_fields(found, obj, pointer)
    string(found, obj, "private_metadata", pointer, max_len=limits.PRIVATE_METADATA)
    string(found, obj, "callback_id", pointer, max_len=limits.CALLBACK_ID)
    string(found, obj, "external_id", pointer, max_len=limits.EXTERNAL_ID)
    check_blocks(found, obj, pointer, surface=surface, required=True)
    if found.messages:
        raise BlockKitError("invalid_arguments", found.messages)
