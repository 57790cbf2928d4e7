"""What a user does in the sandbox's Slack: click, submit, close, open Home, remove the app.

The browser UI and the inspection API both come here, so a test without a browser sends the
very payloads a click in Chromium would. Each flow answers a small JSON summary.
"""

from __future__ import annotations

from typing import Any

import msgspec

from slack_sandbox import events, modals
from slack_sandbox import interaction_payloads as ip
from slack_sandbox.errors import SlackError
from slack_sandbox.records import JSON, Install, Message, ResponseUrl, Trigger, View
from slack_sandbox.services import Sandbox

TROUBLE = "We had some trouble connecting. Try again?"


def _issue_trigger(sandbox: Sandbox, install: Install, team_id: str, user_id: str,
                   view_id: str | None = None) -> Trigger:
    state = sandbox.state
    trigger = Trigger(id=state.new_trigger_id(), install_id=install.id, team_id=team_id,
                      user_id=user_id, created_at=state.now(), view_id=view_id)
    state.triggers[trigger.id] = trigger
    return trigger


def _active(sandbox: Sandbox, install_id: str) -> Install:
    install = sandbox.state.installs.get(install_id)
    if install is None or not install.active:
        raise SlackError("app_not_installed", status=409)
    return install


def _find_message(sandbox: Sandbox, user_id: str, channel: str, ts: str) -> Message:
    dm = sandbox.state.channels.get(channel)
    if dm is None or dm.user_id != user_id:
        raise SlackError("channel_not_found", status=404)
    message = dm.messages.get(ts) or next((m for m in dm.ephemerals if m.ts == ts), None)
    if message is None or message.deleted:
        raise SlackError("message_not_found", status=404)
    return message


async def click(sandbox: Sandbox, *, team_id: str, user_id: str, action_id: str,
                block_id: str | None = None, channel: str | None = None, ts: str | None = None,
                view_id: str | None = None, value: Any = None) -> JSON:
    """Send `block_actions` for the element `action_id` in a message or an open view."""
    state = sandbox.state
    payload: JSON
    if view_id is not None:
        view = state.views.get(view_id)
        if view is None or view.user_id != user_id:
            raise SlackError("view_not_found", status=404)
        install = _active(sandbox, view.install_id)
        blocks = view.definition.get("blocks", [])
        element, found_block = ip.find_element(blocks, action_id, block_id)
        trigger = _issue_trigger(sandbox, install, view.team_id, user_id, view.id)
        action = ip.action_json(element, found_block, value, state.now())
        ip.remember(view.picked, element, found_block, action)
        view_body = modals.view_json(state, view)
        view_body["state"] = {"values": {**ip.live_values(blocks, view.picked),
                                         **view.state_values}}
        payload = {"type": "block_actions", **ip.common(state, install, view.team_id, user_id),
                   "container": {"type": "view", "view_id": view.id},
                   "trigger_id": trigger.id, "view": view_body, "actions": [action]}
        team_id = view.team_id
    else:
        if channel is None or ts is None:
            raise SlackError("invalid_arguments", status=400)
        message = _find_message(sandbox, user_id, channel, ts)
        install = _active(sandbox, message.install_id)
        element, found_block = ip.find_element(message.blocks, action_id, block_id)
        trigger = _issue_trigger(sandbox, install, team_id, user_id)
        hook = ResponseUrl(id=state.new_id("H", 16), install_id=install.id, team_id=team_id,
                           user_id=user_id, channel=channel, message_ts=ts,
                           created_at=state.now())
        state.response_urls[hook.id] = hook
        ephemeral = message.visible_to is not None
        action = ip.action_json(element, found_block, value, state.now())
        ip.remember(message.picked, element, found_block, action)
        payload = {"type": "block_actions", **ip.common(state, install, team_id, user_id),
                   "container": {"type": "message", "message_ts": ts, "channel_id": channel,
                                 "is_ephemeral": ephemeral},
                   "trigger_id": trigger.id,
                   "channel": {"id": channel, "name": "directmessage"},
                   "message": message.as_slack(state.config.app_id),
                   "state": {"values": ip.live_values(message.blocks, message.picked)},
                   "response_url": f"{state.config.base_url}/hooks/actions/{team_id}/{hook.id}",
                   "actions": [action]}
    delivery, response = await sandbox.deliverer.send_interaction(payload, team_id, user_id)
    return {"ok": delivery.outcome == "delivered", "delivery_id": delivery.id,
            "trigger_id": trigger.id, "status": response.status_code if response else None,
            "error": None if response is not None else TROUBLE}


def _top_view(sandbox: Sandbox, team_id: str, user_id: str, view_id: str | None) -> View:
    stack = sandbox.state.modal_stack(team_id, user_id)
    if not stack or (view_id is not None and stack[-1] != view_id):
        raise SlackError("view_not_found", status=404)
    return sandbox.state.views[stack[-1]]


def _state_values(view: View, values: dict[str, Any]) -> tuple[JSON, dict[str, str]]:
    """Slack's `state.values` from raw values keyed by block id (or block id → action id)."""
    out: JSON = {}
    problems: dict[str, str] = {}
    for block in view.definition.get("blocks", []):
        if block.get("type") != "input" or not isinstance(block.get("element"), dict):
            continue
        element = block["element"]
        block_id, action_id = str(block["block_id"]), str(element.get("action_id"))
        raw = values.get(block_id)
        if isinstance(raw, dict):
            raw = raw.get(action_id)
        entry = ip.input_value(element, raw)
        out[block_id] = {action_id: entry}
        problem = ip.client_check(block, element, entry)
        if problem is not None:
            problems[block_id] = problem
    return out, problems


async def submit(sandbox: Sandbox, *, team_id: str, user_id: str, values: dict[str, Any],
                 view_id: str | None = None) -> JSON:
    """Submit the top modal: client-side checks, `view_submission`, then the app's answer."""
    state = sandbox.state
    view = _top_view(sandbox, team_id, user_id, view_id)
    install = _active(sandbox, view.install_id)
    view.state_values, problems = _state_values(view, values)
    if problems:
        view.errors = problems
        state.changed()
        return {"ok": False, "delivered": False, "errors": problems}
    trigger = _issue_trigger(sandbox, install, team_id, user_id, view.id)
    payload = {"type": "view_submission", **ip.common(state, install, team_id, user_id),
               "trigger_id": trigger.id, "view": modals.view_json(state, view),
               "response_urls": []}
    delivery, response = await sandbox.deliverer.send_interaction(payload, team_id, user_id)
    result: JSON = {"ok": False, "delivered": response is not None, "delivery_id": delivery.id}
    if response is None:
        return {**result, "error": TROUBLE}
    return {**result, **_apply_answer(sandbox, install, view, response.content)}


def _apply_answer(sandbox: Sandbox, install: Install, view: View, body: bytes) -> JSON:
    """Carry out the app's `response_action` (an empty body closes the view)."""
    state = sandbox.state
    if not body.strip():
        modals.close_top(state, view.team_id, view.user_id)
        return {"ok": True, "response_action": None}
    try:
        answer = msgspec.json.decode(body)
    except msgspec.DecodeError:
        return {"error": TROUBLE, "reason": "the reply is not JSON"}
    action = answer.get("response_action") if isinstance(answer, dict) else None
    try:
        if action == "errors" and isinstance(answer.get("errors"), dict):
            view.errors = {str(k): str(v) for k, v in answer["errors"].items()}
            state.changed()
        elif action == "update":
            modals.replace(state, view, modals.checked_view(answer.get("view"), "modal"))
        elif action == "push":
            modals.push_modal(state, install, view.team_id, view.user_id,
                              modals.checked_view(answer.get("view"), "modal"))
        elif action == "clear":
            modals.close_all(state, view.team_id, view.user_id)
        else:
            return {"error": TROUBLE, "reason": f"unknown response_action {action!r}"}
    except SlackError as exc:
        return {"error": TROUBLE, "reason": exc.error, "details": exc.extra}
    return {"ok": True, "response_action": action, "errors": view.errors}


async def close_view(sandbox: Sandbox, *, team_id: str, user_id: str) -> JSON:
    """The user closes the top modal; `view_closed` goes out only with notify_on_close."""
    view = _top_view(sandbox, team_id, user_id, None)
    install = _active(sandbox, view.install_id)
    delivery_id = None
    if view.definition.get("notify_on_close"):
        payload = {"type": "view_closed", **ip.common(sandbox.state, install, team_id, user_id),
                   "view": modals.view_json(sandbox.state, view), "is_cleared": False}
        delivery, _ = await sandbox.deliverer.send_interaction(payload, team_id, user_id)
        delivery_id = delivery.id
    modals.close_top(sandbox.state, team_id, user_id)
    return {"ok": True, "delivery_id": delivery_id}


def open_tab(sandbox: Sandbox, *, team_id: str, user_id: str, tab: str) -> JSON:
    """The user opens the app's Home or Messages tab: `app_home_opened` goes out."""
    install = sandbox.state.install_for_team(team_id)
    if install is None:
        raise SlackError("app_not_installed", status=409)
    envelope = events.app_home_opened(sandbox.state, install, team_id, user_id, tab)
    delivery = sandbox.deliverer.send_event(team_id, user_id, envelope)
    return {"ok": True, "delivery_id": delivery.id}


def remove_app(sandbox: Sandbox, *, team_id: str | None = None,
               enterprise_id: str | None = None) -> JSON:
    """"Remove app" from a workspace's (or an org-wide install's) settings."""
    for install in sandbox.state.installs.values():
        if install.active and install.team_id == team_id and (
                enterprise_id is None or install.enterprise_id == enterprise_id):
            sent = sandbox.remove_app(install, reason="account_inactive", uninstalled=True)
            return {"ok": True, "delivery_ids": [d.id for d in sent]}
    raise SlackError("app_not_installed", status=409)
