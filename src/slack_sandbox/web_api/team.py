"""team.info."""

from __future__ import annotations

from slack_sandbox.errors import SlackError
from slack_sandbox.records import JSON
from slack_sandbox.ui.icons import icon_url
from slack_sandbox.web_api import params as p
from slack_sandbox.web_api.method import Call, Method

_ICON_SIZES = (34, 44, 68, 88, 102, 132, 230)


def team_info(call: Call) -> JSON:
    """The caller's workspace, or `team` if the token reaches it (org-wide tokens must say)."""
    wanted = p.text(call.params, "team")
    teams = call.state.teams_of(call.install)
    if wanted is None:
        team_id = call.team_for(None)
    elif wanted in teams:
        team_id = wanted
    else:
        raise SlackError("team_not_found")
    directory = call.state.directory
    team = directory.workspaces[team_id]
    grid = directory.grid_of(team_id)
    image = team.icon or icon_url(call.state.config.base_url, team.id)
    icon: JSON = {f"image_{size}": image for size in _ICON_SIZES}
    icon["image_default"] = False
    body: JSON = {"id": team.id, "name": team.name, "url": f"https://{team.domain}.slack.com/",
                  "domain": team.domain, "email_domain": "", "icon": icon,
                  "avatar_base_url": "https://ca.slack-edge.com/", "is_verified": False}
    if grid is not None:
        body.update(enterprise_id=grid.id, enterprise_name=grid.name,
                    enterprise_domain=grid.domain)
    return {"ok": True, "team": body}


METHODS = [Method("team.info", team_info, scopes=("team:read",))]
