"""Everything a browser and Slack reach besides the JSON API: the admin pages (session cookie,
CSRF, templates, flash messages), the OAuth callback and the Events API endpoint."""

from __future__ import annotations

import attrs
from litestar import Router
from litestar.config.csrf import CSRFConfig
from litestar.di import Provide
from litestar.plugins import PluginProtocol
from litestar.plugins.flash import FlashConfig, FlashPlugin
from litestar.template.config import TemplateConfig
from litestar.types import ControllerRouterHandler, Middleware

from adapters.http.admin_controller import (
    HomeController,
    ManageController,
    SignInController,
    SupportController,
)
from adapters.http.auth import Authenticate
from adapters.http.html_errors import HTML_EXCEPTION_HANDLERS
from adapters.http.sessions import provide_viewer
from adapters.http.slack_admin_controller import SlackPageController
from adapters.http.slack_events import slack_events
from adapters.http.slack_oauth import oauth_callback
from adapters.http.web_config import SlackApp, WebSecurity, template_config


@attrs.frozen(kw_only=True)
class BrowserSurface:
    """What `build_app` adds to the Litestar app for pages and Slack's requests."""

    route_handlers: list[ControllerRouterHandler]
    middleware: list[Middleware]
    plugins: list[PluginProtocol]
    csrf_config: CSRFConfig
    template_config: TemplateConfig  # type: ignore[type-arg]


def browser_surface(
    *, security: WebSecurity, slack: SlackApp, authenticate: Authenticate
) -> BrowserSurface:
    def provide_slack() -> SlackApp:
        return slack

    def provide_authenticate() -> Authenticate:
        return authenticate

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
            "viewer": Provide(provide_viewer),
            "slack": slack_dependency,
            "authenticate": Provide(provide_authenticate, sync_to_thread=False),
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
        middleware=[security.session_config().middleware],
        plugins=[FlashPlugin(FlashConfig(template_config=templates))],
        csrf_config=security.csrf_config(),
        template_config=templates,
    )
