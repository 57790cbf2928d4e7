"""The Litestar application: health check, OpenAPI schema, the bearer-protected JSON API and,
when the composition root hands over the Slack app and web keys, the admin pages and Slack's
endpoints (`browser.py`).

`build_app` is handed ready-made collaborators by the composition root; it builds nothing
else and does no I/O, so tests construct the same app around the in-memory fakes.
"""

from __future__ import annotations

from litestar import Litestar, Router, get
from litestar.di import Provide
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme

from adapters.http.admin.page_config import SlackApp, WebSecurity
from adapters.http.admin.pages import browser_surface
from adapters.http.api.auth import Authenticate, bearer_guard, provide_actor
from adapters.http.api.connections_controller import ConnectionsController
from adapters.http.api.errors import EXCEPTION_HANDLERS
from adapters.http.api.me_controller import MeController
from adapters.http.api.meetings_controller import MeetingsController
from adapters.http.api.mentor_requests_controller import MentorRequestsController
from adapters.http.api.organization_controller import MaintenanceController, OrganizationsController
from adapters.http.api.programs_controller import ProgramsController
from adapters.http.api.surveys_controller import SurveyAssignmentsController, SurveysController
from adapters.http.api.tokens_controller import TokensController
from application.reactions import Reactions
from application.running import UseCaseRunner

API_PREFIX = "/api/v1"
MAX_BODY_BYTES = 1_000_000

_BEARER = "BearerToken"


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
) -> Litestar:
    """The web app: every /api/v1 route needs a bearer token that `authenticate` accepts.

    With `security` and `slack` it also serves the admin pages, the OAuth callback and the
    Events API endpoint; without them it is the JSON API alone. `reactions` run what follows
    an install once the browser has its answer (by default, through `runner`)."""

    def provide_runner() -> UseCaseRunner:
        return runner

    api = Router(
        path=API_PREFIX,
        route_handlers=[
            OrganizationsController,
            MaintenanceController,
            ProgramsController,
            MentorRequestsController,
            ConnectionsController,
            MeetingsController,
            SurveysController,
            SurveyAssignmentsController,
            MeController,
            TokensController,
        ],
        guards=[bearer_guard(authenticate)],
        dependencies={"actor": Provide(provide_actor, sync_to_thread=False)},
        security=[{_BEARER: []}],
    )
    browser = (
        browser_surface(
            security=security,
            slack=slack,
            authenticate=authenticate,
            runner=runner,
            reactions=reactions or Reactions(runner),
        )
        if security is not None and slack is not None
        else None
    )
    return Litestar(
        route_handlers=[healthz, api, *(browser.route_handlers if browser else [])],
        middleware=browser.middleware if browser else [],
        plugins=browser.plugins if browser else [],
        template_config=browser.template_config if browser else None,
        dependencies={"runner": Provide(provide_runner, sync_to_thread=False)},
        exception_handlers=dict(EXCEPTION_HANDLERS),
        openapi_config=OpenAPIConfig(
            title="mentorlink",
            version="1",
            description="A mentoring program's JSON API. Send `Authorization: Bearer <token>`.",
            path="/schema",
            components=Components(
                security_schemes={
                    _BEARER: SecurityScheme(
                        type="http",
                        scheme="bearer",
                        description="An API token from `mentorlink token create`.",
                    )
                }
            ),
        ),
        request_max_body_size=MAX_BODY_BYTES,
        debug=debug,
    )
