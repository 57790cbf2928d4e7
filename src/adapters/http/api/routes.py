"""The JSON API as `build_app` adds it: every controller under /api/v1, behind the bearer
guard, with the caller as the `actor` dependency."""

from __future__ import annotations

from litestar import Router
from litestar.di import Provide
from litestar.openapi.spec import SecurityScheme

from adapters.http.api.auth import bearer_guard, provide_actor
from adapters.http.api.connections_controller import ConnectionsController
from adapters.http.api.delivery_controller import DeliveryController
from adapters.http.api.me_controller import MeController
from adapters.http.api.meetings_controller import MeetingsController
from adapters.http.api.mentor_requests_controller import MentorRequestsController
from adapters.http.api.organization_controller import MaintenanceController, OrganizationsController
from adapters.http.api.programs_controller import ProgramsController
from adapters.http.api.surveys_controller import SurveyAssignmentsController, SurveysController
from adapters.http.api.tokens_controller import TokensController
from adapters.http.dependencies import Authenticate

API_PREFIX = "/api/v1"
BEARER = "BearerToken"
BEARER_SCHEME = SecurityScheme(
    type="http", scheme="bearer", description="An API token from `mentorlink token create`."
)


def json_api(authenticate: Authenticate) -> Router:
    """Every /api/v1 route; each needs a bearer token that `authenticate` accepts."""
    return Router(
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
            DeliveryController,
        ],
        guards=[bearer_guard(authenticate)],
        dependencies={"actor": Provide(provide_actor, sync_to_thread=False)},
        security=[{BEARER: []}],
    )
