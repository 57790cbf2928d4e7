"""`GET /slack/oauth/callback`: where Slack's consent page sends the administrator back.

With `code` and `state` the install is completed by the use case (the state must be this
browser session's, unused and fresh); every outcome ends on the Slack page with a message.
After a successful install the directory is synced in the background, once the browser has
its answer; a failed sync is logged and the page keeps showing "not yet synced"."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from litestar import Request, get
from litestar.background_tasks import BackgroundTask
from litestar.params import FromQuery, QueryParameter
from litestar.plugins.flash import flash
from litestar.response import Redirect

from adapters.http.admin_controller import CurrentViewer
from adapters.http.dependencies import Runner
from adapters.http.sessions import only
from adapters.http.slack_admin_controller import SLACK_PAGE, CurrentSlackApp
from application.actors import Actor
from application.running import UseCaseRunner
from application.slack import SlackError, SlackGateway
from application.usecases.slack_directory import SyncDirectory, sync_slack_directory
from application.usecases.slack_install import CompleteSlackInstall, complete_slack_install
from domain.errors import DomainError
from domain.ids import InstallationId
from domain.people import Role

log = logging.getLogger(__name__)

_MAX_PARAM = 512
_REFUSALS = {
    "access_denied": "You cancelled on Slack's page, so no workspace was added.",
}


async def sync_after_install(
    runner: UseCaseRunner, gateway: SlackGateway, actor: Actor, installation_id: InstallationId
) -> None:
    """The first directory sync of a new installation; never raises, always leaves a trace."""
    try:
        report = await sync_slack_directory(
            SyncDirectory(installation_id=installation_id),
            actor,
            runner.uow_factory(),
            runner.clock,
            gateway,
        )
    except Exception:
        log.exception(
            "Directory sync after installing %s failed; the Slack page offers to retry it.",
            installation_id,
        )
        return
    log.info(
        "Directory of %s synced after install: %d of %d Slack members matched in %d calls.",
        installation_id,
        report.matched,
        report.slack_users,
        report.calls,
    )


def _back(request: Request[Any, Any, Any], message: str, category: str) -> Redirect:
    flash(request, message, category)
    return Redirect(SLACK_PAGE, status_code=303)


@get("/slack/oauth/callback", guards=[only(Role.GLOBAL_ADMIN)], include_in_schema=False)
async def oauth_callback(
    request: Request[Any, Any, Any],
    viewer: CurrentViewer,
    runner: Runner,
    slack: CurrentSlackApp,
    code: FromQuery[str] = "",
    oauth_state: Annotated[str, QueryParameter(name="state")] = "",
    error: FromQuery[str] = "",
) -> Redirect:
    if error:
        reason = _REFUSALS.get(error, f"Slack did not add the workspace ({error[:80]}).")
        return _back(request, f"{reason} Nothing was saved.", "error")
    state = oauth_state  # `state` is a name Litestar reserves for the app state
    if not code or not state or len(code) > _MAX_PARAM or len(state) > _MAX_PARAM:
        return _back(
            request, "Slack's answer was incomplete. Nothing was saved; start again.", "error"
        )
    command = CompleteSlackInstall(
        state=state, session_id=viewer.session_id, code=code, redirect_uri=slack.redirect_uri
    )
    try:
        installation = await complete_slack_install(
            command, viewer.actor, runner.uow_factory(), runner.clock, slack.gateway
        )
    except DomainError as refused:
        return _back(request, refused.message, "error")
    except SlackError as failed:
        return _back(request, f"Slack could not be reached ({failed.code}). Nothing was saved.",
                     "error")  # fmt: skip
    flash(request, f"Connected {installation.workspace.display_name}.", "success")
    sync = BackgroundTask(sync_after_install, runner, slack.gateway, viewer.actor, installation.id)
    return Redirect(SLACK_PAGE, status_code=303, background=sync)
