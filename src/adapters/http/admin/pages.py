"""The admin pages as `build_app` adds them: their routes, the session and CSRF middleware,
templates and flash messages; and `page_router`, for a page served from another surface (the
OAuth callback) in the same session."""

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
from adapters.http.admin.delivery_section import DeliveryFormsController
from adapters.http.admin.html_errors import HTML_EXCEPTION_HANDLERS
from adapters.http.admin.page_config import NOT_BROWSER_FORMS, WebSecurity, template_config
from adapters.http.admin.pages_controller import (
    HomeController,
    ManageController,
    SignInController,
    SupportController,
)
from adapters.http.admin.sessions import provide_viewer, signed_in_account
from adapters.http.admin.slack_page_controller import SlackPageController
from adapters.http.dependencies import Authenticate, always
from adapters.slack.slack_app import SlackApp
from application.running import UseCaseRunner


@attrs.frozen(kw_only=True)
class AdminSurface:
    """What `build_app` adds to the Litestar app for the admin pages."""

    route_handlers: list[ControllerRouterHandler]
    middleware: list[Middleware]
    plugins: list[PluginProtocol]
    template_config: TemplateConfig  # type: ignore[type-arg]


def page_router(route_handlers: list[ControllerRouterHandler], **dependencies: Provide) -> Router:
    """Pages for a signed-in `viewer` (by name), whose refusals are shown as pages."""
    return Router(
        path="/",
        route_handlers=route_handlers,
        dependencies={"viewer": Provide(provide_viewer, sync_to_thread=False), **dependencies},
        exception_handlers=dict(HTML_EXCEPTION_HANDLERS),
        include_in_schema=False,
    )


def admin_surface(
    *,
    security: WebSecurity,
    slack: SlackApp,
    authenticate: Authenticate,
    runner: UseCaseRunner,
) -> AdminSurface:
    async def check(data: dict[str, Any]) -> Any:
        return await signed_in_account(runner, data)

    pages = page_router(
        [
            SignInController,
            HomeController,
            ManageController,
            SupportController,
            SlackPageController,
            DeliveryFormsController,
        ],
        slack=always(slack),
        authenticate=always(authenticate),
    )
    templates = template_config()
    return AdminSurface(
        route_handlers=[pages],
        # The session is loaded (and re-checked) before the CSRF token is compared with it.
        middleware=[
            security.session_config(runner.clock, check).middleware,
            SessionCsrf(exclude=NOT_BROWSER_FORMS),
        ],
        plugins=[FlashPlugin(FlashConfig(template_config=templates))],
        template_config=templates,
    )
