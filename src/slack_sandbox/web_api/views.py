"""views.open, views.push, views.update and views.publish."""

from __future__ import annotations

from slack_sandbox import modals
from slack_sandbox.errors import SlackError
from slack_sandbox.records import JSON, View
from slack_sandbox.web_api import params as p
from slack_sandbox.web_api.method import Call, Method


def _definition(call: Call) -> object:
    return p.structured(call.params, "view", "invalid_arguments")


def views_open(call: Call) -> JSON:
    """Open a modal with a fresh trigger_id from an interaction."""
    definition = modals.checked_view(_definition(call), "modal")
    trigger = modals.use_trigger(call.state, call.install, p.text(call.params, "trigger_id"))
    view = modals.open_modal(call.state, call.install, trigger.team_id, trigger.user_id,
                             definition)
    return {"ok": True, "view": modals.view_json(call.state, view)}


def views_push(call: Call) -> JSON:
    """Push a modal onto the stack of the user whose interaction made the trigger."""
    definition = modals.checked_view(_definition(call), "modal")
    trigger = modals.use_trigger(call.state, call.install, p.text(call.params, "trigger_id"))
    view = modals.push_modal(call.state, call.install, trigger.team_id, trigger.user_id,
                             definition)
    return {"ok": True, "view": modals.view_json(call.state, view)}


def _target(call: Call) -> View:
    view_id = p.text(call.params, "view_id")
    external_id = p.text(call.params, "external_id")
    if view_id is None and external_id is None:
        raise SlackError("invalid_arguments")
    for view in call.state.views.values():
        if view.install_id != call.install.id:
            continue
        if (view_id and view.id == view_id) or (external_id and view.external_id == external_id):
            return view
    raise SlackError("not_found")


def views_update(call: Call) -> JSON:
    """Replace an open modal or a Home tab, by view_id or external_id (optional hash check)."""
    view = _target(call)
    expected = p.text(call.params, "hash")
    if expected and expected != view.hash:
        raise SlackError("hash_conflict")
    definition = modals.checked_view(_definition(call), view.kind)
    modals.replace(call.state, view, definition)
    return {"ok": True, "view": modals.view_json(call.state, view)}


def views_publish(call: Call) -> JSON:
    """Publish a user's Home tab (`invalid_arguments` for a user the token cannot see)."""
    user_id = p.required_text(call.params, "user_id")
    definition = modals.checked_view(_definition(call), "home")
    teams = call.state.teams_of(call.install)
    user = call.state.directory.user_in(user_id, teams)
    if user is None:
        raise SlackError("invalid_arguments")
    team_id = next(t for t in user.workspaces if t in teams)
    view = modals.publish_home(call.state, call.install, team_id, user_id, definition,
                               p.text(call.params, "hash"))
    return {"ok": True, "view": modals.view_json(call.state, view)}


METHODS = [
    Method("views.open", views_open),
    Method("views.push", views_push),
    Method("views.update", views_update),
    Method("views.publish", views_publish),
]
