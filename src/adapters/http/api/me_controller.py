"""What the caller reads about themselves: account, connection area, requests, surveys due,
API tokens."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.params import QueryParameter

from adapters.http.api.auth import CurrentActor
from adapters.http.api.errors import problems
from adapters.http.api.schemas.me import ConnectionAreaOut, ConnectionCardOut, MeOut
from adapters.http.api.schemas.mentor_requests import MyRequestsOut, PendingRequestOut
from adapters.http.api.schemas.surveys import DueSurveyOut
from adapters.http.api.schemas.tokens import TokenOut
from adapters.http.dependencies import Runner
from application.usecases.access_tokens import MyTokens, my_tokens
from application.usecases.connection_area import MyConnectionArea, my_connection_area
from application.usecases.my_account import WhoAmI, who_am_i
from application.usecases.my_requests import MyPendingRequests, my_pending_requests
from application.usecases.my_surveys import MySurveysDue, my_surveys_due


class MeController(Controller):
    path = "/me"
    tags = ["me"]

    @get("/", summary="My user, organization and program memberships", responses=problems())
    async def account(self, actor: CurrentActor, runner: Runner) -> MeOut:
        return MeOut.of(await runner(who_am_i, WhoAmI(), actor))

    @get("/connections", summary="My connection area", responses=problems(422))
    async def connections(
        self,
        actor: CurrentActor,
        runner: Runner,
        messages: Annotated[
            int, QueryParameter(ge=1, le=100, description="Latest messages per connection.")
        ] = 20,
    ) -> ConnectionAreaOut:
        area = await runner(my_connection_area, MyConnectionArea(messages=messages), actor)
        return ConnectionAreaOut(connections=[ConnectionCardOut.of(v) for v in area.connections])

    @get("/mentor-requests", summary="My pending mentor requests", responses=problems())
    async def mentor_requests(self, actor: CurrentActor, runner: Runner) -> MyRequestsOut:
        pending = await runner(my_pending_requests, MyPendingRequests(), actor)
        return MyRequestsOut(
            sent=[PendingRequestOut.of(r) for r in pending.sent],
            received=[PendingRequestOut.of(r) for r in pending.received],
        )

    @get("/surveys", summary="Surveys I still have to answer", responses=problems())
    async def surveys(self, actor: CurrentActor, runner: Runner) -> list[DueSurveyOut]:
        return [DueSurveyOut.of(d) for d in await runner(my_surveys_due, MySurveysDue(), actor)]

    @get("/tokens", summary="My API tokens (never their secrets)", responses=problems())
    async def tokens(self, actor: CurrentActor, runner: Runner) -> list[TokenOut]:
        mine = await runner(my_tokens, MyTokens(), actor)
        return [TokenOut.of(token, actor.token_id) for token in mine]
