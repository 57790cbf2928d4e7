"""auth.test and auth.revoke."""

from __future__ import annotations

from slack_sandbox.records import JSON
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


METHODS = [
    Method("auth.test", auth_test),
    Method("auth.revoke", auth_revoke),
]
