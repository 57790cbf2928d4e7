"""What a person's Home tab shows, read from the store: per program their connections (the
partners, the next meeting, open tasks, recent messages), requests they received and sent,
meetings waiting for an answer, surveys due and, for mentees, mentors they could ask; and
their notification preferences. Plain data: the Block Kit lives in `adapters.slack.home`.

Someone Slack knows but the platform does not (no identity in a connected workspace) gets a
`Stranger` page explaining how to be matched."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import attrs

from application.slack.ports import SlackUnitOfWork
from domain.connection import Connection, Message
from domain.ids import MemberId, UserId
from domain.matching import Ties
from domain.meeting import MeetingProposal, MeetingStatus
from domain.mentor_request import MentorRequest
from domain.people import Member
from domain.preferences import NotificationPreferences
from domain.recommendations import recommend_mentors
from domain.working_hours import WorkingWindow

MESSAGES = 3  # latest messages per connection
RECOMMENDED = 5  # mentors offered per program


@attrs.frozen(kw_only=True)
class HomeTask:
    connection_id: str
    task_id: str
    title: str
    due: datetime | None
    assignee: str | None  # a name, "you", or None: anyone in the connection


@attrs.frozen(kw_only=True)
class HomeMessage:
    author: str  # a name or "you"
    body: str
    sent_at: datetime


@attrs.frozen(kw_only=True)
class HomeMeeting:
    meeting_id: str
    title: str
    other: str  # the other person's name
    slots: tuple[tuple[datetime, int], ...]  # open slots: (start, minutes)
    mine_to_answer: bool  # the person is the invitee; else they proposed it and wait


@attrs.frozen(kw_only=True)
class NextMeeting:
    title: str
    start: datetime
    minutes: int


@attrs.frozen(kw_only=True)
class HomeConnection:
    connection_id: str
    partners: tuple[tuple[str, str], ...]  # (name, their role for the person: mentor/mentee)
    next_meeting: NextMeeting | None
    tasks: tuple[HomeTask, ...]
    messages: tuple[HomeMessage, ...]  # the latest, oldest first
    started: datetime


@attrs.frozen(kw_only=True)
class HomeRequest:
    request_id: str
    other: str  # the mentee (received) or the mentor (sent)
    other_member_id: str
    note: str
    sent_at: datetime
    expires_at: datetime


@attrs.frozen(kw_only=True)
class HomeSurvey:
    assignment_id: str
    title: str
    due: datetime | None
    with_whom: str


@attrs.frozen(kw_only=True)
class HomeMentor:
    mentor_id: str
    name: str
    reason: str
    open_places: int


@attrs.frozen(kw_only=True)
class ProgramHome:
    program_id: str
    name: str
    is_mentor: bool
    is_mentee: bool
    connections: tuple[HomeConnection, ...]
    received: tuple[HomeRequest, ...]
    sent: tuple[HomeRequest, ...]
    meetings: tuple[HomeMeeting, ...]
    surveys: tuple[HomeSurvey, ...]
    recommended: tuple[HomeMentor, ...]  # mentees only


@attrs.frozen(kw_only=True)
class Home:
    """Everything the person's Home tab shows, newest first within each list."""

    name: str
    programs: tuple[ProgramHome, ...]
    preferences: NotificationPreferences
    organization_window: WorkingWindow
    now: datetime
    notice: str = ""  # one-off: why the last change was refused


@attrs.frozen(kw_only=True)
class Stranger:
    """A Slack user the platform cannot match to anyone: how to get matched."""

    workspace: str  # its name, "" when unknown


async def read_home(
    uow: SlackUnitOfWork, user_id: UserId, preferences: NotificationPreferences, now: datetime
) -> Home:
    """The person's Home, read in the caller's unit of work."""
    user = await uow.users.get(user_id)
    organization = await uow.organizations.get(user.organization_id)
    programs = []
    for me in await uow.members.list_for_user(user_id):
        programs.append(await _program_home(uow, me, now))
    programs.sort(key=lambda p: p.name.lower())
    return Home(
        name=user.name, programs=tuple(programs), preferences=preferences,
        organization_window=organization.working_window, now=now,
    )  # fmt: skip


async def _program_home(uow: SlackUnitOfWork, me: Member, now: datetime) -> ProgramHome:
    program = await uow.programs.get(me.program_id)
    connections = [c for c in await uow.connections.list_for_member(me.id) if c.is_active]
    pending = await uow.mentor_requests.list_pending_for_member(me.id)
    pending = [r for r in pending if not r.is_overdue(now)]
    ids = [c.id for c in connections]
    meetings = list(await uow.meetings.list_for_connections(ids))
    assignments = await uow.survey_assignments.list_for_connections(ids)
    wanted = {p for c in connections for p in c.participants}
    wanted |= {r.mentee_id for r in pending} | {r.mentor_id for r in pending}
    people = {m.id: m for m in await uow.members.get_many(sorted(wanted))}
    names = _Names(people, me.id)
    messages = await uow.messages.latest_for_connections(ids, MESSAGES)
    due = [a for a in assignments if a.is_due_for(me.id)]
    titles = {s.id: s.title for s in await uow.surveys.get_many(sorted({a.survey_id for a in due}))}
    by_connection = {c.id: c for c in connections}
    newest = sorted(pending, key=lambda r: r.created_at, reverse=True)
    return ProgramHome(
        program_id=program.id, name=program.name, is_mentor=me.is_mentor, is_mentee=me.is_mentee,
        connections=tuple(
            _connection(c, me, names, meetings, messages.get(c.id, []), now)
            for c in sorted(connections, key=lambda c: c.created_at, reverse=True)
        ),
        received=tuple(_request(r, names, r.mentee_id) for r in newest if r.mentor_id == me.id),
        sent=tuple(_request(r, names, r.mentor_id) for r in newest if r.mentee_id == me.id),
        meetings=tuple(
            _meeting(m, me, names, now)
            for m in sorted(meetings, key=lambda m: m.created_at, reverse=True)
            if m.is_pending and m.open_slots(now)
        ),
        surveys=tuple(
            HomeSurvey(
                assignment_id=a.id, title=titles.get(a.survey_id, "Survey"), due=a.due,
                with_whom=names.list(by_connection[a.connection_id].partners_of(me.id)),
            )
            for a in sorted(due, key=lambda a: a.due or now)
        ),
        recommended=tuple(await _recommended(uow, me, connections, pending))
        if me.is_mentee else (),
    )  # fmt: skip


@attrs.frozen
class _Names:
    people: dict[MemberId, Member]
    me: MemberId

    def of(self, member_id: str) -> str:
        if member_id == self.me:
            return "you"
        found = self.people.get(MemberId(member_id))
        return found.name if found is not None else "someone who left the program"

    def list(self, member_ids: Sequence[str]) -> str:
        return ", ".join(self.of(m) for m in member_ids) or "your connection"


def _connection(
    c: Connection,
    me: Member,
    names: _Names,
    meetings: Sequence[MeetingProposal],
    messages: Sequence[Message],
    now: datetime,
) -> HomeConnection:
    partners = tuple(
        (names.of(p), "mentor" if p in c.mentor_ids else "mentee") for p in c.partners_of(me.id)
    )
    upcoming = sorted(
        (m for m in meetings
         if m.connection_id == c.id and m.status is MeetingStatus.ACCEPTED
         and m.accepted_slot is not None and m.accepted_slot.end > now),
        key=lambda m: m.accepted_slot.start if m.accepted_slot else now,
    )  # fmt: skip
    slot = upcoming[0].accepted_slot if upcoming else None
    tasks = sorted(c.open_tasks(), key=lambda t: (t.due is None, t.due or now, t.created_at))
    return HomeConnection(
        connection_id=c.id,
        partners=partners,
        next_meeting=None if slot is None else NextMeeting(
            title=upcoming[0].title, start=slot.start, minutes=slot.minutes),
        tasks=tuple(
            HomeTask(connection_id=c.id, task_id=t.id, title=t.title, due=t.due,
                     assignee=None if t.assignee_id is None else names.of(t.assignee_id))
            for t in tasks
        ),
        messages=tuple(
            HomeMessage(author=names.of(m.author_id), body=m.body, sent_at=m.sent_at)
            for m in messages
        ),
        started=c.created_at,
    )  # fmt: skip


def _request(r: MentorRequest, names: _Names, other: str) -> HomeRequest:
    return HomeRequest(
        request_id=r.id, other=names.of(other), other_member_id=other, note=r.note,
        sent_at=r.created_at, expires_at=r.expires_at,
    )  # fmt: skip


def _meeting(m: MeetingProposal, me: Member, names: _Names, now: datetime) -> HomeMeeting:
    mine = m.invitee_id == me.id
    return HomeMeeting(
        meeting_id=m.id, title=m.title,
        other=names.of(m.organizer_id if mine else m.invitee_id),
        slots=tuple((s.start, s.minutes) for s in m.open_slots(now)),
        mine_to_answer=mine,
    )  # fmt: skip


async def _recommended(
    uow: SlackUnitOfWork,
    me: Member,
    connections: Sequence[Connection],
    pending: Sequence[MentorRequest],
) -> list[HomeMentor]:
    program = await uow.programs.get(me.program_id)
    ties = Ties.of(me.id, connections=connections, pending=pending)
    ranked = recommend_mentors(
        me,
        await uow.members.list_for_program(program.id),
        loads=await uow.connections.active_mentee_counts(program.id),
        default_capacity=program.mentees_per_mentor,
        excluded=ties.connected | ties.requested,
        limit=RECOMMENDED,
    )
    return [
        HomeMentor(mentor_id=r.mentor_id, name=r.name, reason=r.reason, open_places=r.open_places)
        for r in ranked
    ]
