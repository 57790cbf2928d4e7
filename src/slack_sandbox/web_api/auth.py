"""auth.test, auth.revoke and auth.teams.list."""

from __future__ import annotations

import base64
import binascii

from slack_sandbox.errors import SlackError
from slack_sandbox.records import JSON
from slack_sandbox.ui.icons import icon_url
from slack_sandbox.web_api import params as p
from slack_sandbox.web_api.method import Call, Method


def auth_test(call: Call) -> JSON:
    """Who the token is. For an org-wide install, team/team_id name the Grid."""
    install = call.install
    directory = call.state.directory
    if install.team_id is not None:
        team = directory.workspaces[install.team_id]
        name, team_id, domain = team.name, team.id, team.domain
    else:
        grid = directory.grids[install.enterprise_id or ""]
        name, team_id, domain = grid.name, grid.id, grid.domain
    body: JSON = {"ok": True, "url": f"https://{domain}.slack.com/", "team": name,
                  "user": call.state.config.app_name, "team_id": team_id,
                  "user_id": install.bot_user_id, "bot_id": install.bot_id,
                  "is_enterprise_install": install.is_enterprise_install}
    if install.enterprise_id:
        body["enterprise_id"] = install.enterprise_id
    return body


def auth_revoke(call: Call) -> JSON:
    """Revoke the calling token (`test=true` only pretends). The app gets tokens_revoked."""
    if p.flag(call.params, "test"):
        return {"ok": True, "revoked": False}
    call.sandbox.remove_app(call.install, reason="token_revoked", uninstalled=False)
    return {"ok": True, "revoked": True}


def _team_cursor(team_id: str) -> str:
    return base64.b64encode(f"team:{team_id}".encode()).decode()


def auth_teams_list(call: Call) -> JSON:
    """The workspaces the token may act in: every workspace of the Grid for an org-wide
    install (the sandbox approves them all), the one workspace otherwise. Paged like Slack:
    `limit` 1..1000 (default 100), an opaque `cursor`, `include_icon` adds `icon`."""
    install = call.install
    teams = call.state.teams_of(install)
    limit = p.integer(call.params, "limit", 100)
    if not 0 < limit <= 1000:
        raise SlackError("invalid_limit")
    start = 0
    cursor = p.text(call.params, "cursor")
    if cursor:
        try:
            kind, _, team_id = base64.b64decode(cursor, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise SlackError("invalid_cursor") from exc
        if kind != "team" or team_id not in teams:
            raise SlackError("invalid_cursor")
        start = teams.index(team_id)
    out: list[JSON] = []
    for team_id in teams[start:start + limit]:
        team = call.state.directory.workspaces[team_id]
        row: JSON = {"id": team.id, "name": team.name}
        if p.flag(call.params, "include_icon"):
            image = team.icon or icon_url(call.state.config.base_url, team.id)
            row["icon"] = {"image_34": image, "image_44": image, "image_68": image,
                           "image_88": image, "image_102": image, "image_132": image,
                           "image_230": image, "image_default": False}
        out.append(row)
    following = teams[start + limit] if start + limit < len(teams) else None
    return {"ok": True, "teams": out,
            "response_metadata": {"next_cursor": _team_cursor(following) if following else ""}}


METHODS = [
    Method("auth.test", auth_test),
    Method("auth.revoke", auth_revoke),
    Method("auth.teams.list", auth_teams_list),
]
