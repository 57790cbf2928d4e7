"""Slack's endpoints as `build_app` adds them: the Events API and interactivity (no session,
no CSRF: Slack signs its requests) and the OAuth callback (a page in the administrator's
session)."""

from __future__ import annotations

from litestar import Router
from litestar.types import ControllerRouterHandler

from adapters.http.admin.pages import page_router
from adapters.http.dependencies import always
from adapters.http.slack.door import SlackDoor
from adapters.http.slack.events import slack_events
from adapters.http.slack.interactivity import slack_interactivity
from adapters.http.slack.oauth_callback import oauth_callback
from adapters.slack.inbox import SlackInbox
from adapters.slack.slack_app import SlackApp
from application.ports import Clock
from application.reactions import Reactions


def slack_endpoints(
    *, slack: SlackApp, reactions: Reactions, inbox: SlackInbox, clock: Clock
) -> list[ControllerRouterHandler]:
    """`slack` is our app's signing secret and OAuth URLs; `reactions` run what follows an
    install once the browser has its answer; `inbox` handles events, clicks and submissions
    (the same one a Socket Mode connection feeds); `clock` dates Slack's signatures."""
    events = Router(
        path="/",
        route_handlers=[slack_events, slack_interactivity],
        dependencies={"door": always(SlackDoor(slack=slack, inbox=inbox, clock=clock))},
    )
    callback = page_router([oauth_callback], slack=always(slack), reactions=always(reactions))
    return [events, callback]
