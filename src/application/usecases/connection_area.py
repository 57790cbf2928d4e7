"""What a member sees: connections (partners, tasks, messages, meetings), requests, surveys."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TypeVar

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
        keep = query.messages
        memberships = tuple(await uow.members.list_for_user(actor.user_id))
        requests: list[MentorRequest] = []
        mine: list[tuple[Member, Connection]] = []
        for me in memberships:
            requests.extend(await uow.mentor_requests.list_pending_for_member(me.id))
            mine.extend(
                (me, c) for c in await uow.connections.list_for_member(me.id) if c.is_active
            )
        # One query per kind for all connections together, not one per connection.
        ids = [c.id for _, c in mine]
        messages = await uow.messages.latest_for_connections(ids, keep)
        meetings = _by_connection(await uow.meetings.list_for_connections(ids))
        assignments = _by_connection(await uow.survey_assignments.list_for_connections(ids))
        partner_ids = {p for me, c in mine for p in c.partners_of(me.id)}
        people = {m.id: m for m in await uow.members.get_many(sorted(partner_ids))}
        due = [(a, me) for me, c in mine for a in assignments.get(c.id, []) if a.is_due_for(me.id)]
        titles = {
            s.id: s.title for s in await uow.surveys.get_many(sorted({a.survey_id for a, _ in due}))
        }
        views = tuple(
            ConnectionView(
                connection=c,
                latest_messages=tuple(messages.get(c.id, ())),
                me=me,
                partners=tuple(people[p] for p in c.partners_of(me.id) if p in people),
                next_meeting=_next_meeting(meetings.get(c.id, []), now),
                pending_meetings=tuple(m for m in meetings.get(c.id, []) if m.is_pending),
            )
            for me, c in mine
        )
        return ConnectionArea(
            memberships=memberships,
            connections=views,
            pending_requests=tuple(requests),
            surveys_due=tuple(
                SurveyDue(assignment=a, title=titles[a.survey_id], member=me) for a, me in due
            ),
        )


_WithConnection = TypeVar("_WithConnection", MeetingProposal, SurveyAssignment)


def _by_connection(items: Sequence[_WithConnection]) -> dict[str, list[_WithConnection]]:
    grouped: dict[str, list[_WithConnection]] = {}
    for item in items:
        grouped.setdefault(item.connection_id, []).append(item)
    return grouped


def _next_meeting(meetings: Sequence[MeetingProposal], now: datetime) -> MeetingProposal | None:
    upcoming = [
        (m.accepted_slot.start, m)
        for m in meetings
        if m.status is MeetingStatus.ACCEPTED and m.accepted_slot and m.accepted_slot.end > now
    ]
    return min(upcoming, key=lambda pair: pair[0])[1] if upcoming else None
