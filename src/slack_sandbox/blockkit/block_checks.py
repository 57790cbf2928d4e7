"""Checks for a ``blocks`` array and each block the sandbox models."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Literal

from slack_sandbox.blockkit import limits
from slack_sandbox.blockkit.checks import (
    TEXT_TYPES,
    Findings,
    JsonObject,
    array,
    boolean,
    missing,
    require_object,
    string,
    text_object,
    text_value,
)
from slack_sandbox.blockkit.element_checks import ELEMENT_CHECKS

Surface = Literal["message", "modal", "home"]
BlockCheck = Callable[[Findings, JsonObject, str], None]

ACTIONS_ELEMENTS = frozenset(
    {"button", "static_select", "overflow", "checkboxes", "radio_buttons", "datepicker"}
)
ACCESSORY_ELEMENTS = ACTIONS_ELEMENTS | {"image"}
INPUT_ELEMENTS = frozenset(
    {
        "plain_text_input",
        "static_select",
        "checkboxes",
        "radio_buttons",
        "datepicker",
        "number_input",
    }
)
# Real Slack types the sandbox does not model. Refusing them keeps the sandbox at least
# as strict as Slack (it cannot check what it does not know) and says why, unlike a typo.
SLACK_ONLY_BLOCKS = frozenset({"rich_text", "file", "video", "markdown", "call", "table"})
SLACK_ONLY_ELEMENTS = frozenset(
    {
        "multi_static_select",
        "external_select",
        "multi_external_select",
        "users_select",
        "multi_users_select",
        "conversations_select",
        "multi_conversations_select",
        "channels_select",
        "multi_channels_select",
        "timepicker",
        "datetimepicker",
        "email_text_input",
        "url_text_input",
        "rich_text_input",
        "file_input",
        "workflow_button",
        "icon_button",
    }
)


def _known_type(
    found: Findings,
    obj: JsonObject,
    pointer: str,
    known: Collection[str],
    slack_only: frozenset[str],
) -> str | None:
    """``obj["type"]`` when the sandbox models it; otherwise records why not."""
    kind = obj.get("type")
    if not isinstance(kind, str):
        found.add(pointer, "missing required field: type")
        return None
    if kind in known:
        return kind
    if kind in slack_only:
        reason = f"type '{kind}' is valid in Slack but not supported by the sandbox"
        found.add(f"{pointer}/type", reason)
    else:
        found.add(f"{pointer}/type", f"unknown type '{kind}'")
    return None


def check_element(
    found: Findings, value: object, pointer: str, allowed: frozenset[str], container: str
) -> JsonObject | None:
    """Check an element placed in ``container``, which accepts the ``allowed`` types."""
    element = require_object(found, value, pointer)
    if element is None:
        return None
    kind = _known_type(found, element, pointer, ELEMENT_CHECKS.keys(), SLACK_ONLY_ELEMENTS)
    if kind is None:
        return None
    if kind not in allowed:
        found.add(f"{pointer}/type", f"type '{kind}' is not allowed in {container}")
        return None
    ELEMENT_CHECKS[kind](found, element, pointer)
    return element


def _section(found: Findings, block: JsonObject, pointer: str) -> None:
    text_object(found, block, "text", pointer, max_len=limits.SECTION_TEXT)
    fields = array(found, block, "fields", pointer, max_items=limits.SECTION_FIELDS)
    for index, field in enumerate(fields or []):
        text_value(found, field, f"{pointer}/fields/{index}", max_len=limits.SECTION_FIELD_TEXT)
    if block.get("text") is None and block.get("fields") is None:
        found.add(pointer, "must provide either text or fields")
    if block.get("accessory") is not None:
        check_element(
            found,
            block["accessory"],
            f"{pointer}/accessory",
            ACCESSORY_ELEMENTS,
            "a section accessory",
        )
    boolean(found, block, "expand", pointer)


def _header(found: Findings, block: JsonObject, pointer: str) -> None:
    text_object(
        found,
        block,
        "text",
        pointer,
        max_len=limits.HEADER_TEXT,
        plain_only=True,
        required=True,
    )


def _divider(found: Findings, block: JsonObject, pointer: str) -> None:
    """A divider carries nothing but its type and block_id."""


def _image(found: Findings, block: JsonObject, pointer: str) -> None:
    if block.get("slack_file") is None:
        string(found, block, "image_url", pointer, max_len=limits.IMAGE_URL, required=True)
    string(found, block, "alt_text", pointer, max_len=limits.IMAGE_ALT_TEXT, required=True)
    text_object(found, block, "title", pointer, max_len=limits.IMAGE_TITLE, plain_only=True)


def _context(found: Findings, block: JsonObject, pointer: str) -> None:
    items = array(
        found, block, "elements", pointer, max_items=limits.CONTEXT_ELEMENTS, required=True
    )
    for index, item in enumerate(items or []):
        here = f"{pointer}/elements/{index}"
        element = require_object(found, item, here)
        if element is None:
            continue
        if element.get("type") in TEXT_TYPES:
            text_value(found, element, here)
        else:
            check_element(found, element, here, frozenset({"image"}), "a context block")


def _actions(found: Findings, block: JsonObject, pointer: str) -> None:
    items = array(
        found, block, "elements", pointer, max_items=limits.ACTIONS_ELEMENTS, required=True
    )
    seen: set[str] = set()
    for index, item in enumerate(items or []):
        here = f"{pointer}/elements/{index}"
        element = check_element(found, item, here, ACTIONS_ELEMENTS, "an actions block")
        action_id = element.get("action_id") if element else None
        if isinstance(action_id, str):
            # Slack wants action_id unique within its block (not across the surface).
            if action_id in seen:
                found.add(f"{here}/action_id", f"duplicate action_id '{action_id}'")
            seen.add(action_id)


def _input(found: Findings, block: JsonObject, pointer: str) -> None:
    text_object(
        found,
        block,
        "label",
        pointer,
        max_len=limits.INPUT_LABEL,
        plain_only=True,
        required=True,
    )
    text_object(found, block, "hint", pointer, max_len=limits.INPUT_HINT, plain_only=True)
    boolean(found, block, "optional", pointer)
    boolean(found, block, "dispatch_action", pointer)
    if not missing(found, block, "element", pointer):
        check_element(
            found, block["element"], f"{pointer}/element", INPUT_ELEMENTS, "an input block"
        )


BLOCK_CHECKS: dict[str, BlockCheck] = {
    "section": _section,
    "header": _header,
    "divider": _divider,
    "image": _image,
    "context": _context,
    "actions": _actions,
    "input": _input,
}
"""Every block type the sandbox models, with its check."""


def check_blocks(
    found: Findings, holder: JsonObject, pointer: str, *, surface: Surface, required: bool
) -> None:
    """Check ``holder["blocks"]`` for ``surface``: count, each block, unique block_ids."""
    most = limits.MESSAGE_BLOCKS if surface == "message" else limits.VIEW_BLOCKS
    fewest = 0 if surface == "message" else 1
    blocks = array(
        found, holder, "blocks", pointer, min_items=fewest, max_items=most, required=required
    )
    block_ids: set[str] = set()
    for index, item in enumerate(blocks or []):
        here = f"{pointer}/blocks/{index}"
        block = require_object(found, item, here)
        if block is None:
            continue
        kind = _known_type(found, block, here, BLOCK_CHECKS.keys(), SLACK_ONLY_BLOCKS)
        if kind is None:
            continue
        if kind == "input" and surface != "modal":
            # Slack has since allowed input blocks elsewhere; mentorlink only uses them
            # in modals, so anything else is a bug worth catching here.
            found.add(f"{here}/type", "input blocks are only supported in modals")
        block_id = string(found, block, "block_id", here, max_len=limits.BLOCK_ID)
        if block_id is not None:
            if block_id in block_ids:
                found.add(f"{here}/block_id", f"duplicate block_id '{block_id}'")
            block_ids.add(block_id)
        BLOCK_CHECKS[kind](found, block, here)
