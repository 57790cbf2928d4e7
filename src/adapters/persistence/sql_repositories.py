# Over 300 lines: one small repository class per aggregate of the mentoring world.
"""Repositories of aggregates over SQLAlchemy Core: each maps rows to aggregates through the
codec and the unit of work's identity map; writes happen in `SqlUnitOfWork.commit`. (Plain
rows that are no aggregates — messages, tokens, Slack event ids, the outbox — are in
`sql_rows`; the Slack installations and identities in `sql_slack_repositories`.)"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, func, select, true, union_all
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.persistence import quick_path as quick
from adapters.persistence import tables as t
from adapters.persistence.sql_rows import (
    SqlApiTokens,
    SqlMessages,
    SqlPendingOutbox,
    SqlSlackEvents,
)
from adapters.persistence.sql_session import SqlSession
from adapters.persistence.sql_slack_repositories import (
    SqlInstallations,
    SqlInstallAttempts,
    SqlSlackCallers,
    SqlSlackIdentities,
)
from adapters.persistence.sql_table import SqlTable, rows_of
from domain.connection import Connection, ConnectionStatus
from domain.ids import OrganizationId
from domain.meeting import MeetingProposal, MeetingStatus
from domain.mentor_request import MentorRequest, RequestStatus
from domain.organization import Organization
from domain.people import Member, User
from domain.program import Program
from domain.survey import Survey, SurveyAssignment

# Every query is built once (see sql_table); values are bound by name when it runs.
_MENTOR_SIDE = t.connection_participants.alias("mentor")
_MENTEE_SIDE = t.connection_participants.alias("mentee")
_ACTIVE = ConnectionStatus.ACTIVE.value
_PENDING = RequestStatus.PENDING.value
_PROGRAMS_OF_ORGANIZATION = select(t.programs.c.id).where(
    t.programs.c.organization_id == bindparam("organization_id")
)


def _active_mentees(*where: Any) -> Any:
    """Active connections' (mentor side, mentee side) pairs, filtered by `where`."""
    mentor, mentee, c = _MENTOR_SIDE, _MENTEE_SIDE, t.connections.c
    on_mentee = and_(mentee.c.connection_id == mentor.c.connection_id, mentee.c.role == "mentee")
    return (
        select(mentor.c.member_id, func.count())
        .select_from(mentor)
        .join(mentee, on_mentee)
        .join(t.connections, c.id == mentor.c.connection_id)
        .where(mentor.c.role == "mentor", c.status == _ACTIVE, *where)
    )


_MENTEES_PER_MENTOR = _active_mentees(t.connections.c.program_id == bindparam("program_id"))
_MENTEES_PER_MENTOR = _MENTEES_PER_MENTOR.group_by(_MENTOR_SIDE.c.member_id)
_MENTEES_OF_MENTOR = _active_mentees(_MENTOR_SIDE.c.member_id == bindparam("mentor_id"))
_MENTEES_OF_MENTOR = _MENTEES_OF_MENTOR.with_only_columns(func.count())
_ADD_PARTICIPANTS = t.connection_participants.insert()


def _pending_requests_of_member() -> Any:
    """A member's pending requests, either side. Written as a union so that each half uses its
    (member, status) index: with `mentee = :m OR mentor = :m`, SQLite's planner (without
    ANALYZE statistics) took the (status, expires_at) index and scanned every pending request."""
    c = t.mentor_requests.c
    columns = (c.id, c.version, c.data, c.created_at)
    member, pending = bindparam("member_id", type_=c.mentee_id.type), c.status == _PENDING
    as_mentee = select(*columns).where(c.mentee_id == member, pending)
    as_mentor = select(*columns).where(c.mentor_id == member, pending)
    return union_all(as_mentee, as_mentor).order_by("created_at", "id")


class SqlOrganizations(SqlTable[Organization]):
    table, kind, noun = t.organizations, Organization, "organization"
    _all = rows_of(t.organizations, order=[t.organizations.c.id])

    async def list(self) -> Sequence[Organization]:
        return await self._fetch(self._all)


class SqlPrograms(SqlTable[Program]):
    table, kind, noun = t.programs, Program, "program"
    _in_organization = rows_of(t.programs, t.programs.c.organization_id == bindparam("org"))

    def columns(self, aggregate: Program) -> dict[str, Any]:
        return {"organization_id": aggregate.organization_id}

    async def list_for_organization(self, organization_id: str) -> Sequence[Program]:
        return await self._fetch(self._in_organization, org=organization_id)


class SqlUsers(SqlTable[User]):
    table, kind, noun = t.users, User, "user"
    _in_organization = rows_of(t.users, t.users.c.organization_id == bindparam("org"))
    _by_email = rows_of(
        t.users,
        t.users.c.organization_id == bindparam("org"),
        t.users.c.email == bindparam("email"),
    )

    def columns(self, aggregate: User) -> dict[str, Any]:
        return {"organization_id": aggregate.organization_id, "email": aggregate.email}

    async def find_by_email(self, organization_id: str, email: str) -> User | None:
        return await self._first(self._by_email, org=organization_id, email=email.strip().lower())

    async def list_for_organization(self, organization_id: str) -> Sequence[User]:
        return await self._fetch(self._in_organization, org=organization_id)


class SqlMembers(SqlTable[Member]):
    table, kind, noun = t.members, Member, "member"
    _in_program = rows_of(t.members, t.members.c.program_id == bindparam("program_id"))
    _of_user = rows_of(t.members, t.members.c.user_id == bindparam("user_id"))
    _mentors_in_program = rows_of(
        t.members,
        t.members.c.program_id == bindparam("program_id"),
        t.members.c.is_mentor == true(),
    )
    _by_program_user = rows_of(
        t.members,
        t.members.c.program_id == bindparam("program_id"),
        t.members.c.user_id == bindparam("user_id"),
    )

    def columns(self, aggregate: Member) -> dict[str, Any]:
        return {
            "program_id": aggregate.program_id,
            "user_id": aggregate.user_id,
            "is_mentor": aggregate.is_mentor,
        }

    async def find(self, program_id: str, user_id: str) -> Member | None:
        return await self._first(self._by_program_user, program_id=program_id, user_id=user_id)

    async def list_for_program(self, program_id: str) -> Sequence[Member]:
        return await self._fetch(self._in_program, program_id=program_id)

    async def list_for_user(self, user_id: str) -> Sequence[Member]:
        return await self._fetch(self._of_user, user_id=user_id)

    async def list_mentors(self, program_id: str) -> Sequence[Member]:
        return await self._fetch(self._mentors_in_program, program_id=program_id)

    def guard(self, member: Member) -> None:
        self._session.seen.guard(self.name, member)


class SqlConnections(SqlTable[Connection]):
    table, kind, noun = t.connections, Connection, "connection"
    _of_member = rows_of(
        t.connections,
        t.connections.c.id.in_(
            select(t.connection_participants.c.connection_id).where(
                t.connection_participants.c.member_id == bindparam("member_id")
            )
        ),
        order=[t.connections.c.created_at, t.connections.c.id],
    )

    def columns(self, aggregate: Connection) -> dict[str, Any]:
        return {
            "program_id": aggregate.program_id,
            "status": aggregate.status.value,
            "created_at": aggregate.created_at,
        }

    async def after_insert(self, conn: AsyncConnection, aggregate: Connection) -> None:
        rows = [
            {"connection_id": aggregate.id, "member_id": m, "role": "mentor"}
            for m in aggregate.mentor_ids
        ] + [
            {"connection_id": aggregate.id, "member_id": m, "role": "mentee"}
            for m in aggregate.mentee_ids
        ]
        await quick.write(conn, _ADD_PARTICIPANTS, rows)

    async def list_for_member(self, member_id: str) -> Sequence[Connection]:
        return await self._fetch(self._of_member, member_id=member_id)

    async def active_mentee_counts(self, program_id: str) -> dict[Any, int]:
        values = {"program_id": program_id}
        rows = await quick.rows(self._session.connection, _MENTEES_PER_MENTOR, values)
        return {row[0]: int(row[1]) for row in rows}

    async def active_mentee_count(self, mentor_id: str) -> int:
        values = {"mentor_id": mentor_id}
        [(count,)] = await quick.rows(self._session.connection, _MENTEES_OF_MENTOR, values)
        return int(count)


class SqlMentorRequests(SqlTable[MentorRequest]):
    table, kind, noun = t.mentor_requests, MentorRequest, "mentor request"
    _pending_of_member = _pending_requests_of_member()
    _overdue = rows_of(
        t.mentor_requests,
        t.mentor_requests.c.status == _PENDING,
        t.mentor_requests.c.expires_at <= bindparam("now"),
        order=[t.mentor_requests.c.expires_at, t.mentor_requests.c.id],
    ).limit(bindparam("limit"))
    _overdue_in_organization = _overdue.where(
        t.mentor_requests.c.program_id.in_(_PROGRAMS_OF_ORGANIZATION)
    )

    def columns(self, aggregate: MentorRequest) -> dict[str, Any]:
        return {
            "program_id": aggregate.program_id,
            "mentee_id": aggregate.mentee_id,
            "mentor_id": aggregate.mentor_id,
            "status": aggregate.status.value,
            "created_at": aggregate.created_at,
            "expires_at": aggregate.expires_at,
        }

    async def list_pending_for_member(self, member_id: str) -> Sequence[MentorRequest]:
        return await self._fetch(self._pending_of_member, member_id=member_id)

    async def list_overdue(
        self, now: datetime, limit: int, *, organization_id: OrganizationId | None
    ) -> Sequence[MentorRequest]:
        if organization_id is None:
            return await self._fetch(self._overdue, now=now, limit=limit)
        return await self._fetch(
            self._overdue_in_organization, now=now, limit=limit, organization_id=organization_id
        )


class SqlMeetings(SqlTable[MeetingProposal]):
    table, kind, noun = t.meetings, MeetingProposal, "meeting"
    _order = (t.meetings.c.created_at, t.meetings.c.id)
    _of_connection = rows_of(
        t.meetings, t.meetings.c.connection_id == bindparam("connection_id"), order=_order
    )
    _of_connections = rows_of(
        t.meetings,
        t.meetings.c.connection_id.in_(bindparam("connection_ids", expanding=True)),
        order=_order,
    )
    _overdue = rows_of(
        t.meetings,
        t.meetings.c.status == MeetingStatus.PENDING.value,
        t.meetings.c.last_slot_start <= bindparam("now"),
        order=[t.meetings.c.last_slot_start, t.meetings.c.id],
    ).limit(bindparam("limit"))
    _overdue_in_organization = _overdue.where(
        t.meetings.c.connection_id.in_(
            select(t.connections.c.id).where(
                t.connections.c.program_id.in_(_PROGRAMS_OF_ORGANIZATION)
            )
        )
    )

    def columns(self, aggregate: MeetingProposal) -> dict[str, Any]:
        return {
            "connection_id": aggregate.connection_id,
            "status": aggregate.status.value,
            "created_at": aggregate.created_at,
            "last_slot_start": max(s.start for s in aggregate.slots),
        }

    async def list_for_connection(self, connection_id: str) -> Sequence[MeetingProposal]:
        return await self._fetch(self._of_connection, connection_id=connection_id)

    async def list_for_connections(
        self, connection_ids: Sequence[str]
    ) -> Sequence[MeetingProposal]:
        return await self._fetch(self._of_connections, connection_ids=list(connection_ids))

    async def list_overdue(
        self, now: datetime, limit: int, *, organization_id: OrganizationId | None
    ) -> Sequence[MeetingProposal]:
        if organization_id is None:
            return await self._fetch(self._overdue, now=now, limit=limit)
        return await self._fetch(
            self._overdue_in_organization, now=now, limit=limit, organization_id=organization_id
        )


class SqlSurveys(SqlTable[Survey]):
    table, kind, noun = t.surveys, Survey, "survey"
    _in_program = rows_of(t.surveys, t.surveys.c.program_id == bindparam("program_id"))

    def columns(self, aggregate: Survey) -> dict[str, Any]:
        return {"program_id": aggregate.program_id}

    async def list_for_program(self, program_id: str) -> Sequence[Survey]:
        return await self._fetch(self._in_program, program_id=program_id)


class SqlSurveyAssignments(SqlTable[SurveyAssignment]):
    table, kind, noun = t.survey_assignments, SurveyAssignment, "survey assignment"
    _order = (t.survey_assignments.c.assigned_at, t.survey_assignments.c.id)
    _by_survey_connection = rows_of(
        t.survey_assignments,
        t.survey_assignments.c.survey_id == bindparam("survey_id"),
        t.survey_assignments.c.connection_id == bindparam("connection_id"),
    )
    _of_connection = rows_of(
        t.survey_assignments,
        t.survey_assignments.c.connection_id == bindparam("connection_id"),
        order=_order,
    )
    _of_connections = rows_of(
        t.survey_assignments,
        t.survey_assignments.c.connection_id.in_(bindparam("connection_ids", expanding=True)),
        order=_order,
    )

    def columns(self, aggregate: SurveyAssignment) -> dict[str, Any]:
        return {
            "survey_id": aggregate.survey_id,
            "connection_id": aggregate.connection_id,
            "assigned_at": aggregate.assigned_at,
        }

    async def find(self, survey_id: str, connection_id: str) -> SurveyAssignment | None:
        return await self._first(
            self._by_survey_connection, survey_id=survey_id, connection_id=connection_id
        )

    async def list_for_connection(self, connection_id: str) -> Sequence[SurveyAssignment]:
        return await self._fetch(self._of_connection, connection_id=connection_id)

    async def list_for_connections(
        self, connection_ids: Sequence[str]
    ) -> Sequence[SurveyAssignment]:
        return await self._fetch(self._of_connections, connection_ids=list(connection_ids))


class SqlRepositories:
    """Every SQL store of one transaction (adding a store: one line here)."""

    def __init__(self, session: SqlSession) -> None:
        self.organizations = SqlOrganizations(session)
        self.programs = SqlPrograms(session)
        self.users = SqlUsers(session)
        self.members = SqlMembers(session)
        self.connections = SqlConnections(session)
        self.mentor_requests = SqlMentorRequests(session)
        self.meetings = SqlMeetings(session)
        self.surveys = SqlSurveys(session)
        self.survey_assignments = SqlSurveyAssignments(session)
        self.installations = SqlInstallations(session)
        self.slack_identities = SqlSlackIdentities(session)
        self.slack_callers = SqlSlackCallers(
            session,
            installations=self.installations,
            organizations=self.organizations,
            identities=self.slack_identities,
            users=self.users,
        )
        self.install_attempts = SqlInstallAttempts(session)
        self.messages = SqlMessages(session)
        self.slack_events = SqlSlackEvents(session)
        self.api_tokens = SqlApiTokens(session)
        self.outbox = SqlPendingOutbox(session)

    def tables(self) -> dict[str, SqlTable[Any]]:
        """The aggregate stores, by table name."""
        return {s.name: s for s in vars(self).values() if isinstance(s, SqlTable)}
