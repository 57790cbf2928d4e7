"""A mentee asks a mentor for mentoring; the mentor accepts (within capacity) or declines."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import ClassVar, TypedDict

import attrs

from domain.aggregate import Aggregate
from domain.connection import Connection
from domain.errors import IllegalTransition, InvalidInput, NotAllowed
from domain.events import DomainEvent
from domain.ids import ConnectionId, MemberId, MentorRequestId, OrganizationId, ProgramId
from domain.matching import Places, ensure_room_to_accept


class RequestStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


@attrs.frozen(kw_only=True)
class MentorRequestEvent(DomainEvent):
    request_id: str
    program_id: str
    mentee_id: str
    mentor_id: str


@attrs.frozen(kw_only=True)
class MentorRequested(MentorRequestEvent):
    topic: ClassVar[str] = "mentor_request.sent"
    note: str


@attrs.frozen(kw_only=True)
class MentorRequestAccepted(MentorRequestEvent):
    topic: ClassVar[str] = "mentor_request.accepted"
    connection_id: str


@attrs.frozen(kw_only=True)
class MentorRequestDeclined(MentorRequestEvent):
    topic: ClassVar[str] = "mentor_request.declined"
    reason: str


@attrs.frozen(kw_only=True)
class MentorRequestWithdrawn(MentorRequestEvent):
    topic: ClassVar[str] = "mentor_request.withdrawn"


@attrs.frozen(kw_only=True)
class MentorRequestExpired(MentorRequestEvent):
    topic: ClassVar[str] = "mentor_request.expired"


MAX_NOTE = 1000


class _Facts(TypedDict):
    organization_id: str
    occurred_at: datetime
    request_id: str
    program_id: str
    mentee_id: str
    mentor_id: str


@attrs.define(kw_only=True, eq=False)
class MentorRequest(Aggregate):
    """pending -> accepted | declined | withdrawn | expired; every end state is final."""

    id: MentorRequestId
    organization_id: OrganizationId
    program_id: ProgramId
    mentee_id: MemberId
    mentor_id: MemberId
    note: str
    created_at: datetime
    expires_at: datetime
    status: RequestStatus = RequestStatus.PENDING
    decided_at: datetime | None = None
    decline_reason: str = ""
    connection_id: ConnectionId | None = None

    @classmethod
    def send(
        cls,
        *,
        id: MentorRequestId,
        organization_id: OrganizationId,
        program_id: ProgramId,
        mentee_id: MemberId,
        mentor_id: MemberId,
        note: str,
        now: datetime,
        expires_at: datetime,
    ) -> MentorRequest:
        if mentee_id == mentor_id:
            raise InvalidInput("You cannot ask yourself for mentoring.")
        if len(note) > MAX_NOTE:
            raise InvalidInput(f"A note is at most {MAX_NOTE} characters.")
        if expires_at <= now:
            raise InvalidInput("A request must expire in the future.")
        request = cls(
            id=id,
            organization_id=organization_id,
            program_id=program_id,
            mentee_id=mentee_id,
            mentor_id=mentor_id,
            note=note.strip(),
            created_at=now,
            expires_at=expires_at,
        )
        request.record(MentorRequested(**request._facts(now), note=request.note))
        return request

    @property
    def is_pending(self) -> bool:
        return self.status is RequestStatus.PENDING

    def is_overdue(self, now: datetime) -> bool:
        return self.is_pending and now >= self.expires_at

    def accept(
        self,
        *,
        by: MemberId,
        now: datetime,
        mentor_load: int,
        mentor_capacity: int,
        connection_id: ConnectionId,
    ) -> Connection:
        """Accept and publish the connection, if the mentor still has room for one more mentee."""
        self._ensure_answerable_by_mentor(by, now)
        ensure_room_to_accept(Places(capacity=mentor_capacity, taken=mentor_load))
        self._end(RequestStatus.ACCEPTED, now)
        self.connection_id = connection_id
        self.record(MentorRequestAccepted(**self._facts(now), connection_id=connection_id))
        return Connection.publish(
            id=connection_id,
            organization_id=self.organization_id,
            program_id=self.program_id,
            mentor_ids=(self.mentor_id,),
            mentee_ids=(self.mentee_id,),
            now=now,
        )

    def decline(self, *, by: MemberId, now: datetime, reason: str = "") -> None:
        self._ensure_answerable_by_mentor(by, now)
        if len(reason) > MAX_NOTE:
            raise InvalidInput(f"A reason is at most {MAX_NOTE} characters.")
        self._end(RequestStatus.DECLINED, now)
        self.decline_reason = reason.strip()
        self.record(MentorRequestDeclined(**self._facts(now), reason=self.decline_reason))

    def withdraw(self, *, by: MemberId, now: datetime) -> None:
        if by != self.mentee_id:
            raise NotAllowed("Only the mentee who sent this request can withdraw it.")
        self._ensure_pending()
        self._end(RequestStatus.WITHDRAWN, now)
        self.record(MentorRequestWithdrawn(**self._facts(now)))

    def expire(self, *, now: datetime) -> None:
        self._ensure_pending()
        if now < self.expires_at:
            raise IllegalTransition("This request has not reached its deadline yet.")
        self._end(RequestStatus.EXPIRED, now)
        self.record(MentorRequestExpired(**self._facts(now)))

    def _ensure_answerable_by_mentor(self, by: MemberId, now: datetime) -> None:
        if by != self.mentor_id:
            raise NotAllowed("Only the mentor this request was sent to can answer it.")
        self._ensure_pending()
        if now >= self.expires_at:
            raise IllegalTransition("This request expired; the mentee can send a new one.")

    def _ensure_pending(self) -> None:
        if not self.is_pending:
            raise IllegalTransition(f"This request was already {self.status.value}.")

    def _end(self, status: RequestStatus, now: datetime) -> None:
        self.status = status
        self.decided_at = now

    def _facts(self, now: datetime) -> _Facts:
        return _Facts(
            organization_id=self.organization_id,
            occurred_at=now,
            request_id=self.id,
            program_id=self.program_id,
            mentee_id=self.mentee_id,
            mentor_id=self.mentor_id,
        )
