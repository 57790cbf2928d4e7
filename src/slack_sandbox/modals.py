"""Views: modal stacks (up to 3 deep) and Home tabs, shared by views.* and interactions."""

from __future__ import annotations

import secrets
from typing import Any, Literal

from slack_sandbox.blockkit import BlockKitError, check_view
from slack_sandbox.dms import name_blocks
from slack_sandbox.errors import SlackError
from slack_sandbox.records import JSON, Install, Trigger, View
from slack_sandbox.state import SandboxState
from slack_sandbox.web_api.params import blockkit_error

MAX_STACK = 3


def checked_view(definition: Any, kind: Literal["modal", "home"]) -> JSON:
    """Validate a view payload like Slack and name its blocks."""
    if not isinstance(definition, dict):
        raise SlackError("invalid_arguments")
    if definition.get("type") != kind:
        raise SlackError("invalid_arguments", response_metadata={
            "messages": [f"[ERROR] must be '{kind}' [json-pointer:/view/type]"]})
    try:
        check_view(definition, kind=kind)
    except BlockKitError as exc:
        raise blockkit_error(exc) from exc
    named = dict(definition)
    named["blocks"] = name_blocks(list(definition.get("blocks") or []))
    return named


def _new_hash(state: SandboxState) -> str:
    return f"{int(state.now())}.{secrets.token_hex(4)}"


def _check_external_id(state: SandboxState, install: Install, definition: JSON,
                       replacing: View | None = None) -> str | None:
    external_id = definition.get("external_id") or None
    if external_id is not None:
        for view in state.views.values():
            if view.install_id == install.id and view.external_id == external_id \
                    and view is not replacing:
                raise SlackError("duplicate_external_id")
    return external_id


def use_trigger(state: SandboxState, install: Install, trigger_id: str | None) -> Trigger:
    """Exchange a trigger once, within its lifetime, for the install it was issued to."""
    if not trigger_id:
        raise SlackError("invalid_arguments")
    trigger = state.triggers.get(trigger_id)
    if trigger is None or trigger.install_id != install.id:
        raise SlackError("invalid_trigger_id")
    if trigger.used:
        raise SlackError("exchanged_trigger_id")
    if state.now() - trigger.created_at > state.tunables.scaled(state.tunables.trigger_ttl_seconds):
        raise SlackError("expired_trigger_id")
    trigger.used = True
    return trigger


def new_view(state: SandboxState, install: Install, team_id: str, user_id: str,
             kind: Literal["modal", "home"], definition: JSON,
             previous: View | None = None) -> View:
    """Store a view (the caller has validated `definition`)."""
    view_id = state.new_id("V")
    view = View(id=view_id, install_id=install.id, team_id=team_id, user_id=user_id,
                kind=kind, definition=definition, hash=_new_hash(state),
                root_view_id=previous.root_view_id if previous else view_id,
                previous_view_id=previous.id if previous else None,
                external_id=_check_external_id(state, install, definition))
    state.views[view_id] = view
    state.changed()
    return view


def open_modal(state: SandboxState, install: Install, team_id: str, user_id: str,
               definition: JSON) -> View:
    """A new modal stack for the user (an open one is replaced, as a new trigger does)."""
    close_all(state, team_id, user_id)
    view = new_view(state, install, team_id, user_id, "modal", definition)
    state.modal_stack(team_id, user_id).append(view.id)
    return view


def push_modal(state: SandboxState, install: Install, team_id: str, user_id: str,
               definition: JSON) -> View:
    """Push onto the user's stack (`push_limit_reached` past 3 views)."""
    stack = state.modal_stack(team_id, user_id)
    if len(stack) >= MAX_STACK:
        raise SlackError("push_limit_reached")
    previous = state.views[stack[-1]] if stack else None
    view = new_view(state, install, team_id, user_id, "modal", definition, previous)
    stack.append(view.id)
    return view


def replace(state: SandboxState, view: View, definition: JSON) -> View:
    """Swap a view's content in place: same id, new hash, errors and inputs cleared."""
    view.external_id = _check_external_id(state, _install_of(state, view), definition, view)
    view.definition = definition
    view.hash = _new_hash(state)
    view.errors = {}
    view.state_values = {}
    view.picked = {}
    state.changed()
    return view


def _install_of(state: SandboxState, view: View) -> Install:
    return state.installs[view.install_id]


def close_top(state: SandboxState, team_id: str, user_id: str) -> View | None:
    """Close the topmost modal; the one below (if any) shows again."""
    stack = state.modal_stack(team_id, user_id)
    if not stack:
        return None
    view = state.views.pop(stack.pop())
    state.changed()
    return view


def close_all(state: SandboxState, team_id: str, user_id: str) -> None:
    """Close the user's whole modal stack."""
    stack = state.modal_stack(team_id, user_id)
    while stack:
        state.views.pop(stack.pop(), None)
    state.changed()


def publish_home(state: SandboxState, install: Install, team_id: str, user_id: str,
                 definition: JSON, expected_hash: str | None) -> View:
    """Create or replace the user's Home tab for this install."""
    key = (install.id, user_id)
    existing = state.views.get(state.homes.get(key, ""))
    if existing is not None:
        if expected_hash and expected_hash != existing.hash:
            raise SlackError("hash_conflict")
        return replace(state, existing, definition)
    view = new_view(state, install, team_id, user_id, "home", definition)
    state.homes[key] = view.id
    return view


def view_json(state: SandboxState, view: View) -> JSON:
    """The view object Slack returns from views.* and puts in interaction payloads."""
    d = view.definition
    install = state.installs.get(view.install_id)
    return {
        "id": view.id, "team_id": view.team_id, "type": view.kind,
        "blocks": d.get("blocks", []), "private_metadata": d.get("private_metadata", ""),
        "callback_id": d.get("callback_id", ""), "state": {"values": view.state_values},
        "hash": view.hash, "title": d.get("title"), "clear_on_close": bool(
            d.get("clear_on_close", False)),
        "notify_on_close": bool(d.get("notify_on_close", False)), "close": d.get("close"),
        "submit": d.get("submit"), "previous_view_id": view.previous_view_id,
        "root_view_id": view.root_view_id, "app_id": state.config.app_id,
        "external_id": view.external_id or "",
        "app_installed_team_id": (install.team_id or install.enterprise_id) if install else None,
        "bot_id": install.bot_id if install else None,
    }
