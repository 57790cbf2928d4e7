"""Meeting proposals: one participant proposes 1-5 time slots, the other picks one or declines."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta
from typing import ClassVar, TypedDict

import attrs

from domain.aggregate import Aggregate
from domain.errors import IllegalTransition, InvalidInput, NotAllowed
from domain.events import DomainEvent
from domain.ids import ConnectionId, MeetingId, MemberId, OrganizationId

MAX_SLOTS = 5
MAX_TITLE = 150


class MeetingStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


@attrs.frozen(kw_only=True, order=True)
class Slot:
    """A proposed time: a timezone-aware start and a duration in minutes."""

    start: datetime
    minutes: int = 30

    def __attrs_post_init__(self) -> None:
        if self.start.tzinfo is None:
            raise InvalidInput("A slot's start needs a timezone.")
        if not 5 <= self.minutes <= 480:
            raise InvalidInput("A meeting lasts between 5 and 480 minutes.")

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.minutes)


class _Facts(TypedDict):
    organization_id: str
    occurred_at: datetime
    meeting_id: str
    connection_id: str
    organizer_id: str
    invitee_id: str


@attrs.frozen(kw_only=True)
class MeetingEvent(DomainEvent):
    meeting_id: str
    connection_id: str
    organizer_id: str
    invitee_id: str


@attrs.frozen(kw_only=True)
class MeetingProposed(MeetingEvent):
    topic: ClassVar[str] = "meeting.proposed"
    title: str
    slots: tuple[str, ...]


@attrs.frozen(kw_only=True)
class MeetingAccepted(MeetingEvent):
    topic: ClassVar[str] = "meeting.accepted"
    start: datetime
    minutes: int


@attrs.frozen(kw_only=True)
class MeetingDeclined(MeetingEvent):
    topic: ClassVar[str] = "meeting.declined"
    reason: str


@attrs.frozen(kw_only=True)
class MeetingCancelled(MeetingEvent):
    topic: ClassVar[str] = "meeting.cancelled"
    by_member_id: str


@attrs.frozen(kw_only=True)
class MeetingExpired(MeetingEvent):
    topic: ClassVar[str] = "meeting.expired"


@attrs.define(kw_only=True, eq=False)
class MeetingProposal(Aggregate):
    """pending -> accepted(slot) | declined | cancelled | expired (every slot in the past)."""

    id: MeetingId
    organization_id: OrganizationId
    connection_id: ConnectionId
    organizer_id: MemberId
    invitee_id: MemberId
    title: str
    slots: tuple[Slot, ...]
    created_at: datetime
    status: MeetingStatus = MeetingStatus.PENDING
    accepted_slot: Slot | None = None
    decline_reason: str = ""
    decided_at: datetime | None = None

    @classmethod
    def propose(
        cls,
        *,
        id: MeetingId,
        organization_id: OrganizationId,
        connection_id: ConnectionId,
        organizer_id: MemberId,
        invitee_id: MemberId,
        title: str,
        slots: list[Slot],
        now: datetime,
    ) -> MeetingProposal:
        if organizer_id == invitee_id:
            raise InvalidInput("You cannot invite yourself to a meeting.")
        unique = tuple(sorted(set(slots)))
        if not 1 <= len(unique) <= MAX_SLOTS:
            raise InvalidInput(f"Propose between 1 and {MAX_SLOTS} different time slots.")
        if any(slot.start <= now for slot in unique):
            raise InvalidInput("Every proposed slot must start in the future.")
        clean = title.strip() or "Mentoring session"
        if len(clean) > MAX_TITLE:
            raise InvalidInput(f"A meeting title is at most {MAX_TITLE} characters.")
        meeting = cls(
            id=id,
            organization_id=organization_id,
            connection_id=connection_id,
            organizer_id=organizer_id,
            invitee_id=invitee_id,
            title=clean,
            slots=unique,
            created_at=now,
        )
        meeting.record(
            MeetingProposed(
                **meeting._facts(now),
                title=clean,
                slots=tuple(s.start.isoformat() for s in unique),
            )
        )
        return meeting

    @property
    def is_pending(self) -> bool:
        return self.status is MeetingStatus.PENDING

    def is_overdue(self, now: datetime) -> bool:
        """Pending, yet no slot is left to pick."""
        return self.is_pending and all(slot.start <= now for slot in self.slots)

    def open_slots(self, now: datetime) -> tuple[Slot, ...]:
        return tuple(slot for slot in self.slots if slot.start > now)

    def accept(self, slot: Slot, *, by: MemberId, now: datetime) -> None:
        self._ensure_invitee(by)
        self._ensure_pending()
        if slot not in self.slots:
            raise InvalidInput("That time was not one of the proposed slots.")
        if slot.start <= now:
            raise IllegalTransition("That slot has already started; pick a later one.")
        self._end(MeetingStatus.ACCEPTED, now)
        self.accepted_slot = slot
        self.record(MeetingAccepted(**self._facts(now), start=slot.start, minutes=slot.minutes))

    def decline(self, *, by: MemberId, now: datetime, reason: str = "") -> None:
        self._ensure_invitee(by)
        self._ensure_pending()
        if len(reason) > 1000:
            raise InvalidInput("A reason is at most 1000 characters.")
        self._end(MeetingStatus.DECLINED, now)
        self.decline_reason = reason.strip()
        self.record(MeetingDeclined(**self._facts(now), reason=self.decline_reason))

    def cancel(self, *, by: MemberId, now: datetime) -> None:
        """The organizer withdraws a pending proposal; either side calls off an accepted one."""
        if self.status is MeetingStatus.ACCEPTED:
            if by not in (self.organizer_id, self.invitee_id):
                raise NotAllowed("Only the two people meeting can cancel it.")
            if self.accepted_slot is not None and self.accepted_slot.start <= now:
                raise IllegalTransition("This meeting has already started.")
        else:
            if by != self.organizer_id:
                raise NotAllowed("Only the person who proposed this meeting can cancel it.")
            self._ensure_pending()
        self._end(MeetingStatus.CANCELLED, now)
        self.record(MeetingCancelled(**self._facts(now), by_member_id=by))

    def expire(self, *, now: datetime) -> None:
        self._ensure_pending()
        if not self.is_overdue(now):
            raise IllegalTransition("Some proposed slots are still in the future.")
        self._end(MeetingStatus.EXPIRED, now)
        self.record(MeetingExpired(**self._facts(now)))

    def _ensure_invitee(self, by: MemberId) -> None:
        if by != self.invitee_id:
            raise NotAllowed("Only the person invited to this meeting can answer it.")

    def _ensure_pending(self) -> None:
        if not self.is_pending:
            raise IllegalTransition(f"This meeting was already {self.status.value}.")

    def _end(self, status: MeetingStatus, now: datetime) -> None:
        self.status = status
        self.decided_at = now

    def _facts(self, now: datetime) -> _Facts:
        return _Facts(
            organization_id=self.organization_id,
            occurred_at=now,
            meeting_id=self.id,
            connection_id=self.connection_id,
            organizer_id=self.organizer_id,
            invitee_id=self.invitee_id,
        )
