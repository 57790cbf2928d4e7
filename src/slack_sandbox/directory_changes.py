"""Changing the directory while the sandbox runs, the way people change in Slack: someone
joins a workspace, edits their profile (timezone, e-mail, name) or is deactivated (or
active again). Each change is sent to the app as Slack sends it — `team_join` for a new
member, `user_change` for the rest (deactivation included: `deleted: true`) — through every
active install that reaches one of the person's workspaces, signed like every event.

Inspection routes (documented in the sandbox README):
`POST /_sandbox/users` adds a user; `PATCH /_sandbox/users/{user_id}` edits one.
A refused change (unknown user or workspace, a taken id, a bad timezone or e-mail, an unknown
field) is a 4xx and changes nothing."""

from __future__ import annotations

import re
import secrets
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs
from litestar import Request, patch, post
from litestar.params import FromPath

from slack_sandbox.errors import SlackError
from slack_sandbox.events import envelope
from slack_sandbox.records import JSON
from slack_sandbox.services import Sandbox
from slack_sandbox.user_profiles import user_json
from slack_sandbox.workspaces import DEFAULT_TZ, User

_EDITABLE = {"name", "real_name", "email", "tz", "deleted"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _refuse(message: str, status: int = 400) -> SlackError:
    return SlackError(message, status=status)


def _text(body: dict[str, Any], key: str) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise _refuse(f"{key} must be a non-empty string")
    return value.strip()


def _checked_tz(tz: str) -> str:
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise _refuse(f"unknown timezone {tz}") from None
    return tz


def _checked_email(email: str) -> str:
    if not _EMAIL.match(email):
        raise _refuse(f"not an e-mail address: {email}")
    return email


def _announce(sandbox: Sandbox, user: User, kind: str) -> list[str]:
    """Send `kind` about `user` through every active install reaching one of their
    workspaces; the delivery ids."""
    state = sandbox.state
    sent = []
    for install in list(state.installs.values()):
        if not install.active:
            continue
        team_id = next((t for t in user.workspaces if t in state.teams_of(install)), None)
        if team_id is None:
            continue
        with_email = "users:read.email" in install.scopes
        now = state.now()
        event: JSON = {"type": kind, "user": user_json(state.directory, user, team_id,
                                                       with_email=with_email, now=now)}
        if kind == "user_change":
            event["cache_ts"] = int(now)
        delivery = sandbox.deliverer.send_event(team_id, user.id,
                                                envelope(state, install, team_id, event))
        sent.append(delivery.id)
    return sent


def _sandbox(request: Request[Any, Any, Any]) -> Sandbox:
    sandbox: Sandbox = request.app.state.sandbox
    return sandbox


async def _body(request: Request[Any, Any, Any]) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise _refuse("the body must be a JSON object") from None
    if not isinstance(body, dict):
        raise _refuse("the body must be a JSON object")
    return body


@post("/users")
async def add_user(request: Request[Any, Any, Any]) -> JSON:
    """A new member: {name, email, workspaces: [team ids], [id], [real_name], [tz]}.
    Sends `team_join`. The id defaults to a fresh W… (Grid) or U… id."""
    sandbox = _sandbox(request)
    directory = sandbox.state.directory
    body = await _body(request)
    unknown = set(body) - {"id", "name", "real_name", "email", "tz", "workspaces"}
    if unknown:
        raise _refuse(f"unknown fields: {', '.join(sorted(unknown))}")
    teams = body.get("workspaces")
    if not isinstance(teams, list) or not teams or not all(isinstance(t, str) for t in teams):
        raise _refuse("workspaces must be a non-empty list of team ids")
    missing = [t for t in teams if t not in directory.workspaces]
    if missing:
        raise _refuse(f"unknown workspaces: {', '.join(missing)}")
    grids = {directory.workspaces[t].enterprise_id for t in teams}
    if len(grids) > 1:
        raise _refuse("one user id cannot span several grids or a grid and a standalone "
                      "workspace")
    name, email = _text(body, "name"), _text(body, "email")
    if name is None or email is None:
        raise _refuse("name and email are required")
    prefix = "W" if grids != {None} else "U"
    user_id = _text(body, "id") or f"{prefix}0{secrets.token_hex(4).upper()}"
    if user_id in directory.users:
        raise _refuse(f"user {user_id} exists", status=409)
    user = User(id=user_id, name=name, real_name=_text(body, "real_name") or name,
                email=_checked_email(email), tz=_checked_tz(_text(body, "tz") or DEFAULT_TZ),
                workspaces=tuple(teams))
    directory.put(user)
    sandbox.state.changed()
    return {"ok": True, "user": attrs.asdict(user), "delivery_ids": _announce(sandbox, user,
                                                                               "team_join")}


@patch("/users/{user_id:str}")
async def edit_user(request: Request[Any, Any, Any], user_id: FromPath[str]) -> JSON:
    """Edit a member: any of {name, real_name, email, tz, deleted}. Sends `user_change`
    (`deleted: true` is a deactivation, `false` makes the account active again)."""
    sandbox = _sandbox(request)
    directory = sandbox.state.directory
    user = directory.users.get(user_id)
    if user is None:
        raise _refuse("user_not_found", status=404)
    body = await _body(request)
    unknown = set(body) - _EDITABLE
    if unknown or not body:
        raise _refuse(f"give some of {', '.join(sorted(_EDITABLE))}"
                      + (f"; unknown fields: {', '.join(sorted(unknown))}" if unknown else ""))
    changes: dict[str, Any] = {}
    for key in ("name", "real_name"):
        if key in body:
            changes[key] = _text(body, key)
    if "email" in body:
        changes["email"] = _checked_email(_text(body, "email") or "")
    if "tz" in body:
        changes["tz"] = _checked_tz(_text(body, "tz") or "")
    if "deleted" in body:
        if not isinstance(body["deleted"], bool):
            raise _refuse("deleted must be true or false")
        changes["deleted"] = body["deleted"]
    edited = attrs.evolve(user, **changes)
    directory.put(edited)
    sandbox.state.changed()
    return {"ok": True, "user": attrs.asdict(edited),
            "delivery_ids": _announce(sandbox, edited, "user_change")}


ROUTES = [add_user, edit_user]
