"""The Litestar application: health check, OpenAPI schema, the bearer-protected JSON API
(`api/`) and, when the composition root hands over the Slack app and web keys, the admin pages
(`admin/`) and Slack's endpoints (`slack/`).

`build_app` is handed ready-made collaborators by the composition root; it builds nothing
else and does no I/O, so tests construct the same app around the in-memory fakes.
"""

from __future__ import annotations

from litestar import Litestar, get
from litestar.types import ControllerRouterHandler

from adapters.http.admin.page_config import WebSecurity
from adapters.http.admin.pages import AdminSurface, admin_surface
from adapters.http.api.errors import EXCEPTION_HANDLERS
from adapters.http.api.routes import json_api
from adapters.http.api_docs import docs_assets, openapi_config
from adapters.http.dependencies import Authenticate, always
from adapters.http.landing import landing_page
from adapters.http.metrics_endpoint import Exposition, metrics_endpoint
from adapters.http.slack.endpoints import slack_endpoints
from adapters.http.traffic import RequestTraffic
from adapters.settings import SLACK_API
from adapters.slack.actions import default_registry
from adapters.slack.actions.dispatch import Interactions
from adapters.slack.inbox import SlackInbox
from adapters.slack.slack_app import SlackApp
from adapters.slack.surfaces import SlackSurfaces
from application.reactions import Reactions
from application.running import UseCaseRunner
from application.slack.home_publishing import HomePublisher

MAX_BODY_BYTES = 1_000_000


@get("/healthz", summary="Liveness check", tags=["health"])
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


def build_app(
    *,
    runner: UseCaseRunner,
    authenticate: Authenticate,
    debug: bool = False,
    security: WebSecurity | None = None,
    slack: SlackApp | None = None,
    reactions: Reactions | None = None,
    sandbox_url: str | None = None,
    metrics: Exposition | None = None,
    interactions: Interactions | None = None,
    traffic: RequestTraffic | None = None,
    homes: HomePublisher | None = None,
    inbox: SlackInbox | None = None,
) -> Litestar:
    """The web app: every /api/v1 route needs a bearer token that `authenticate` accepts.

    With `security` and `slack` it also serves the admin pages, the OAuth callback and the
    Events API endpoint; without them it is the JSON API alone. `reactions` run what follows
    an install once the browser has its answer (by default, through `runner`). `sandbox_url`,
    when the app talks to the local Slack sandbox, is linked from the landing page `/`.
    `metrics` gives `/metrics` its figures (no such route without it). `traffic` counts the
    requests in flight (the in-process delivery worker works between them). `homes` publishes
    people's Home tabs when they open them. `interactions` answer Slack's clicks and modal
    submissions (by default: every handler of `default_registry`, answering through Slack's
    own Web API). `inbox` handles what Slack sends (by default: from `interactions` and
    `homes`); hand over the one a Socket Mode connection feeds too."""

    with_admin = security is not None and slack is not None
    routes: list[ControllerRouterHandler] = [
        healthz,
        landing_page(admin=with_admin, sandbox_url=sandbox_url),
        docs_assets(),
        json_api(authenticate),
    ]
    if metrics is not None:
        routes.append(metrics_endpoint(metrics))
    admin: AdminSurface | None = None
    if security is not None and slack is not None:
        admin = admin_surface(
            security=security, slack=slack, authenticate=authenticate, runner=runner
        )
        routes += admin.route_handlers
        inbox = inbox or SlackInbox(
            runner,
            interactions or Interactions(runner, default_registry(), SlackSurfaces(SLACK_API)),
            homes,
        )
        routes += slack_endpoints(
            slack=slack, reactions=reactions or Reactions(runner), inbox=inbox, clock=runner.clock
        )
    return Litestar(
        route_handlers=routes,
        middleware=([traffic.middleware] if traffic else []) + (admin.middleware if admin else []),
        plugins=admin.plugins if admin else [],
        template_config=admin.template_config if admin else None,
        dependencies={"runner": always(runner)},
        exception_handlers=dict(EXCEPTION_HANDLERS),
        openapi_config=openapi_config(),
        request_max_body_size=MAX_BODY_BYTES,
        debug=debug,
    )
