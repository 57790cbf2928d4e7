"""users.info, users.list and users.lookupByEmail."""

from __future__ import annotations

import base64
import binascii

from slack_sandbox.errors import SlackError
from slack_sandbox.records import JSON
from slack_sandbox.user_profiles import bot_user_json, slackbot_json, user_json
from slack_sandbox.web_api import params as p
from slack_sandbox.web_api.method import Call, Method

#: users.list without `limit` tries to return everyone; Slack refuses big teams.
UNPAGED_MAXIMUM = 1000
PAGE_MAXIMUM = 1000


def _with_email(call: Call) -> bool:
    return "users:read.email" in call.install.scopes


def _visible_team(call: Call, user_teams: tuple[str, ...]) -> str | None:
    teams = call.state.teams_of(call.install)
    return next((t for t in user_teams if t in teams), None)


def users_info(call: Call) -> JSON:
    """One user the token can see (`user_not_found` otherwise)."""
    user_id = p.required_text(call.params, "user", error="user_not_found")
    user = call.state.directory.users.get(user_id)
    team_id = _visible_team(call, user.workspaces) if user else None
    if user is None or team_id is None:
        raise SlackError("user_not_found")
    body = user_json(call.state.directory, user, team_id, with_email=_with_email(call),
                     now=call.state.now())
    if p.flag(call.params, "include_locale"):
        body["locale"] = "en-US"
    return {"ok": True, "user": body}


def users_lookup_by_email(call: Call) -> JSON:
    """The user with that email in a workspace the token reaches (deactivated ones too)."""
    email = p.required_text(call.params, "email", error="users_not_found").lower()
    for user in call.state.directory.by_email.get(email, ()):
        team_id = _visible_team(call, user.workspaces)
        if team_id is not None:
            return {"ok": True, "user": user_json(call.state.directory, user, team_id,
                                                  with_email=True, now=call.state.now())}
    raise SlackError("users_not_found")


def _cursor_for(user_id: str) -> str:
    return base64.b64encode(f"user:{user_id}".encode()).decode()


def _position(cursor: str, members: list[str]) -> int:
    try:
        kind, _, user_id = base64.b64decode(cursor, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise SlackError("invalid_cursor") from exc
    if kind != "user" or user_id not in members:
        raise SlackError("invalid_cursor")
    return members.index(user_id)


def users_list(call: Call) -> JSON:
    """A page of the workspace's members (Slackbot and the app's bot user included)."""
    team_id = call.team_for(p.text(call.params, "team_id"))
    state = call.state
    install = call.install
    members = ["USLACKBOT", *state.directory.members[team_id], install.bot_user_id]
    limit = p.integer(call.params, "limit", 0)
    if limit <= 0:
        if len(members) > UNPAGED_MAXIMUM:
            raise SlackError("limit_required")
        limit = len(members)
    limit = min(limit, PAGE_MAXIMUM)
    cursor = p.text(call.params, "cursor")
    start = _position(cursor, members) if cursor else 0
    page = members[start:start + limit]
    with_email = _with_email(call)
    now = state.now()
    out: list[JSON] = []
    for user_id in page:
        if user_id == "USLACKBOT":
            out.append(slackbot_json(team_id))
        elif user_id == install.bot_user_id:
            out.append(bot_user_json(team_id, install.bot_user_id, install.bot_id,
                                     state.config.app_id, state.config.app_name))
        else:
            user = state.directory.users[user_id]
            out.append(user_json(state.directory, user, team_id, with_email=with_email, now=now))
    following = members[start + limit] if start + limit < len(members) else None
    return {"ok": True, "members": out, "cache_ts": int(now),
            "response_metadata": {"next_cursor": _cursor_for(following) if following else ""}}


METHODS = [
    Method("users.info", users_info, scopes=("users:read",)),
    Method("users.list", users_list, scopes=("users:read",)),
    Method("users.lookupByEmail", users_lookup_by_email, scopes=("users:read.email",)),
]
