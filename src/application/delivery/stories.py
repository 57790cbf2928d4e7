"""Reading what an event is about: the subject, the facts its notifications carry (JSON-ready:
names, notes, ISO instants...) and the user ids behind each audience of the table in
`application.delivery.notifications`. One gatherer per event family; `gather` picks it.

People appear in facts as `{"member_id", "user_id", "name"}` so a renderer can tell the
viewer ("you") from the others."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any

from application.delivery.model import Subject
from application.delivery.story import Audience, Story
from application.delivery.waiting import person, recommendations_for, welcome_story
from application.slack.ports import SlackUnitOfWork
from domain.connection import (
    ConnectionPublished,
    MessageSent,
    TaskAdded,
    TaskCompleted,
)
from domain.errors import NotFound
from domain.events import DomainEvent
from domain.ids import (
    AssignmentId,
    ConnectionId,
    MeetingId,
    MemberId,
    MentorRequestId,
    ProgramId,
    SurveyId,
    UserId,
)
from domain.meeting import (
    MeetingAccepted,
    MeetingCancelled,
    MeetingDeclined,
    MeetingEvent,
    MeetingExpired,
)
from domain.mentor_request import (
    MentorRequestAccepted,
    MentorRequestDeclined,
    MentorRequestEvent,
    MentorRequestExpired,
    MentorRequestWithdrawn,
)
from domain.people import Member, MenteeJoined
from domain.program import AnnouncementMade
from domain.program import Audience as ProgramAudience
from domain.slack.identity import SlackIdentityFound
from domain.survey import SurveyAnswered, SurveyAssigned

A = Audience


def version_of(at: datetime) -> int:
    """An increasing number for a subject's state: the event time in microseconds."""
    return int(at.timestamp() * 1_000_000)


def iso(at: datetime | None) -> str | None:
    return None if at is None else at.isoformat()


async def _members(uow: SlackUnitOfWork, ids: Sequence[str]) -> dict[str, Member]:
    found = await uow.members.get_many([MemberId(i) for i in ids])
    return {m.id: m for m in found}


def _users(members: dict[str, Member], ids: Sequence[str]) -> tuple[str, ...]:
    return tuple(members[i].user_id for i in ids if i in members)


async def gather(event: DomainEvent, uow: SlackUnitOfWork) -> Story:
    """The story of one event (its family's gatherer reads the store)."""
    for family, gatherer in _GATHERERS:
        if isinstance(event, family):
            return await gatherer(event, uow)
    raise LookupError(f"No story is gathered for {event.topic!r}.")


async def _request(event: Any, uow: SlackUnitOfWork) -> Story:
    e: MentorRequestEvent = event
    request = await uow.mentor_requests.get(MentorRequestId(e.request_id))
    program = await uow.programs.get(ProgramId(e.program_id))
    members = await _members(uow, [e.mentee_id, e.mentor_id])
    mentee, mentor = members[e.mentee_id], members[e.mentor_id]
    outcome, by = "sent", mentee
    recommended: list[dict[str, Any]] = []
    if isinstance(e, MentorRequestAccepted | MentorRequestDeclined):
        outcome, by = ("accepted" if isinstance(e, MentorRequestAccepted) else "declined"), mentor
    elif isinstance(e, MentorRequestWithdrawn):
        outcome = "withdrawn"
    elif isinstance(e, MentorRequestExpired):
        outcome = "expired"
    if isinstance(e, MentorRequestDeclined | MentorRequestExpired):
        recommended = await recommendations_for(uow, mentee, program, besides={mentor.id})
    facts = {
        "request_id": request.id, "program_name": program.name,
        "mentee": {**person(mentee), "goals": sorted(mentee.profile.goals),
                   "expertise": sorted(mentee.profile.expertise), "bio": mentee.profile.bio},
        "mentor": person(mentor), "note": request.note, "expires_at": iso(request.expires_at),
        "outcome": outcome, "reason": getattr(e, "reason", ""),
        "connection_id": getattr(e, "connection_id", None), "at": iso(e.occurred_at),
        "by": None if outcome == "expired" else person(by), "recommended": recommended,
    }  # fmt: skip
    return Story(
        subject=Subject(kind="mentor_request", id=request.id), program_id=program.id,
        version=version_of(e.occurred_at), facts=facts,
        audiences={A.MENTOR: (mentor.user_id,), A.MENTEE: (mentee.user_id,)},
    )  # fmt: skip


async def _meeting(event: Any, uow: SlackUnitOfWork) -> Story:
    e: MeetingEvent = event
    meeting = await uow.meetings.get(MeetingId(e.meeting_id))
    connection = await uow.connections.get(ConnectionId(e.connection_id))
    members = await _members(uow, [e.organizer_id, e.invitee_id])
    organizer, invitee = members[e.organizer_id], members[e.invitee_id]
    by: Member | None = invitee
    outcome = _MEETING_OUTCOMES.get(type(e), "proposed")
    if isinstance(e, MeetingCancelled):
        by = organizer if e.by_member_id == organizer.id else invitee
    elif isinstance(e, MeetingExpired):
        by = None
    elif outcome == "proposed":
        by = organizer
    other = organizer if by is None or by.id == invitee.id else invitee
    chosen = meeting.accepted_slot
    facts = {
        "meeting_id": meeting.id, "connection_id": connection.id, "title": meeting.title,
        "organizer": person(organizer), "invitee": person(invitee),
        "slots": [{"start": iso(s.start), "minutes": s.minutes} for s in meeting.slots],
        "outcome": outcome, "reason": getattr(e, "reason", ""), "at": iso(e.occurred_at),
        "chosen": None if chosen is None else {"start": iso(chosen.start),
                                               "minutes": chosen.minutes},
        "by": None if by is None else person(by),
    }  # fmt: skip
    return Story(
        subject=Subject(kind="meeting", id=meeting.id), program_id=connection.program_id,
        version=version_of(e.occurred_at), facts=facts,
        audiences={A.INVITEE: (invitee.user_id,), A.OTHER_PARTY: (other.user_id,)},
    )  # fmt: skip


_MEETING_OUTCOMES: dict[type[MeetingEvent], str] = {
    MeetingAccepted: "accepted", MeetingDeclined: "declined",
    MeetingCancelled: "cancelled", MeetingExpired: "expired",
}  # fmt: skip


async def _connection(event: Any, uow: SlackUnitOfWork) -> Story:
    e: ConnectionPublished = event
    connection = await uow.connections.get(ConnectionId(e.connection_id))
    program = await uow.programs.get(connection.program_id)
    members = await _members(uow, connection.participants)
    people = [
        {**person(m), "role": "mentor" if m.id in connection.mentor_ids else "mentee",
         "goals": sorted(m.profile.goals), "expertise": sorted(m.profile.expertise)}
        for i in connection.participants if (m := members.get(i)) is not None
    ]  # fmt: skip
    return Story(
        subject=Subject(kind="connection", id=connection.id), program_id=program.id,
        version=version_of(e.occurred_at),
        facts={"connection_id": connection.id, "program_name": program.name,
               "participants": people, "at": iso(e.occurred_at)},
        audiences={A.PARTICIPANTS: _users(members, connection.participants)},
    )  # fmt: skip


async def _message(event: Any, uow: SlackUnitOfWork) -> Story:
    e: MessageSent = event
    connection = await uow.connections.get(ConnectionId(e.connection_id))
    members = await _members(uow, [e.author_id, *e.recipient_ids])
    latest = await uow.messages.list_for_connection(connection.id, before=None, limit=50)
    message = next((m for m in latest if m.id == e.message_id), None)
    recipients = [r for r in e.recipient_ids if r != e.author_id]
    return Story(
        subject=Subject(kind="connection", id=connection.id), program_id=connection.program_id,
        version=version_of(e.occurred_at),
        facts={"connection_id": connection.id, "message_id": e.message_id,
               "author": person(members[e.author_id]), "at": iso(e.occurred_at),
               "body": message.body if message is not None else ""},
        audiences={A.PARTNERS: _users(members, recipients)},
    )  # fmt: skip


async def _task(event: Any, uow: SlackUnitOfWork) -> Story:
    e: TaskAdded | TaskCompleted = event
    connection = await uow.connections.get(ConnectionId(e.connection_id))
    task = next(t for t in connection.tasks if t.id == e.task_id)
    members = await _members(uow, connection.participants)
    by = members[e.by_member_id]
    assignee = members.get(task.assignee_id) if task.assignee_id else None
    told = (assignee.user_id,) if assignee is not None else ()
    if isinstance(e, TaskAdded) and assignee is not None and assignee.id == by.id:
        told = ()  # a task one gives oneself needs no DM
    others = [p for p in connection.participants if p != by.id]
    return Story(
        subject=Subject(kind="task", id=f"{connection.id}:{task.id}"),
        program_id=connection.program_id, version=version_of(e.occurred_at),
        facts={"connection_id": connection.id, "task_id": task.id, "title": task.title,
               "due": iso(task.due), "outcome": "done" if isinstance(e, TaskCompleted) else "open",
               "assignee": None if assignee is None else person(assignee), "by": person(by),
               "at": iso(e.occurred_at)},
        audiences={A.ASSIGNEE: told, A.OTHER_PARTICIPANTS: _users(members, others)},
    )  # fmt: skip


async def _survey(event: Any, uow: SlackUnitOfWork) -> Story:
    e: SurveyAssigned | SurveyAnswered = event
    assignment = await uow.survey_assignments.get(AssignmentId(e.assignment_id))
    survey = await uow.surveys.get(SurveyId(e.survey_id))
    connection = await uow.connections.get(ConnectionId(e.connection_id))
    members = await _members(uow, connection.participants)
    answered = isinstance(e, SurveyAnswered)
    respondents = (e.respondent_id,) if isinstance(e, SurveyAnswered) else e.respondent_ids
    return Story(
        subject=Subject(kind="survey_assignment", id=assignment.id),
        program_id=connection.program_id, version=version_of(e.occurred_at),
        facts={"assignment_id": assignment.id, "survey_id": survey.id, "title": survey.title,
               "due": iso(assignment.due), "connection_id": connection.id,
               "participants": [person(m) for m in members.values()],
               "outcome": "answered" if answered else "open", "at": iso(e.occurred_at)},
        audiences={A.RESPONDENT if answered else A.RESPONDENTS: _users(members, respondents)},
        subject_per_recipient=True,
    )  # fmt: skip


async def _announcement(event: Any, uow: SlackUnitOfWork) -> Story:
    e: AnnouncementMade = event
    program = await uow.programs.get(ProgramId(e.program_id))
    wanted = ProgramAudience(e.audience)
    audience = [
        m.user_id
        for m in await uow.members.list_for_program(program.id)
        if wanted is ProgramAudience.ALL
        or (m.is_mentor if wanted is ProgramAudience.MENTORS else m.is_mentee)
    ]
    try:
        author = (await uow.users.get(UserId(e.by_user_id))).name
    except NotFound:  # support staff act from outside the organization's users
        author = ""
    return Story(
        subject=Subject(kind="announcement", id=e.announcement_id), program_id=program.id,
        version=version_of(e.occurred_at),
        facts={"announcement_id": e.announcement_id, "program_name": program.name,
               "text": e.text, "audience": e.audience, "by_name": author or program.name,
               "at": iso(e.occurred_at)},
        audiences={A.PROGRAM_AUDIENCE: tuple(dict.fromkeys(audience))},
    )  # fmt: skip


async def _mentee_joined(event: Any, uow: SlackUnitOfWork) -> Story:
    e: MenteeJoined = event
    member = await uow.members.get(MemberId(e.member_id))
    program = await uow.programs.get(member.program_id)
    return Story(
        subject=Subject(kind="member", id=member.id), program_id=program.id,
        version=version_of(e.occurred_at),
        facts={"member": person(member), "program_id": program.id, "program_name": program.name,
               "goals": sorted(member.profile.goals),
               "recommended": await recommendations_for(uow, member, program),
               "at": iso(e.occurred_at)},
        audiences={A.MENTEE: (member.user_id,)},
    )  # fmt: skip


async def _welcome(event: Any, uow: SlackUnitOfWork) -> Story:
    return await welcome_story(event, uow, version_of(event.occurred_at))


_Gatherer = Callable[[Any, SlackUnitOfWork], Awaitable[Story]]
_GATHERERS: tuple[tuple[type[DomainEvent] | tuple[type[DomainEvent], ...], _Gatherer], ...] = (
    (MentorRequestEvent, _request),
    (MeetingEvent, _meeting),
    (ConnectionPublished, _connection),
    (MessageSent, _message),
    ((TaskAdded, TaskCompleted), _task),
    ((SurveyAssigned, SurveyAnswered), _survey),
    (AnnouncementMade, _announcement),
    (MenteeJoined, _mentee_joined),
    (SlackIdentityFound, _welcome),
)
