"""Mentor requests: a mentee sends or withdraws one; the addressed mentor accepts or declines."""

from __future__ import annotations

from litestar import Controller, post
from litestar.params import FromPath, JSONBody

from adapters.http.api.auth import CurrentActor
from adapters.http.api.errors import problems
from adapters.http.api.schemas.mentor_requests import (
    DeclineReason,
    MentorRequestOut,
    NewMentorRequest,
)
from adapters.http.api.schemas.programs import ConnectionOut
from adapters.http.dependencies import Runner
from application.usecases.answer_mentor_request import (
    AcceptMentorRequest,
    DeclineMentorRequest,
    WithdrawMentorRequest,
    accept_mentor_request,
    decline_mentor_request,
    withdraw_mentor_request,
)
from application.usecases.send_mentor_request import SendMentorRequest, send_mentor_request
from domain.ids import MemberId, MentorRequestId, ProgramId

_ANSWER = problems(403, 404, 409, 422)


class MentorRequestsController(Controller):
    path = "/mentor-requests"
    tags = ["mentor requests"]

    @post("/", summary="Ask a mentor for mentoring", responses=_ANSWER)
    async def send(
        self, data: JSONBody[NewMentorRequest], actor: CurrentActor, runner: Runner
    ) -> MentorRequestOut:
        command = SendMentorRequest(
            program_id=ProgramId(data.program_id),
            mentor_id=MemberId(data.mentor_id),
            note=data.note,
        )
        return MentorRequestOut.of(await runner(send_mentor_request, command, actor))

    @post(
        "/{request_id:str}/accept",
        status_code=200,
        responses=_ANSWER,
        summary="Accept a request (the addressed mentor); returns the new connection",
    )
    async def accept(
        self, request_id: FromPath[str], actor: CurrentActor, runner: Runner
    ) -> ConnectionOut:
        command = AcceptMentorRequest(request_id=MentorRequestId(request_id))
        return ConnectionOut.of(await runner(accept_mentor_request, command, actor))

    @post(
        "/{request_id:str}/decline",
        status_code=200,
        responses=_ANSWER,
        summary="Decline a request (the addressed mentor), optionally saying why",
    )
    async def decline(
        self,
        request_id: FromPath[str],
        actor: CurrentActor,
        runner: Runner,
        data: JSONBody[DeclineReason | None] = None,
    ) -> MentorRequestOut:
        command = DeclineMentorRequest(
            request_id=MentorRequestId(request_id), reason=data.reason if data else ""
        )
        return MentorRequestOut.of(await runner(decline_mentor_request, command, actor))

    @post(
        "/{request_id:str}/withdraw",
        status_code=200,
        responses=_ANSWER,
        summary="Withdraw a request (the mentee who sent it)",
    )
    async def withdraw(
        self, request_id: FromPath[str], actor: CurrentActor, runner: Runner
    ) -> MentorRequestOut:
        command = WithdrawMentorRequest(request_id=MentorRequestId(request_id))
        return MentorRequestOut.of(await runner(withdraw_mentor_request, command, actor))
