"""Everything a browser and Slack reach besides the JSON API: the admin pages (session cookie,
CSRF, templates, flash messages), the OAuth callback and the Events API endpoint."""

from __future__ import annotations

from typing import Any

import attrs
from litestar import Router
from litestar.di import Provide
from litestar.plugins import PluginProtocol
from litestar.plugins.flash import FlashConfig, FlashPlugin
from litestar.template.config import TemplateConfig
from litestar.types import ControllerRouterHandler, Middleware

from adapters.http.admin.csrf import SessionCsrf
from adapters.http.admin.html_errors import HTML_EXCEPTION_HANDLERS
from adapters.http.admin.page_config import (
    NOT_BROWSER_FORMS,
    SlackApp,
    WebSecurity,
    template_config,
)
from adapters.http.admin.pages_controller import (
    HomeController,
    ManageController,
    SignInController,
    SupportController,
)
from adapters.http.admin.sessions import provide_viewer, signed_in_account
from adapters.http.admin.slack_page_controller import SlackPageController
from adapters.http.api.auth import Authenticate
from adapters.http.slack.events import slack_events
from adapters.http.slack.oauth_callback import oauth_callback
from application.reactions import Reactions
from application.running import UseCaseRunner


@attrs.frozen(kw_only=True)
class BrowserSurface:
    """What `build_app` adds to the Litestar app for pages and Slack's requests."""

    route_handlers: list[ControllerRouterHandler]
    middleware: list[Middleware]
    plugins: list[PluginProtocol]
    template_config: TemplateConfig  # type: ignore[type-arg]


def browser_surface(
    *,
    security: WebSecurity,
    slack: SlackApp,
    authenticate: Authenticate,
    runner: UseCaseRunner,
    reactions: Reactions,
) -> BrowserSurface:
    async def check(data: dict[str, Any]) -> Any:
        return await signed_in_account(runner, data)

    def provide_slack() -> SlackApp:
        return slack

    def provide_authenticate() -> Authenticate:
        return authenticate

    def provide_reactions() -> Reactions:
        return reactions

    slack_dependency = Provide(provide_slack, sync_to_thread=False)
    pages = Router(
        path="/",
        route_handlers=[
            SignInController,
            HomeController,
            ManageController,
            SupportController,
            SlackPageController,
            oauth_callback,
        ],
        dependencies={
            "viewer": Provide(provide_viewer, sync_to_thread=False),
            "slack": slack_dependency,
            "authenticate": Provide(provide_authenticate, sync_to_thread=False),
            "reactions": Provide(provide_reactions, sync_to_thread=False),
        },
        exception_handlers=dict(HTML_EXCEPTION_HANDLERS),
        include_in_schema=False,
    )
    events = Router(
        path="/", route_handlers=[slack_events], dependencies={"slack": slack_dependency}
    )
    templates = template_config()
    return BrowserSurface(
        route_handlers=[pages, events],
        # The session is loaded (and re-checked) before the CSRF token is compared with it.
        middleware=[
            security.session_config(runner.clock, check).middleware,
            SessionCsrf(exclude=NOT_BROWSER_FORMS),
        ],
        plugins=[FlashPlugin(FlashConfig(template_config=templates))],
        template_config=templates,
    )
