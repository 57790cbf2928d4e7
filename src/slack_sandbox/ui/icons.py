"""Workspace icons drawn by the sandbox itself (an SVG with the workspace's initials), so a
demo workspace's icon never comes from Slack's CDN: team.info points at `/ui/icons/T….svg`
unless the workspaces file names an icon of its own."""

from __future__ import annotations

import hashlib
from html import escape
from typing import Any

from litestar import Request, Response, get
from litestar.params import FromPath

from slack_sandbox.errors import SlackError
from slack_sandbox.services import Sandbox

ICON_PATH = "/ui/icons"
_COLOURS = ("#2eb67d", "#36c5f0", "#ecb22e", "#e01e5a", "#4a154b", "#1264a3")


def icon_url(base_url: str, team_id: str) -> str:
    """Where the sandbox serves the icon of workspace `team_id`."""
    return f"{base_url.rstrip('/')}{ICON_PATH}/{team_id}.svg"


def icon_svg(team_id: str, name: str) -> str:
    """A rounded square in a colour of the workspace's own, with up to two initials."""
    initials = "".join(word[0] for word in name.split()[:2]).upper() or "?"
    colour = _COLOURS[hashlib.sha256(team_id.encode()).digest()[0] % len(_COLOURS)]
    return ('<svg xmlns="http://www.w3.org/2000/svg" width="88" height="88" viewBox="0 0 88 88">'
            f'<rect width="88" height="88" rx="16" fill="{colour}"/>'
            '<text x="44" y="58" font-size="36" text-anchor="middle" fill="#fff" '
            f'font-family="sans-serif">{escape(initials)}</text></svg>')


@get(f"{ICON_PATH}/{{file_name:str}}", sync_to_thread=False)
def workspace_icon(request: Request[Any, Any, Any], file_name: FromPath[str]) -> Response[str]:
    """`/ui/icons/T0ACMEENG.svg`: the workspace's generated icon."""
    sandbox: Sandbox = request.app.state.sandbox
    workspace = sandbox.state.directory.workspaces.get(file_name.removesuffix(".svg"))
    if workspace is None or not file_name.endswith(".svg"):
        raise SlackError("team_not_found", status=404)
    return Response(icon_svg(workspace.id, workspace.name), media_type="image/svg+xml",
                    headers={"Cache-Control": "max-age=3600"})
