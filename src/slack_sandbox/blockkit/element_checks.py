"""Checks for the block elements the sandbox models.

Where an element may appear is decided by the block checks; this module knows what
each element must contain.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from slack_sandbox.blockkit import composition_checks as compose
from slack_sandbox.blockkit import limits
from slack_sandbox.blockkit.checks import (
    Findings,
    JsonObject,
    array,
    boolean,
    choice,
    missing,
    string,
    text_object,
)

ElementCheck = Callable[[Findings, JsonObject, str], None]

TRIGGERS = frozenset({"on_enter_pressed", "on_character_entered"})


def _common(found: Findings, element: JsonObject, pointer: str) -> None:
    string(found, element, "action_id", pointer, max_len=limits.ACTION_ID)
    boolean(found, element, "focus_on_load", pointer)


def _placeholder(found: Findings, element: JsonObject, pointer: str) -> None:
    text_object(found, element, "placeholder", pointer, max_len=limits.PLACEHOLDER, plain_only=True)


def check_button(found: Findings, element: JsonObject, pointer: str) -> None:
    """Button: plain text label, optional value, url, style and confirm."""
    _common(found, element, pointer)
    text_object(
        found,
        element,
        "text",
        pointer,
        max_len=limits.BUTTON_TEXT,
        plain_only=True,
        required=True,
    )
    string(found, element, "value", pointer, max_len=limits.BUTTON_VALUE)
    string(found, element, "url", pointer, max_len=limits.BUTTON_URL)
    string(found, element, "accessibility_label", pointer, max_len=limits.ACCESSIBILITY_LABEL)
    choice(found, element, "style", pointer, compose.BUTTON_STYLES)
    compose.confirm(found, element, pointer)


def check_static_select(found: Findings, element: JsonObject, pointer: str) -> None:
    """Static select: exactly one of options (<= 100) or option_groups (<= 100)."""
    _common(found, element, pointer)
    _placeholder(found, element, pointer)
    has_options, has_groups = "options" in element, "option_groups" in element
    if has_options == has_groups:
        found.add(pointer, "must provide exactly one of options or option_groups")
    keys = compose.options(found, element, pointer, max_items=limits.SELECT_OPTIONS, required=False)
    keys += compose.option_groups(found, element, pointer)
    compose.initial_option(found, element, pointer, keys, plain_only=True)
    compose.confirm(found, element, pointer)


def check_overflow(found: Findings, element: JsonObject, pointer: str) -> None:
    """Overflow menu: 1..5 plain text options, which may carry a url."""
    _common(found, element, pointer)
    compose.options(
        found,
        element,
        pointer,
        min_items=limits.OVERFLOW_OPTIONS_MIN,
        max_items=limits.OVERFLOW_OPTIONS_MAX,
        allow_url=True,
    )
    compose.confirm(found, element, pointer)


def check_checkboxes(found: Findings, element: JsonObject, pointer: str) -> None:
    """Checkboxes: 1..10 options (plain text or mrkdwn), initial_options among them."""
    _common(found, element, pointer)
    keys = compose.options(
        found, element, pointer, max_items=limits.CHOICE_OPTIONS, plain_only=False
    )
    compose.initial_options(found, element, pointer, keys)
    compose.confirm(found, element, pointer)


def check_radio_buttons(found: Findings, element: JsonObject, pointer: str) -> None:
    """Radio buttons: 1..10 options (plain text or mrkdwn), initial_option among them."""
    _common(found, element, pointer)
    keys = compose.options(
        found, element, pointer, max_items=limits.CHOICE_OPTIONS, plain_only=False
    )
    compose.initial_option(found, element, pointer, keys, plain_only=False)
    compose.confirm(found, element, pointer)


def _is_iso_date(value: str) -> bool:
    # fromisoformat alone also takes "20240101"; Slack wants the dashed form.
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def check_datepicker(found: Findings, element: JsonObject, pointer: str) -> None:
    """Date picker: optional ``initial_date`` as a real YYYY-MM-DD date."""
    _common(found, element, pointer)
    _placeholder(found, element, pointer)
    initial = string(found, element, "initial_date", pointer, max_len=limits.TEXT_OBJECT)
    if initial is not None and not _is_iso_date(initial):
        found.add(f"{pointer}/initial_date", "must be a date formatted YYYY-MM-DD")
    compose.confirm(found, element, pointer)


def _length_bound(found: Findings, element: JsonObject, key: str, pointer: str) -> int | None:
    value = element.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        found.add(f"{pointer}/{key}", "must be an integer")
        return None
    low = 1 if key == "max_length" else 0
    if not low <= value <= limits.TEXT_INPUT_LENGTH:
        found.add(f"{pointer}/{key}", f"must be between {low} and {limits.TEXT_INPUT_LENGTH}")
    return value


def _dispatch_config(found: Findings, element: JsonObject, pointer: str) -> None:
    config = element.get("dispatch_action_config")
    if config is None:
        return
    here = f"{pointer}/dispatch_action_config"
    if not isinstance(config, dict):
        found.add(here, "must provide an object")
        return
    triggers = array(found, config, "trigger_actions_on", here, max_items=len(TRIGGERS))
    for index, trigger in enumerate(triggers or []):
        if trigger not in TRIGGERS:
            found.add(
                f"{here}/trigger_actions_on/{index}",
                "must be one of: " + ", ".join(sorted(TRIGGERS)),
            )


def check_plain_text_input(found: Findings, element: JsonObject, pointer: str) -> None:
    """Plain text input: min_length 0..3000, max_length 1..3000, min <= max."""
    _common(found, element, pointer)
    _placeholder(found, element, pointer)
    boolean(found, element, "multiline", pointer)
    string(found, element, "initial_value", pointer, max_len=limits.TEXT_INPUT_LENGTH)
    low = _length_bound(found, element, "min_length", pointer)
    high = _length_bound(found, element, "max_length", pointer)
    if low is not None and high is not None and low > high:
        found.add(f"{pointer}/min_length", "must not be greater than max_length")
    _dispatch_config(found, element, pointer)


def _number(
    found: Findings, element: JsonObject, key: str, pointer: str, *, decimal: bool
) -> Decimal | None:
    # Slack's schema wants these as strings, even for whole numbers.
    raw = string(found, element, key, pointer, max_len=limits.TEXT_INPUT_LENGTH)
    if raw is None:
        return None
    try:
        number = Decimal(raw)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        found.add(f"{pointer}/{key}", "must be a number")
        return None
    if not decimal and number != number.to_integral_value():
        found.add(f"{pointer}/{key}", "must be a whole number when is_decimal_allowed is false")
    return number


def check_number_input(found: Findings, element: JsonObject, pointer: str) -> None:
    """Number input: is_decimal_allowed required; min <= initial <= max, as strings."""
    _common(found, element, pointer)
    _placeholder(found, element, pointer)
    if not missing(found, element, "is_decimal_allowed", pointer):
        boolean(found, element, "is_decimal_allowed", pointer)
    decimal = element.get("is_decimal_allowed") is True
    low = _number(found, element, "min_value", pointer, decimal=decimal)
    high = _number(found, element, "max_value", pointer, decimal=decimal)
    initial = _number(found, element, "initial_value", pointer, decimal=decimal)
    if low is not None and high is not None and low > high:
        found.add(f"{pointer}/min_value", "must not be greater than max_value")
    if initial is not None and (
        (low is not None and initial < low) or (high is not None and initial > high)
    ):
        found.add(f"{pointer}/initial_value", "must be between min_value and max_value")
    _dispatch_config(found, element, pointer)


def check_image(found: Findings, element: JsonObject, pointer: str) -> None:
    """Image element (context or accessory): image_url or slack_file, plus alt_text."""
    if element.get("slack_file") is None:
        string(found, element, "image_url", pointer, max_len=limits.IMAGE_URL, required=True)
    string(found, element, "alt_text", pointer, max_len=limits.IMAGE_ALT_TEXT, required=True)


ELEMENT_CHECKS: dict[str, ElementCheck] = {
    "button": check_button,
    "static_select": check_static_select,
    "overflow": check_overflow,
    "checkboxes": check_checkboxes,
    "radio_buttons": check_radio_buttons,
    "datepicker": check_datepicker,
    "plain_text_input": check_plain_text_input,
    "number_input": check_number_input,
    "image": check_image,
}
"""Every element type the sandbox models, with its check."""
