# Over 300 lines: every port the use cases need, one Protocol each, read together in one place.
"""Ports: what the use cases need from the outside world, as Protocols adapters satisfy."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any, Protocol, Self

import attrs

from application.tokens import ApiToken
from domain.connection import Connection, Message
from domain.ids import (
    AssignmentId,
    ConnectionId,
    MeetingId,
    MemberId,
    MentorRequestId,
    OrganizationId,
    ProgramId,
    SurveyId,
    UserId,
)
from domain.meeting import MeetingProposal
from domain.mentor_request import MentorRequest
from domain.organization import Organization
from domain.people import Member, User
from domain.program import Program
from domain.survey import Survey, SurveyAssignment


class Clock(Protocol):
    """The current time, timezone-aware UTC. Injected so tests control it."""

    def now(self) -> datetime: ...


@attrs.frozen(kw_only=True)
class OutboxMessage:
    """A domain event waiting for delivery, written in the same transaction as the change."""

    id: int
    topic: str
    organization_id: str
    payload: dict[str, Any]
    created_at: datetime
    available_at: datetime  # when it is due; while claimed, when the lease ends
    status: str = "pending"  # pending, sending (claimed), handled, dead
    attempts: int = 0  # claims so far
    last_error: str | None = None


class OrganizationRepository(Protocol):
    """Organizations by id."""

    async def add(self, organization: Organization) -> None: ...
    async def get(self, id: OrganizationId) -> Organization: ...
    async def list(self) -> Sequence[Organization]: ...


class ProgramRepository(Protocol):
    """Programs; `get` raises NotFound."""

    async def add(self, program: Program) -> None: ...
    async def get(self, id: ProgramId) -> Program: ...
    async def list_for_organization(self, organization_id: OrganizationId) -> Sequence[Program]: ...


class UserRepository(Protocol):
    """Platform users; emails are unique within an organization."""

    async def add(self, user: User) -> None: ...
    async def get(self, id: UserId) -> User: ...
    async def find_by_email(self, organization_id: OrganizationId, email: str) -> User | None: ...
    async def list_for_organization(self, organization_id: OrganizationId) -> Sequence[User]: ...


class MemberRepository(Protocol):
    """Program memberships; one per (program, user)."""

    async def add(self, member: Member) -> None: ...
    async def get(self, id: MemberId) -> Member: ...
    async def find(self, program_id: ProgramId, user_id: UserId) -> Member | None: ...
    async def list_for_program(self, program_id: ProgramId) -> Sequence[Member]: ...
    async def list_for_user(self, user_id: UserId) -> Sequence[Member]: ...
    async def list_mentors(self, program_id: ProgramId) -> Sequence[Member]:
        """The program's members who mentor (what recommendations rank), without the rest."""
        ...
    async def get_many(self, ids: Sequence[MemberId]) -> Sequence[Member]:
        """The members with these ids (unknown ids are left out), in one round trip."""
        ...

    def guard(self, member: Member) -> None:
        """Make this transaction's commit fail if the member changes concurrently."""
        ...


class MessageRepository(Protocol):
    """Messages inside connections: added, never changed; read newest first in pages."""

    async def add(self, message: Message) -> None:
        """Store the message when the unit of work commits."""
        ...

    async def latest_for_connections(
        self, connection_ids: Sequence[ConnectionId], per_connection: int
    ) -> dict[ConnectionId, list[Message]]:
        """Each connection's latest `per_connection` messages, oldest of them first."""
        ...

    async def list_for_connection(
        self,
        connection_id: ConnectionId,
        *,
        before: datetime | None,
        limit: int,
        before_id: str | None = None,
    ) -> Sequence[Message]:
        """Up to `limit` messages, newest first (by sent_at, then id): the latest, or those
        that come before `before` (and, at exactly that time, before `before_id`)."""
        ...


class ConnectionRepository(Protocol):
    """Connections with their tasks (their messages live in `MessageRepository`)."""

    async def add(self, connection: Connection) -> None: ...
    async def get(self, id: ConnectionId) -> Connection: ...
    async def list_for_member(self, member_id: MemberId) -> Sequence[Connection]: ...
    async def active_mentee_counts(self, program_id: ProgramId) -> dict[MemberId, int]:
        """For each mentor of the program: how many mentees they have in active connections."""
        ...

    async def active_mentee_count(self, mentor_id: MemberId) -> int:
        """How many mentees one mentor has in active connections (cheap: one mentor's rows)."""
        ...


class MentorRequestRepository(Protocol):
    """Mentor requests; `list_overdue` finds pending ones past their deadline."""

    async def add(self, request: MentorRequest) -> None: ...
    async def get(self, id: MentorRequestId) -> MentorRequest: ...
    async def list_pending_for_member(self, member_id: MemberId) -> Sequence[MentorRequest]: ...
    async def list_overdue(
        self, now: datetime, limit: int, *, organization_id: OrganizationId | None
    ) -> Sequence[MentorRequest]:
        """Pending requests past their deadline, oldest first: in one organization, or in
        every organization when `organization_id` is None."""
        ...


class MeetingRepository(Protocol):
    """Meeting proposals by connection."""

    async def add(self, meeting: MeetingProposal) -> None: ...
    async def get(self, id: MeetingId) -> MeetingProposal: ...
    async def list_for_connection(
        self, connection_id: ConnectionId
    ) -> Sequence[MeetingProposal]: ...
    async def list_for_connections(
        self, connection_ids: Sequence[ConnectionId]
    ) -> Sequence[MeetingProposal]: ...
    async def list_overdue(
        self, now: datetime, limit: int, *, organization_id: OrganizationId | None
    ) -> Sequence[MeetingProposal]:
        """Pending proposals whose every slot has started: in one organization, or in every
        organization when `organization_id` is None."""
        ...


class SurveyRepository(Protocol):
    """Survey definitions."""

    async def add(self, survey: Survey) -> None: ...
    async def get(self, id: SurveyId) -> Survey: ...
    async def list_for_program(self, program_id: ProgramId) -> Sequence[Survey]: ...
    async def get_many(self, ids: Sequence[SurveyId]) -> Sequence[Survey]: ...


class SurveyAssignmentRepository(Protocol):
    """Surveys handed to connections, with their responses."""

    async def add(self, assignment: SurveyAssignment) -> None: ...
    async def get(self, id: AssignmentId) -> SurveyAssignment: ...
    async def find(
        self, survey_id: SurveyId, connection_id: ConnectionId
    ) -> SurveyAssignment | None: ...
    async def list_for_connection(
        self, connection_id: ConnectionId
    ) -> Sequence[SurveyAssignment]: ...
    async def list_for_connections(
        self, connection_ids: Sequence[ConnectionId]
    ) -> Sequence[SurveyAssignment]: ...


class ApiTokenRepository(Protocol):
    """API tokens, found by the hash of their secret (the secret itself is never stored)."""

    async def add(self, token: ApiToken) -> None: ...
    async def find_by_hash(self, token_hash: str) -> ApiToken | None: ...
    async def get(self, token_id: str) -> ApiToken:
        """The token with this id; NotFound if there is none."""
        ...

    async def list_for_user(self, user_id: str) -> Sequence[ApiToken]:
        """A user's tokens, revoked ones included, oldest first."""
        ...

    async def revoke(self, token: ApiToken) -> None:
        """Mark the token revoked when the unit of work commits."""
        ...


class PendingOutbox(Protocol):
    """The outbox as one transaction sees it (rows are written by `UnitOfWork.commit`)."""

    async def list_pending(self, limit: int = 100) -> Sequence[OutboxMessage]: ...


class Outbox(Protocol):
    """The delivery side of the outbox. Each call is its own transaction. A claimed row is
    leased: no other claim gets it until the lease ends, then it can be taken over."""

    async def claim(self, now: datetime, limit: int, lease: timedelta) -> Sequence[OutboxMessage]:
        """Lease up to `limit` due rows (pending, or claimed with an ended lease), oldest
        first; each claim counts as an attempt."""
        ...

    async def acknowledge(self, id: int) -> bool:
        """Mark a claimed row handled; False if it is not claimed (any more)."""
        ...

    async def retry(self, id: int, error: str, available_at: datetime) -> bool:
        """Keep `error` and make a claimed row due again at `available_at`, or dead once it has
        used its attempts; False if it is not claimed (any more)."""
        ...

    async def release(self, id: int, now: datetime) -> bool:
        """Give a claimed row back untried (a stopping worker): due at `now`, the claim's
        attempt not counted; False if it is not claimed (any more)."""
        ...


class UnitOfWork(Protocol):
    """One transaction. Changes to loaded or added aggregates and their events are written
    together on `commit()`; leaving the block without committing rolls everything back.
    A concurrent change to the same aggregate makes `commit()` raise ConcurrencyConflict."""

    @property
    def organizations(self) -> OrganizationRepository: ...
    @property
    def programs(self) -> ProgramRepository: ...
    @property
    def users(self) -> UserRepository: ...
    @property
    def members(self) -> MemberRepository: ...
    @property
    def connections(self) -> ConnectionRepository: ...
    @property
    def messages(self) -> MessageRepository: ...
    @property
    def mentor_requests(self) -> MentorRequestRepository: ...
    @property
    def meetings(self) -> MeetingRepository: ...
    @property
    def surveys(self) -> SurveyRepository: ...
    @property
    def survey_assignments(self) -> SurveyAssignmentRepository: ...
    @property
    def api_tokens(self) -> ApiTokenRepository: ...
    @property
    def outbox(self) -> PendingOutbox: ...

    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    async def commit(self) -> None: ...
    async def rollback(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    """Makes a fresh unit of work per use case run."""

    def __call__(self) -> UnitOfWork: ...
