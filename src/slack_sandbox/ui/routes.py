"""Routes of the browser UI. Every action goes through `interactions`, like the inspection API."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.enums import MediaType
from litestar.response import Redirect

from slack_sandbox import interactions
from slack_sandbox.errors import SlackError
from slack_sandbox.records import JSON
from slack_sandbox.services import Sandbox
from slack_sandbox.ui import pages
from slack_sandbox.ui.icons import workspace_icon
from slack_sandbox.ui.layout import page
from slack_sandbox.ui.mail_pages import mail_page_body

AnyRequest = Request[Any, Any, Any]


def _sandbox(request: AnyRequest) -> Sandbox:
    sandbox: Sandbox = request.app.state.sandbox
    return sandbox


def _who(request: AnyRequest) -> tuple[Sandbox, str, str]:
    """The sandbox, team and user from the path (404 unless the user is in that team)."""
    sandbox = _sandbox(request)
    team_id, user_id = request.path_params["team_id"], request.path_params["user_id"]
    user = sandbox.state.directory.users.get(user_id)
    if user is None or team_id not in user.workspaces:
        raise SlackError("user_not_found", status=404)
    return sandbox, team_id, user_id


def _tab(request: AnyRequest) -> str:
    tab = request.query_params.get("tab")
    return tab if tab in ("home", "mail") else "messages"


def _error(_: AnyRequest, exc: SlackError) -> Response[JSON]:
    return Response(exc.body(), status_code=exc.status if exc.status >= 400 else 400)


@get("/", media_type=MediaType.HTML, sync_to_thread=False)
def index(request: AnyRequest) -> str:
    """Workspaces and their users."""
    return pages.home_page(_sandbox(request).state)


@get("/ui/mail", media_type=MediaType.HTML, sync_to_thread=False)
def mail_page(request: AnyRequest) -> str:
    """Every e-mail the SMTP receiver accepted."""
    return page("Mail", mail_page_body(_sandbox(request).state))


@get("/ui/{team_id:str}/{user_id:str}", media_type=MediaType.HTML, sync_to_thread=False)
def user_page(request: AnyRequest) -> str:
    """One user's Slack: Messages and Home tabs, modals on top."""
    sandbox, team_id, user_id = _who(request)
    return pages.user_page(sandbox.state, team_id, user_id, _tab(request))


@get("/ui/{team_id:str}/{user_id:str}/surface", sync_to_thread=False)
def surface(request: AnyRequest) -> JSON:
    """The current tab and modal as HTML fragments."""
    sandbox, team_id, user_id = _who(request)
    return pages.surface(sandbox.state, team_id, user_id, _tab(request))


@get("/ui/{team_id:str}/{user_id:str}/version", sync_to_thread=False)
def version(request: AnyRequest) -> JSON:
    """A counter that moves whenever anything visible changed (the script polls it)."""
    return {"version": _sandbox(request).state.version}


@post("/ui/{team_id:str}/{user_id:str}/open_tab", status_code=200)
async def open_tab(request: AnyRequest) -> JSON:
    """Opening a tab sends `app_home_opened`."""
    sandbox, team_id, user_id = _who(request)
    body = await request.json()
    tab = "home" if body.get("tab") == "home" else "messages"
    if sandbox.state.install_for_team(team_id) is None:
        return {"ok": False, "error": "app_not_installed"}
    return interactions.open_tab(sandbox, team_id=team_id, user_id=user_id, tab=tab)


@post("/ui/{team_id:str}/{user_id:str}/click", status_code=200)
async def click(request: AnyRequest) -> JSON:
    """A click on an `.sb-action` (button, option, select, radio, checkbox)."""
    sandbox, team_id, user_id = _who(request)
    b = await request.json()
    return await interactions.click(
        sandbox, team_id=team_id, user_id=user_id, action_id=str(b.get("action_id")),
        block_id=b.get("block_id"), channel=b.get("channel"), ts=b.get("ts"),
        view_id=b.get("view_id"), value=b.get("value"))


@post("/ui/{team_id:str}/{user_id:str}/submit", status_code=200)
async def submit(request: AnyRequest) -> JSON:
    """The modal's Submit button."""
    sandbox, team_id, user_id = _who(request)
    b = await request.json()
    return await interactions.submit(sandbox, team_id=team_id, user_id=user_id,
                                     values=b.get("values") or {}, view_id=b.get("view_id"))


@post("/ui/{team_id:str}/{user_id:str}/close", status_code=200)
async def close(request: AnyRequest) -> JSON:
    """The modal's Close / Cancel button."""
    sandbox, team_id, user_id = _who(request)
    return await interactions.close_view(sandbox, team_id=team_id, user_id=user_id)


@post("/ui/{team_id:str}/remove", status_code=303)
async def remove_app(request: AnyRequest) -> Redirect:
    """"Remove app" from a workspace (or its Grid's org-wide install), back to the list."""
    sandbox = _sandbox(request)
    team_id = request.path_params["team_id"]
    install = sandbox.state.install_for_team(team_id)
    if install is not None:
        sandbox.remove_app(install, reason="account_inactive", uninstalled=True)
    return Redirect("/", status_code=303)


@cache
def _script() -> str:
    return resources.files("slack_sandbox.ui").joinpath("static/sandbox.js").read_text()


@get("/ui/static/sandbox.js", media_type="text/javascript", sync_to_thread=False)
def script() -> str:
    """The UI's one small script."""
    return _script()


def ui_router() -> Router:
    """The browser UI's routes; refusals come back as JSON with a 4xx status."""
    return Router("/", route_handlers=[index, mail_page, user_page, surface, version, open_tab,
                                       click, submit, close, remove_app, script, workspace_icon],
                  exception_handlers={SlackError: _error})
