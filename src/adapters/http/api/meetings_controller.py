"""Answering a meeting proposal: the invitee accepts one slot or declines; cancelling."""

from __future__ import annotations

from litestar import Controller, post
from litestar.params import FromPath, JSONBody

from adapters.http.api.auth import CurrentActor
from adapters.http.api.errors import problems
from adapters.http.api.schemas.meetings import MeetingOut, SlotChoice
from adapters.http.api.schemas.mentor_requests import DeclineReason
from adapters.http.dependencies import Runner
from application.usecases.meetings import (
    AcceptMeeting,
    CancelMeeting,
    DeclineMeeting,
    accept_meeting,
    cancel_meeting,
    decline_meeting,
)
from domain.ids import MeetingId

_ANSWER = problems(403, 404, 409, 422)


class MeetingsController(Controller):
    path = "/meetings/{meeting_id:str}"
    tags = ["meetings"]

    @post(
        "/accept",
        status_code=200,
        summary="Accept one proposed slot (the invitee)",
        responses=_ANSWER,
    )
    async def accept(
        self,
        meeting_id: FromPath[str],
        data: JSONBody[SlotChoice],
        actor: CurrentActor,
        runner: Runner,
    ) -> MeetingOut:
        command = AcceptMeeting(meeting_id=MeetingId(meeting_id), slot_start=data.slot_start)
        return MeetingOut.of(await runner(accept_meeting, command, actor))

    @post(
        "/decline", status_code=200, summary="Decline the proposal (the invitee)", responses=_ANSWER
    )
    async def decline(
        self,
        meeting_id: FromPath[str],
        actor: CurrentActor,
        runner: Runner,
        data: JSONBody[DeclineReason | None] = None,
    ) -> MeetingOut:
        reason = data.reason if data else ""
        command = DeclineMeeting(meeting_id=MeetingId(meeting_id), reason=reason)
        return MeetingOut.of(await runner(decline_meeting, command, actor))

    @post("/cancel", status_code=200, summary="Cancel the meeting", responses=_ANSWER)
    async def cancel(
        self, meeting_id: FromPath[str], actor: CurrentActor, runner: Runner
    ) -> MeetingOut:
        command = CancelMeeting(meeting_id=MeetingId(meeting_id))
        return MeetingOut.of(await runner(cancel_meeting, command, actor))
