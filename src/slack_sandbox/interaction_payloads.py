"""Building interaction payloads: who acted, which element, what they chose or typed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from slack_sandbox.errors import SlackError
from slack_sandbox.records import JSON, Install
from slack_sandbox.state import SandboxState

_SELECTS = {"static_select", "overflow", "radio_buttons", "external_select"}


def user_json(state: SandboxState, team_id: str, user_id: str) -> JSON:
    """`user` of an interaction payload."""
    user = state.directory.users[user_id]
    return {"id": user.id, "username": user.name, "name": user.name, "team_id": team_id}


def team_json(state: SandboxState, install: Install, team_id: str) -> JSON | None:
    """`team`: null for an org-wide install (as Slack sends it), else the workspace."""
    if install.is_enterprise_install:
        return None
    workspace = state.directory.workspaces[team_id]
    body: JSON = {"id": workspace.id, "domain": workspace.domain}
    if workspace.enterprise_id:
        grid = state.directory.grids[workspace.enterprise_id]
        body.update(enterprise_id=grid.id, enterprise_name=grid.name)
    return body


def enterprise_json(state: SandboxState, install: Install, team_id: str) -> JSON | None:
    """`enterprise`: the Grid, or null for a standalone workspace."""
    grid = state.directory.grid_of(team_id)
    return {"id": grid.id, "name": grid.name} if grid else None


def common(state: SandboxState, install: Install, team_id: str, user_id: str) -> JSON:
    """Fields every interaction payload carries."""
    return {"team": team_json(state, install, team_id), "user": user_json(state, team_id, user_id),
            "api_app_id": state.config.app_id, "token": state.config.verification_token,
            "enterprise": enterprise_json(state, install, team_id),
            "is_enterprise_install": install.is_enterprise_install}


def _elements(block: JSON) -> Iterator[JSON]:
    for key in ("accessory", "element"):
        if isinstance(block.get(key), dict):
            yield block[key]
    for element in block.get("elements") or ():
        if isinstance(element, dict):
            yield element


def find_element(blocks: list[JSON], action_id: str, block_id: str | None) -> tuple[JSON, str]:
    """The interactive element with `action_id` (in `block_id` when given) and its block id."""
    for block in blocks:
        if block_id is not None and block.get("block_id") != block_id:
            continue
        for element in _elements(block):
            if element.get("action_id") == action_id:
                return element, str(block.get("block_id"))
    raise SlackError("element_not_found", status=404)


def _options(element: JSON) -> list[JSON]:
    options = list(element.get("options") or ())
    for group in element.get("option_groups") or ():
        options.extend(group.get("options") or ())
    return options


def _option(element: JSON, value: Any) -> JSON:
    for option in _options(element):
        if option.get("value") == value:
            return {"text": option.get("text"), "value": option.get("value")}
    raise SlackError("option_not_found", status=400)


def action_json(element: JSON, block_id: str, value: Any, now: float) -> JSON:
    """One entry of `actions`: the element's identity plus what was chosen."""
    kind = element.get("type")
    action: JSON = {"action_id": element.get("action_id"), "block_id": block_id, "type": kind,
                    "action_ts": f"{now:.6f}"}
    if kind == "button":
        action["text"] = element.get("text")
        if "value" in element:
            action["value"] = element["value"]
        if "style" in element:
            action["style"] = element["style"]
    elif kind in _SELECTS:
        action["selected_option"] = _option(element, value)
    elif kind == "checkboxes":
        values = value if isinstance(value, list) else [value] if value else []
        action["selected_options"] = [_option(element, v) for v in values]
    elif kind == "datepicker":
        action["selected_date"] = value
    else:
        action["value"] = value
    return action


_STATEFUL = {"static_select", "external_select", "users_select", "conversations_select",
             "channels_select", "radio_buttons", "checkboxes", "datepicker", "timepicker"}


def _entry(element: JSON, action: JSON | None) -> JSON:
    """A stateful element's `state.values` entry: what `action` chose, else its initial."""
    kind = element.get("type")
    if kind == "checkboxes":
        initial = [{"text": o.get("text"), "value": o.get("value")}
                   for o in element.get("initial_options") or ()]
        chosen = action.get("selected_options") if action else initial
        return {"type": kind, "selected_options": chosen or []}
    if kind == "datepicker":
        return {"type": kind, "selected_date": action.get("selected_date") if action
                else element.get("initial_date")}
    if kind == "timepicker":
        return {"type": kind, "selected_time": action.get("selected_time") if action
                else element.get("initial_time")}
    first = element.get("initial_option")
    option = {"text": first.get("text"), "value": first.get("value")} if first else None
    return {"type": kind, "selected_option": action.get("selected_option") if action
            else option}


def live_values(blocks: list[JSON], chosen: JSON) -> JSON:
    """Slack's `state.values` for the stateful elements outside input blocks (selects,
    checkboxes, radio buttons... in actions blocks and accessories): what the user picked
    there (`chosen`: block id -> action id -> action), else the element's initial value."""
    out: JSON = {}
    for block in blocks:
        if block.get("type") == "input":
            continue
        for element in _elements(block):
            if element.get("type") not in _STATEFUL:
                continue
            block_id, action_id = str(block.get("block_id")), str(element.get("action_id"))
            picked = chosen.get(block_id, {}).get(action_id)
            out.setdefault(block_id, {})[action_id] = _entry(element, picked)
    return out


def remember(chosen: JSON, element: JSON, block_id: str, action: JSON) -> None:
    """Keep what the user picked in a stateful element, for the next payloads' state."""
    if element.get("type") in _STATEFUL:
        chosen.setdefault(block_id, {})[str(element.get("action_id"))] = action


def input_value(element: JSON, raw: Any) -> JSON:
    """The `view.state.values` entry for one input element and the raw value typed/chosen."""
    kind = element.get("type")
    if kind in {"static_select", "radio_buttons", "external_select"}:
        chosen = _option(element, raw) if raw not in (None, "") else None
        return {"type": kind, "selected_option": chosen}
    if kind == "checkboxes":
        values = raw if isinstance(raw, list) else [raw] if raw not in (None, "") else []
        return {"type": kind, "selected_options": [_option(element, v) for v in values]}
    if kind == "datepicker":
        return {"type": kind, "selected_date": raw or None}
    text = None if raw in (None, "") else str(raw)
    return {"type": kind, "value": text}


def is_empty(entry: JSON) -> bool:
    """True when an input was left blank."""
    return not (entry.get("value") or entry.get("selected_option")
                or entry.get("selected_options") or entry.get("selected_date"))


def client_check(block: JSON, element: JSON, entry: JSON) -> str | None:
    """What Slack's client says before sending anything (required, lengths, numbers)."""
    if is_empty(entry):
        return None if block.get("optional") else "Please complete this required field."
    value = entry.get("value")
    if element.get("type") == "plain_text_input" and isinstance(value, str):
        if len(value) < int(element.get("min_length", 0)):
            return f"Please enter at least {element['min_length']} characters."
        if "max_length" in element and len(value) > int(element["max_length"]):
            return f"Please use {element['max_length']} characters or fewer."
    if element.get("type") == "number_input" and isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return "Please enter a number."
        if not element.get("is_decimal_allowed") and not number.is_integer():
            return "Please enter a whole number."
        if "min_value" in element and number < float(element["min_value"]):
            return f"Please enter a number of at least {element['min_value']}."
        if "max_value" in element and number > float(element["max_value"]):
            return f"Please enter a number of at most {element['max_value']}."
    return None
