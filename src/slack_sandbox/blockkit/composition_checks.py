"""Checks for composition objects: options, option groups, confirm dialogs."""

from __future__ import annotations

from slack_sandbox.blockkit import limits
from slack_sandbox.blockkit.checks import (
    Findings,
    JsonObject,
    array,
    as_object,
    choice,
    require_object,
    string,
    text_object,
)

OptionKey = tuple[str | None, str | None]
"""An option identified by (text, value), to match initial options against options."""

BUTTON_STYLES = frozenset({"primary", "danger"})


def option(
    found: Findings,
    value: object,
    pointer: str,
    *,
    plain_only: bool = True,
    allow_url: bool = False,
) -> OptionKey | None:
    """Check one option object; select and overflow options take plain_text only."""
    obj = require_object(found, value, pointer)
    if obj is None:
        return None
    text = text_object(
        found,
        obj,
        "text",
        pointer,
        max_len=limits.OPTION_TEXT,
        plain_only=plain_only,
        required=True,
    )
    key = string(found, obj, "value", pointer, max_len=limits.OPTION_VALUE, required=True)
    text_object(
        found,
        obj,
        "description",
        pointer,
        max_len=limits.OPTION_DESCRIPTION,
        plain_only=plain_only,
    )
    if allow_url:
        string(found, obj, "url", pointer, max_len=limits.OPTION_URL)
    elif "url" in obj:
        found.add(f"{pointer}/url", "url is only allowed on overflow menu options")
    return (text, key)


def options(
    found: Findings,
    obj: JsonObject,
    pointer: str,
    *,
    max_items: int,
    min_items: int = 1,
    required: bool = True,
    plain_only: bool = True,
    allow_url: bool = False,
) -> list[OptionKey]:
    """Check an ``options`` array; returns the keys of the well-formed options."""
    items = array(
        found,
        obj,
        "options",
        pointer,
        min_items=min_items,
        max_items=max_items,
        required=required,
    )
    keys: list[OptionKey] = []
    values: set[str] = set()
    for index, item in enumerate(items or []):
        here = f"{pointer}/options/{index}"
        key = option(found, item, here, plain_only=plain_only, allow_url=allow_url)
        if key is None:
            continue
        keys.append(key)
        if key[1] is not None:
            # Slack echoes the value back as the choice; two equal values are ambiguous.
            if key[1] in values:
                found.add(f"{here}/value", f"duplicate option value '{key[1]}'")
            values.add(key[1])
    return keys


def option_groups(found: Findings, obj: JsonObject, pointer: str) -> list[OptionKey]:
    """Check a static select's ``option_groups``; returns the keys of every option."""
    groups = array(found, obj, "option_groups", pointer, max_items=limits.OPTION_GROUPS)
    keys: list[OptionKey] = []
    for index, item in enumerate(groups or []):
        here = f"{pointer}/option_groups/{index}"
        group = require_object(found, item, here)
        if group is None:
            continue
        text_object(
            found,
            group,
            "label",
            here,
            max_len=limits.OPTION_GROUP_LABEL,
            plain_only=True,
            required=True,
        )
        keys += options(found, group, here, max_items=limits.SELECT_OPTIONS)
    return keys


def initial_option(
    found: Findings, obj: JsonObject, pointer: str, allowed: list[OptionKey], *, plain_only: bool
) -> None:
    """Check that ``initial_option``, when given, is one of the element's options."""
    if obj.get("initial_option") is None:
        return
    here = f"{pointer}/initial_option"
    key = option(found, obj["initial_option"], here, plain_only=plain_only)
    if key is not None and key not in allowed:
        found.add(here, "must match one of the provided options")


def initial_options(
    found: Findings, obj: JsonObject, pointer: str, allowed: list[OptionKey]
) -> None:
    """Check that every entry of ``initial_options`` is one of the element's options."""
    items = array(
        found, obj, "initial_options", pointer, min_items=0, max_items=limits.CHOICE_OPTIONS
    )
    for index, item in enumerate(items or []):
        here = f"{pointer}/initial_options/{index}"
        key = option(found, item, here, plain_only=False)
        if key is not None and key not in allowed:
            found.add(here, "must match one of the provided options")


def confirm(found: Findings, obj: JsonObject, pointer: str) -> None:
    """Check an element's optional ``confirm`` dialog."""
    if obj.get("confirm") is None:
        return
    here = f"{pointer}/confirm"
    dialog = as_object(obj["confirm"])
    if dialog is None:
        found.add(here, "must provide an object")
        return
    text_object(
        found, dialog, "title", here, max_len=limits.CONFIRM_TITLE, plain_only=True, required=True
    )
    text_object(found, dialog, "text", here, max_len=limits.CONFIRM_TEXT, required=True)
    for key in ("confirm", "deny"):
        text_object(
            found,
            dialog,
            key,
            here,
            max_len=limits.CONFIRM_BUTTON,
            plain_only=True,
            required=True,
        )
    choice(found, dialog, "style", here, BUTTON_STYLES)
