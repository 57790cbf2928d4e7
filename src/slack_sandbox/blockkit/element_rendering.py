"""Block elements as HTML controls the sandbox UI's script can read.

Interactive elements (in an actions block or a section accessory) carry, on their root,
``class="sb-action"`` plus ``data-action-id``, ``data-block-id``, ``data-type`` (and
``data-value`` on buttons). Overflow menus put those on each option button instead,
since the option is what gets clicked. Every option (``<option>``, radio, checkbox,
overflow item) carries ``data-value``, ``data-text`` and ``data-option`` (the option
object as JSON, which Slack echoes back as ``selected_option``).

Inside an input block the same elements render as plain form controls (``sb-control``);
the enclosing ``sb-input`` wrapper carries the ids (see ``modal_rendering``).
"""

from __future__ import annotations

import json
from collections.abc import Callable

import attrs

from slack_sandbox.blockkit.markup import attributes, esc, safe_url
from slack_sandbox.blockkit.render_context import (
    JsonObject,
    Viewer,
    items,
    obj,
    raw_text,
    render_text,
    text,
    unsupported,
)


@attrs.frozen
class Slot:
    """Where an element sits, and whether it acts at once (``interactive``) or on submit."""

    block_id: str
    action_id: str
    interactive: bool
    required: bool = False

    @property
    def name(self) -> str:
        """A form-control name unique to this element (groups radio buttons)."""
        return f"{self.block_id}/{self.action_id}"


Renderer = Callable[[JsonObject, Slot, Viewer], str]


def _ids(slot: Slot, kind: str, **extra: str | None) -> str:
    return attributes(
        {"data-action-id": slot.action_id, "data-block-id": slot.block_id, "data-type": kind}
        | extra
    )


def _root(slot: Slot, kind: str, css: str, **extra: str | None) -> str:
    """Class and data attributes for an element's root node."""
    if slot.interactive:
        return f' class="sb-action {css}"' + _ids(slot, kind, **extra)
    # Native validation gives Slack's "this field is required" for single controls.
    required = {"required": "required"} if slot.required else {}
    return f' class="sb-control {css}"' + attributes({"name": slot.name} | extra | required)


def _confirm(element: JsonObject) -> str | None:
    dialog = element.get("confirm")
    return json.dumps(dialog) if isinstance(dialog, dict) else None


def _option_attrs(option: JsonObject) -> dict[str, str | None]:
    return {
        "data-value": text(option.get("value")),
        "data-text": raw_text(option.get("text")),
        "data-option": json.dumps(option),
    }


def _placeholder(element: JsonObject) -> str | None:
    return raw_text(element.get("placeholder")) or None


def button(element: JsonObject, slot: Slot, viewer: Viewer) -> str:
    """A button; ``style`` becomes ``sb-button-primary`` / ``sb-button-danger``."""
    style = element.get("style")
    css = "sb-button" + (f" sb-button-{style}" if style in ("primary", "danger") else "")
    root = _root(
        slot,
        "button",
        css,
        **{
            "data-value": text(element.get("value")),
            "data-url": safe_url(element.get("url")),
            "data-confirm": _confirm(element),
        },
    )
    return f'<button type="button"{root}>{esc(raw_text(element.get("text")))}</button>'


def _select_option(option: JsonObject, initial: object) -> str:
    chosen = initial is not None and option.get("value") == obj(initial).get("value")
    selected = " selected" if chosen else ""
    attrs_ = attributes({"value": text(option.get("value")) or ""} | _option_attrs(option))
    return f"<option{attrs_}{selected}>{esc(raw_text(option.get('text')))}</option>"


def static_select(element: JsonObject, slot: Slot, viewer: Viewer) -> str:
    """A ``<select>``; option groups become ``<optgroup>``."""
    initial = element.get("initial_option")
    prompt = esc(_placeholder(element) or "Select an item")
    chosen = "" if initial else " selected"
    parts = [f'<option value="" disabled{chosen}>{prompt}</option>']
    parts += [_select_option(obj(option), initial) for option in items(element.get("options"))]
    for group in map(obj, items(element.get("option_groups"))):
        inner = "".join(_select_option(obj(o), initial) for o in items(group.get("options")))
        label = attributes({"label": raw_text(group.get("label"))})
        parts.append(f"<optgroup{label}>{inner}</optgroup>")
    root = _root(slot, "static_select", "sb-select", **{"data-confirm": _confirm(element)})
    return f"<select{root}>{''.join(parts)}</select>"


def _choices(
    element: JsonObject, slot: Slot, viewer: Viewer, *, kind: str, chosen: list[object]
) -> str:
    input_type = "radio" if kind == "radio_buttons" else "checkbox"
    values = {obj(option).get("value") for option in chosen}
    rows: list[str] = []
    for option in map(obj, items(element.get("options"))):
        checked = " checked" if option.get("value") in values else ""
        control = attributes(
            {"type": input_type, "name": slot.name, "value": text(option.get("value")) or ""}
            | _option_attrs(option)
        )
        description = option.get("description")
        hint = (
            f'<span class="sb-choice-description">{render_text(description, viewer)}</span>'
            if description
            else ""
        )
        rows.append(
            f'<label class="sb-choice"><input{control}{checked}>'
            f'<span class="sb-choice-text">{render_text(option.get("text"), viewer)}</span>'
            f"{hint}</label>"
        )
    css = "sb-radio-group" if input_type == "radio" else "sb-checkbox-group"
    if slot.interactive:
        root = f' class="sb-action {css}"' + _ids(slot, kind, **{"data-confirm": _confirm(element)})
    else:
        root = f' class="{css}"'
    role = ' role="radiogroup"' if input_type == "radio" else ' role="group"'
    return f"<div{root}{role}>{''.join(rows)}</div>"


def radio_buttons(element: JsonObject, slot: Slot, viewer: Viewer) -> str:
    """Radio buttons sharing one ``name``; ``initial_option`` is checked."""
    initial = element.get("initial_option")
    chosen = [initial] if initial else []
    return _choices(element, slot, viewer, kind="radio_buttons", chosen=chosen)


def checkboxes(element: JsonObject, slot: Slot, viewer: Viewer) -> str:
    """Checkboxes; every ``initial_options`` entry is checked."""
    chosen = items(element.get("initial_options"))
    return _choices(element, slot, viewer, kind="checkboxes", chosen=chosen)


def overflow(element: JsonObject, slot: Slot, viewer: Viewer) -> str:
    """A ``<details>`` menu whose option buttons are the clickable ``sb-action`` nodes."""
    menu: list[str] = []
    for option in map(obj, items(element.get("options"))):
        extra = _option_attrs(option) | {
            "data-url": safe_url(option.get("url")),
            "data-confirm": _confirm(element),
        }
        menu.append(
            f'<button type="button" class="sb-action sb-overflow-option"'
            f"{_ids(slot, 'overflow', **extra)}>{esc(raw_text(option.get('text')))}</button>"
        )
    return (
        f'<details class="sb-overflow"{_ids(slot, "overflow")}>'
        '<summary class="sb-overflow-toggle" aria-label="More actions">&#8943;</summary>'
        f'<div class="sb-overflow-menu">{"".join(menu)}</div></details>'
    )


def datepicker(element: JsonObject, slot: Slot, viewer: Viewer) -> str:
    """A native date input; its value is Slack's ``selected_date`` (YYYY-MM-DD)."""
    root = _root(
        slot,
        "datepicker",
        "sb-datepicker",
        value=text(element.get("initial_date")),
        placeholder=_placeholder(element),
        **{"data-confirm": _confirm(element)},
    )
    return f'<input type="date"{root}>'


def _bound(element: JsonObject, key: str) -> str | None:
    value = element.get(key)
    return str(value) if isinstance(value, int | str) and not isinstance(value, bool) else None


def plain_text_input(element: JsonObject, slot: Slot, viewer: Viewer) -> str:
    """A text ``<input>``, or a ``<textarea>`` when ``multiline``."""
    limits = {
        "placeholder": _placeholder(element),
        "minlength": _bound(element, "min_length"),
        "maxlength": _bound(element, "max_length"),
    }
    initial = text(element.get("initial_value")) or ""
    if element.get("multiline") is True:
        root = _root(slot, "plain_text_input", "sb-textarea", rows="4", **limits)
        return f"<textarea{root}>{esc(initial)}</textarea>"
    root = _root(slot, "plain_text_input", "sb-text-input", value=initial or None, **limits)
    return f'<input type="text"{root}>'


def number_input(element: JsonObject, slot: Slot, viewer: Viewer) -> str:
    """A number ``<input>``; whole numbers only unless ``is_decimal_allowed``."""
    root = _root(
        slot,
        "number_input",
        "sb-number-input",
        step="any" if element.get("is_decimal_allowed") is True else "1",
        min=_bound(element, "min_value"),
        max=_bound(element, "max_value"),
        value=_bound(element, "initial_value"),
        placeholder=_placeholder(element),
    )
    return f'<input type="number"{root}>'


def image(element: JsonObject, slot: Slot, viewer: Viewer) -> str:
    """An image element (context or accessory); unsafe URLs are dropped."""
    src = attributes(
        {"src": safe_url(element.get("image_url")), "alt": text(element.get("alt_text")) or ""}
    )
    return f'<img class="sb-image-element"{src}>'


RENDERERS: dict[str, Renderer] = {
    "button": button,
    "static_select": static_select,
    "radio_buttons": radio_buttons,
    "checkboxes": checkboxes,
    "overflow": overflow,
    "datepicker": datepicker,
    "plain_text_input": plain_text_input,
    "number_input": number_input,
    "image": image,
}


def render_element(element: object, slot: Slot, viewer: Viewer) -> str:
    """Any element as HTML; types the sandbox does not draw become a placeholder."""
    body = obj(element)
    renderer = RENDERERS.get(str(body.get("type")))
    if renderer is None:
        return unsupported(body.get("type"), "element")
    return renderer(body, slot, viewer)
