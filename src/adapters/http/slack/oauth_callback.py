"""`GET /slack/oauth/callback`: where Slack's consent page sends the administrator back.

With `code` and `state` the install is completed by the use case (the state must be this
browser session's, unused and fresh); every outcome ends on the Slack page with a message.
What follows an install (the directory sync) is a reaction to its event: until the delivery
worker runs reactions from the outbox, they run here in the background, once the browser has
its answer; a failed reaction is logged and the page keeps showing "not yet synced".

The callback is a page in the administrator's session (`admin.pages.page_router`), reached
from Slack's consent page rather than from our navigation."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Annotated, Any

from litestar import Request, get
from litestar.background_tasks import BackgroundTask
from litestar.di import NamedDependency
from litestar.params import FromQuery, QueryParameter
from litestar.plugins.flash import flash
from litestar.response import Redirect

from adapters.http.admin.pages_controller import CurrentViewer
from adapters.http.admin.sessions import only
from adapters.http.admin.slack_page_controller import SLACK_PAGE
from adapters.http.dependencies import CurrentSlackApp, Runner
from adapters.slack.slack_app import OAUTH_CALLBACK_PATH
from application.reactions import ReactionFailed, Reactions
from application.slack.gateway import SlackError
from application.slack.install import CompleteSlackInstall, complete_slack_install
from domain.errors import DomainError
from domain.events import DomainEvent
from domain.people import Role

log = logging.getLogger(__name__)

_MAX_PARAM = 512
# Cancelling on Slack's consent page is the administrator's choice, not a failure: a note.
_CANCELLED = "access_denied"


CurrentReactions = NamedDependency[Reactions]


async def react_in_background(reactions: Reactions, events: Sequence[DomainEvent]) -> None:
    """The reactions to an install's events (its first directory sync); never raises, always
    leaves a trace."""
    for event in events:
        try:
            results = await reactions.dispatch(event.topic, event.payload())
        except ReactionFailed as failed:
            log.error("%s; the Slack page offers to retry it.", failed, exc_info=failed)
            continue
        log.info("Reactions to %s done: %s", event.topic, results)


def _back(request: Request[Any, Any, Any], message: str, category: str) -> Redirect:
    flash(request, message, category)
    return Redirect(SLACK_PAGE, status_code=303)


@get(OAUTH_CALLBACK_PATH, guards=[only(Role.GLOBAL_ADMIN)], include_in_schema=False)
async def oauth_callback(
    request: Request[Any, Any, Any],
    viewer: CurrentViewer,
    runner: Runner,
    slack: CurrentSlackApp,
    reactions: CurrentReactions,
    code: FromQuery[str] = "",
    oauth_state: Annotated[str, QueryParameter(name="state")] = "",
    error: FromQuery[str] = "",
) -> Redirect:
    if error == _CANCELLED:
        return _back(request, "You cancelled on Slack's page; no workspace was added.", "info")
    if error:
        return _back(
            request, f"Slack did not add the workspace ({error[:80]}). Nothing was saved.", "error"
        )
    state = oauth_state  # `state` is a name Litestar reserves for the app state
    if not code or not state or len(code) > _MAX_PARAM or len(state) > _MAX_PARAM:
        return _back(
            request, "Slack's answer was incomplete. Nothing was saved; start again.", "error"
        )
    command = CompleteSlackInstall(
        state=state, session_id=viewer.session_id, code=code, redirect_uri=slack.redirect_uri
    )
    try:
        installed = await runner(complete_slack_install, command, viewer.actor)
    except DomainError as refused:
        return _back(request, refused.message, "error")
    except SlackError as failed:
        return _back(request, f"Slack could not be reached ({failed.code}). Nothing was saved.",
                     "error")  # fmt: skip
    flash(request, f"Connected {installed.installation.workspace.display_name}.", "success")
    react = BackgroundTask(react_in_background, reactions, installed.events)
    return Redirect(SLACK_PAGE, status_code=303, background=react)
