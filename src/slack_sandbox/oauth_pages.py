"""The OAuth consent page: `GET /oauth/v2/authorize` and its Allow / Cancel form.

Slack checks `redirect_uri` against the app's configured redirect URLs; the sandbox has no
app configuration, so any http(s) URL is accepted and, when none is given, the app's
`{app_url}/slack/oauth/callback` is used. The installer must be a member of the chosen
workspace (for an org-wide install: of any workspace of the Grid, and an admin).
"""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.enums import MediaType
from litestar.response import Redirect

from slack_sandbox.installs import issue_code
from slack_sandbox.services import Sandbox
from slack_sandbox.ui.layout import page

_FIELDS = ("client_id", "scope", "redirect_uri", "state", "team")
#: What each scope lets the app do, in the words of Slack's consent page.
SCOPE_WORDS = {
    "chat:write": "Send messages as the app",
    "users:read": "View people in the workspace",
    "users:read.email": "View email addresses of people in the workspace",
    "team:read": "View the name, email domain and icon of the workspace",
    "im:write": "Start direct messages with people",
    "im:history": "View messages in direct messages with the app",
    "channels:read": "View basic information about public channels",
    "commands": "Add shortcuts and slash commands people can use",
}


def _sandbox(request: Request[Any, Any, Any]) -> Sandbox:
    sandbox: Sandbox = request.app.state.sandbox
    return sandbox


def _error_page(message: str) -> Response[str]:
    body = ("<div class='sb-card sb-banner'><h2>This app cannot be installed from here</h2>"
            f"<p>{escape(message)}</p></div>")
    return Response(page("Install error", body), media_type=MediaType.HTML, status_code=400)


def _scope_item(scope: str) -> str:
    words = SCOPE_WORDS.get(scope, "A permission the sandbox has no description for")
    return f"<li>{escape(words)} <code>{escape(scope)}</code></li>"


def _targets(sandbox: Sandbox) -> list[tuple[str, str]]:
    directory = sandbox.state.directory
    targets = [(f"team:{w.id}", f"{w.name} ({w.domain}.slack.com)")
               for w in directory.workspaces.values()]
    targets += [(f"grid:{g.id}", f"{g.name} — whole organization (org-wide install)")
                for g in directory.grids.values()]
    return targets


@get("/oauth/v2/authorize", media_type=MediaType.HTML, sync_to_thread=False)
def authorize_page(request: Request[Any, Any, Any]) -> Response[str]:
    """The consent page: which workspace, who installs, the scopes, Allow / Cancel."""
    sandbox = _sandbox(request)
    query = {key: request.query_params.get(key) or "" for key in _FIELDS}
    if query["client_id"] != sandbox.state.config.client_id:
        return _error_page("invalid_client_id: this app is not known to the sandbox.")
    return _consent_page(sandbox, query)


def _consent_page(sandbox: Sandbox, query: dict[str, str], *, problem: str = "",
                  target: str = "", installer: str = "") -> Response[str]:
    """The form; after a refused choice, again with `problem` above it and the choice kept."""
    scopes = [s for s in query["scope"].split(",") if s]
    hidden = "".join(f"<input type='hidden' name='{k}' value='{escape(v)}'>"
                     for k, v in query.items() if k in _FIELDS)
    grids = sandbox.state.directory.grids
    kind = "grid" if query["team"] in grids else "team"  # `team` may name a Grid (org-wide)
    wanted = target or (f"{kind}:{query['team']}" if query["team"] else "")
    options = "".join(
        f"<label><input type='radio' name='target' value='{value}'"
        f"{' checked' if value == wanted or (not wanted and i == 0) else ''}> "
        f"{escape(label)}</label><br>" for i, (value, label) in enumerate(_targets(sandbox)))
    users = "".join(
        f"<option value='{u.id}'{' selected' if u.id == installer else ''}>"
        f"{escape(u.real_name)} &lt;{escape(u.email)}&gt; ({', '.join(u.workspaces)})</option>"
        for u in sandbox.state.directory.users.values() if u.workspaces and not u.deleted)
    scope_items = "".join(_scope_item(s) for s in scopes) or "<li>Nothing</li>"
    notice = (f"<p class='sb-banner' role='alert' id='sb-problem'>{escape(problem)}</p>"
              if problem else "")
    body = (
        f"<div class='sb-card'><h2>{escape(sandbox.state.config.app_name)} is requesting "
        "permission to access a Slack workspace</h2>" + notice +
        "<form method='post' action='/oauth/v2/authorize'>" + hidden +
        f"<h3>Where should it be installed?</h3>{options}"
        f"<h3>Who is installing?</h3><select name='installer'>{users}</select>"
        f"<h3>It will be able to</h3><ul class='sb-scopes'>{scope_items}</ul>"
        "<button type='submit' name='decision' value='allow' id='sb-allow'>Allow</button> "
        "<button type='submit' name='decision' value='cancel' id='sb-cancel'>Cancel</button>"
        "</form></div>")
    status = 400 if problem else 200
    return Response(page("Install app", body), media_type=MediaType.HTML, status_code=status)


def _redirect(target: str, query: dict[str, str]) -> Redirect:
    separator = "&" if "?" in target else "?"
    return Redirect(target + separator + urlencode(query), status_code=302)


@post("/oauth/v2/authorize", status_code=302)
async def authorize_decision(request: Request[Any, Any, Any]) -> Response[Any]:
    """Allow → redirect with `code` + `state`; Cancel → `error=access_denied`."""
    sandbox = _sandbox(request)
    form = await request.form()
    fields = {key: str(form.get(key) or "") for key in (*_FIELDS, "target", "installer",
                                                         "decision")}
    if fields["client_id"] != sandbox.state.config.client_id:
        return _error_page("invalid_client_id")
    redirect_uri = fields["redirect_uri"] or None
    target = redirect_uri or sandbox.state.tunables.app_url.rstrip("/") + "/slack/oauth/callback"
    if not target.startswith(("http://", "https://")):
        return _error_page("bad_redirect_uri")
    if fields["decision"] != "allow":
        return _redirect(target, {"error": "access_denied", "state": fields["state"]})
    kind, _, target_id = fields["target"].partition(":")
    directory = sandbox.state.directory
    installer = directory.users.get(fields["installer"])
    if kind == "team" and target_id in directory.workspaces:
        team_id: str | None = target_id
        enterprise_id = directory.workspaces[target_id].enterprise_id
        allowed = installer is not None and target_id in installer.workspaces
    elif kind == "grid" and target_id in directory.grids:
        team_id, enterprise_id = None, target_id
        teams = directory.teams_of_grid(target_id)
        allowed = installer is not None and installer.is_admin and any(
            t in installer.workspaces for t in teams)
    else:
        return _consent_page(sandbox, fields, problem="Choose where to install the app.",
                             installer=fields["installer"])
    if not allowed or installer is None:
        who = installer.real_name if installer is not None else "The person you chose"
        needed = ("an admin of the Grid and a member of one of its workspaces" if kind == "grid"
                  else "a member of that workspace")
        return _consent_page(
            sandbox, fields, target=fields["target"], installer=fields["installer"],
            problem=f"{who} cannot install it there: the installer must be {needed}. "
                    "Choose another workspace or another person.")
    code = issue_code(sandbox.state, client_id=fields["client_id"], redirect_uri=redirect_uri,
                      scopes=[s for s in fields["scope"].split(",") if s], team_id=team_id,
                      enterprise_id=enterprise_id, installer_user_id=installer.id)
    return _redirect(target, {"code": code.code, "state": fields["state"]})
