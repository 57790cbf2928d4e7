"""Repositories over SQLAlchemy Core: each maps rows to aggregates through the codec and the
unit of work's identity map; writes happen in `SqlUnitOfWork.commit`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.persistence import tables as t
from adapters.persistence.sealing import seal_installation, unseal_installation
from adapters.persistence.sql_table import SqlTable
from application.ports import OutboxMessage
from application.tokens import ApiToken
from domain.connection import Connection, ConnectionStatus
from domain.install_attempt import InstallAttempt
from domain.installation import WorkspaceInstallation
from domain.meeting import MeetingProposal, MeetingStatus
from domain.mentor_request import MentorRequest, RequestStatus
from domain.organization import Organization
from domain.people import Member, User
from domain.program import Program
from domain.slack_identity import SlackIdentity
from domain.survey import Survey, SurveyAssignment

if TYPE_CHECKING:
    from adapters.persistence.sql_uow import SqlUnitOfWork


# Built once: a fresh alias per call re-derives its column collection, about 5% of an accept's
# CPU under load (bench/api_load.py profile).
_MENTOR_SIDE = t.connection_participants.alias("mentor")
_MENTEE_SIDE = t.connection_participants.alias("mentee")


class SqlOrganizations(SqlTable[Organization]):
    table, kind, noun = t.organizations, Organization, "organization"

    async def list(self) -> Sequence[Organization]:
        return await self._select(order=[t.organizations.c.id])


class SqlPrograms(SqlTable[Program]):
    table, kind, noun = t.programs, Program, "program"

    def columns(self, aggregate: Program) -> dict[str, Any]:
        return {"organization_id": aggregate.organization_id}

    async def list_for_organization(self, organization_id: str) -> Sequence[Program]:
        return await self._select(t.programs.c.organization_id == organization_id)


class SqlUsers(SqlTable[User]):
    table, kind, noun = t.users, User, "user"

    def columns(self, aggregate: User) -> dict[str, Any]:
        return {"organization_id": aggregate.organization_id, "email": aggregate.email}

    async def find_by_email(self, organization_id: str, email: str) -> User | None:
        c = t.users.c
        found = await self._select(
            c.organization_id == organization_id, c.email == email.strip().lower()
        )
        return found[0] if found else None

    async def list_for_organization(self, organization_id: str) -> Sequence[User]:
        return await self._select(t.users.c.organization_id == organization_id)


class SqlMembers(SqlTable[Member]):
    table, kind, noun = t.members, Member, "member"

    def columns(self, aggregate: Member) -> dict[str, Any]:
        return {"program_id": aggregate.program_id, "user_id": aggregate.user_id}

    async def find(self, program_id: str, user_id: str) -> Member | None:
        c = t.members.c
        found = await self._select(c.program_id == program_id, c.user_id == user_id)
        return found[0] if found else None

    async def list_for_program(self, program_id: str) -> Sequence[Member]:
        return await self._select(t.members.c.program_id == program_id)

    async def list_for_user(self, user_id: str) -> Sequence[Member]:
        return await self._select(t.members.c.user_id == user_id)

    def guard(self, member: Member) -> None:
        self._uow.seen.guard(self.name, member)


class SqlConnections(SqlTable[Connection]):
    table, kind, noun = t.connections, Connection, "connection"

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
        await conn.execute(t.connection_participants.insert(), rows)

    async def list_for_member(self, member_id: str) -> Sequence[Connection]:
        p = t.connection_participants.c
        mine = select(p.connection_id).where(p.member_id == member_id)
        c = t.connections.c
        return await self._select(c.id.in_(mine), order=[c.created_at, c.id])

    async def active_mentee_counts(self, program_id: str) -> dict[Any, int]:
        mentor, mentee = _MENTOR_SIDE, _MENTEE_SIDE
        c = t.connections.c
        query = (
            select(mentor.c.member_id, func.count())
            .select_from(mentor)
            .join(
                mentee,
                and_(mentee.c.connection_id == mentor.c.connection_id, mentee.c.role == "mentee"),
            )
            .join(t.connections, c.id == mentor.c.connection_id)
            .where(
                mentor.c.role == "mentor",
                c.program_id == program_id,
                c.status == ConnectionStatus.ACTIVE.value,
            )
            .group_by(mentor.c.member_id)
        )
        rows = (await self._uow.connection.execute(query)).all()
        return {row[0]: int(row[1]) for row in rows}

    async def active_mentee_count(self, mentor_id: str) -> int:
        mentor, mentee = _MENTOR_SIDE, _MENTEE_SIDE
        c = t.connections.c
        query = (
            select(func.count())
            .select_from(mentor)
            .join(
                mentee,
                and_(mentee.c.connection_id == mentor.c.connection_id, mentee.c.role == "mentee"),
            )
            .join(t.connections, c.id == mentor.c.connection_id)
            .where(
                mentor.c.member_id == mentor_id,
                mentor.c.role == "mentor",
                c.status == ConnectionStatus.ACTIVE.value,
            )
        )
        return int((await self._uow.connection.execute(query)).scalar_one())


class SqlMentorRequests(SqlTable[MentorRequest]):
    table, kind, noun = t.mentor_requests, MentorRequest, "mentor request"

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
        c = t.mentor_requests.c
        return await self._select(
            c.status == RequestStatus.PENDING.value,
            (c.mentee_id == member_id) | (c.mentor_id == member_id),
            order=[c.created_at, c.id],
        )

    async def find_pending(self, mentee_id: str, mentor_id: str) -> MentorRequest | None:
        c = t.mentor_requests.c
        found = await self._select(
            c.status == RequestStatus.PENDING.value,
            c.mentee_id == mentee_id,
            c.mentor_id == mentor_id,
        )
        return found[0] if found else None

    async def list_overdue(self, now: datetime, limit: int) -> Sequence[MentorRequest]:
        c = t.mentor_requests.c
        found = await self._select(
            c.status == RequestStatus.PENDING.value, c.expires_at <= now, order=[c.expires_at, c.id]
        )
        return found[:limit]


class SqlMeetings(SqlTable[MeetingProposal]):
    table, kind, noun = t.meetings, MeetingProposal, "meeting"

    def columns(self, aggregate: MeetingProposal) -> dict[str, Any]:
        return {
            "connection_id": aggregate.connection_id,
            "status": aggregate.status.value,
            "created_at": aggregate.created_at,
            "last_slot_start": max(s.start for s in aggregate.slots),
        }

    async def list_for_connection(self, connection_id: str) -> Sequence[MeetingProposal]:
        c = t.meetings.c
        return await self._select(c.connection_id == connection_id, order=[c.created_at, c.id])

    async def list_for_connections(
        self, connection_ids: Sequence[str]
    ) -> Sequence[MeetingProposal]:
        c = t.meetings.c
        ids = list(connection_ids)
        return await self._select(c.connection_id.in_(ids), order=[c.created_at, c.id])

    async def list_overdue(self, now: datetime, limit: int) -> Sequence[MeetingProposal]:
        c = t.meetings.c
        found = await self._select(
            c.status == MeetingStatus.PENDING.value,
            c.last_slot_start <= now,
            order=[c.last_slot_start, c.id],
        )
        return found[:limit]


class SqlSurveys(SqlTable[Survey]):
    table, kind, noun = t.surveys, Survey, "survey"

    def columns(self, aggregate: Survey) -> dict[str, Any]:
        return {"program_id": aggregate.program_id}

    async def list_for_program(self, program_id: str) -> Sequence[Survey]:
        return await self._select(t.surveys.c.program_id == program_id)


class SqlSurveyAssignments(SqlTable[SurveyAssignment]):
    table, kind, noun = t.survey_assignments, SurveyAssignment, "survey assignment"

    def columns(self, aggregate: SurveyAssignment) -> dict[str, Any]:
        return {
            "survey_id": aggregate.survey_id,
            "connection_id": aggregate.connection_id,
            "assigned_at": aggregate.assigned_at,
        }

    async def find(self, survey_id: str, connection_id: str) -> SurveyAssignment | None:
        c = t.survey_assignments.c
        found = await self._select(c.survey_id == survey_id, c.connection_id == connection_id)
        return found[0] if found else None

    async def list_for_connection(self, connection_id: str) -> Sequence[SurveyAssignment]:
        c = t.survey_assignments.c
        return await self._select(c.connection_id == connection_id, order=[c.assigned_at, c.id])

    async def list_for_connections(
        self, connection_ids: Sequence[str]
    ) -> Sequence[SurveyAssignment]:
        c = t.survey_assignments.c
        ids = list(connection_ids)
        return await self._select(c.connection_id.in_(ids), order=[c.assigned_at, c.id])


class SqlInstallations(SqlTable[WorkspaceInstallation]):
    table, kind, noun = t.installations, WorkspaceInstallation, "workspace installation"

    def columns(self, aggregate: WorkspaceInstallation) -> dict[str, Any]:
        return {
            "organization_id": aggregate.organization_id,
            "slack_key": aggregate.workspace.key,
            "status": aggregate.status.value,
        }

    def encode(self, state: dict[str, Any]) -> dict[str, Any]:
        return seal_installation(state, self._uow.sealer)

    def decode(self, data: dict[str, Any]) -> dict[str, Any]:
        return unseal_installation(data, self._uow.sealer)

    async def find_by_key(self, slack_key: str) -> WorkspaceInstallation | None:
        found = await self._select(t.installations.c.slack_key == slack_key)
        return found[0] if found else None

    async def list_for_organization(self, organization_id: str) -> Sequence[WorkspaceInstallation]:
        return await self._select(t.installations.c.organization_id == organization_id)


class SqlSlackIdentities(SqlTable[SlackIdentity]):
    table, kind, noun = t.slack_identities, SlackIdentity, "Slack identity"

    def columns(self, aggregate: SlackIdentity) -> dict[str, Any]:
        return {
            "organization_id": aggregate.organization_id,
            "user_id": aggregate.user_id,
            "directory_key": aggregate.directory_key,
            "slack_user_id": aggregate.slack_user_id,
        }

    async def list_for_organization(self, organization_id: str) -> Sequence[SlackIdentity]:
        return await self._select(t.slack_identities.c.organization_id == organization_id)

    async def list_for_user(self, user_id: str) -> Sequence[SlackIdentity]:
        return await self._select(t.slack_identities.c.user_id == user_id)


class SqlInstallAttempts(SqlTable[InstallAttempt]):
    table, kind, noun = t.install_attempts, InstallAttempt, "install attempt"

    def columns(self, aggregate: InstallAttempt) -> dict[str, Any]:
        return {"created_at": aggregate.created_at}


class SqlSlackEvents:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    async def first_time(self, event_id: str, now: datetime) -> bool:
        if event_id in self._uow.new_events:
            return False
        query = select(t.slack_events.c.event_id).where(t.slack_events.c.event_id == event_id)
        if (await self._uow.connection.execute(query)).first() is not None:
            return False
        self._uow.new_events[event_id] = now
        return True


class SqlApiTokens:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    async def add(self, token: ApiToken) -> None:
        self._uow.new_tokens.append(token)

    async def find_by_hash(self, token_hash: str) -> ApiToken | None:
        query = select(t.api_tokens).where(t.api_tokens.c.token_hash == token_hash)
        row = (await self._uow.connection.execute(query)).mappings().first()
        return None if row is None else ApiToken(**dict(row))


class SqlOutbox:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    async def list_pending(self, limit: int = 100) -> Sequence[OutboxMessage]:
        c = t.outbox.c
        query = select(t.outbox).where(c.status == "pending").order_by(c.id).limit(limit)
        rows = (await self._uow.connection.execute(query)).mappings().all()
        return [
            OutboxMessage(
                id=r["id"],
                topic=r["topic"],
                organization_id=r["organization_id"],
                payload=r["payload"],
                created_at=r["created_at"],
                status=r["status"],
            )
            for r in rows
        ]
