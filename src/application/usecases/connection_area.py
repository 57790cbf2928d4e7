"""What a member sees: connections (partners, tasks, messages, meetings), requests, surveys."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import attrs

from application.actors import Actor
from application.ports import Clock, UnitOfWork
from domain.connection import Connection, Message
from domain.meeting import MeetingProposal, MeetingStatus
from domain.mentor_request import MentorRequest
from domain.people import Member
from domain.survey import SurveyAssignment


@attrs.frozen(kw_only=True)
class MyConnectionArea:
    messages: int = 20  # latest messages per connection


@attrs.frozen(kw_only=True)
class ConnectionView:
    connection: Connection
    latest_messages: tuple[Message, ...]
    me: Member
    partners: tuple[Member, ...]
    next_meeting: MeetingProposal | None
    pending_meetings: tuple[MeetingProposal, ...]


@attrs.frozen(kw_only=True)
class SurveyDue:
    assignment: SurveyAssignment
    title: str
    member: Member


@attrs.frozen(kw_only=True)
class ConnectionArea:
    memberships: tuple[Member, ...]
    connections: tuple[ConnectionView, ...]
    pending_requests: tuple[MentorRequest, ...]
    surveys_due: tuple[SurveyDue, ...]


async def my_connection_area(
    query: MyConnectionArea, actor: Actor, uow: UnitOfWork, clock: Clock
) -> ConnectionArea:
    async with uow:
        now = clock.now()
        memberships = tuple(await uow.members.list_for_user(actor.user_id))
        views: list[ConnectionView] = []
        requests: list[MentorRequest] = []
        surveys: list[SurveyDue] = []
        for me in memberships:
            requests.extend(await uow.mentor_requests.list_pending_for_member(me.id))
            for connection in await uow.connections.list_for_member(me.id):
                if not connection.is_active:
                    continue
                keep = query.messages
                meetings = await uow.meetings.list_for_connection(connection.id)
                views.append(
                    ConnectionView(
                        connection=connection,
                        latest_messages=tuple(connection.messages[-keep:] if keep > 0 else ()),
                        me=me,
                        partners=tuple(
                            [await uow.members.get(p) for p in connection.partners_of(me.id)]
                        ),
                        next_meeting=_next_meeting(meetings, now),
                        pending_meetings=tuple(m for m in meetings if m.is_pending),
                    )
                )
                for assignment in await uow.survey_assignments.list_for_connection(connection.id):
                    if assignment.is_due_for(me.id):
                        survey = await uow.surveys.get(assignment.survey_id)
                        surveys.append(
                            SurveyDue(assignment=assignment, title=survey.title, member=me)
                        )
        return ConnectionArea(
            memberships=memberships,
            connections=tuple(views),
            pending_requests=tuple(requests),
            surveys_due=tuple(surveys),
        )


def _next_meeting(meetings: Sequence[MeetingProposal], now: datetime) -> MeetingProposal | None:
    upcoming = [
        (m.accepted_slot.start, m)
        for m in meetings
        if m.status is MeetingStatus.ACCEPTED and m.accepted_slot and m.accepted_slot.end > now
    ]
    return min(upcoming, key=lambda pair: pair[0])[1] if upcoming else None
