"""Delivery health (what went out, what waits, what failed), a Retry, and the working window."""

from __future__ import annotations

from typing import Annotated

import msgspec

from application.delivery.health import DeliveryHealth, DeliveryLine, Period
from application.delivery.model import Delivery
from domain.organization import Organization

from .common import AwareDatetime, Body, Out, utc

Day = Annotated[int, msgspec.Meta(ge=0, le=6, description="0 = Monday ... 6 = Sunday.")]
Clock = Annotated[
    str, msgspec.Meta(pattern=r"^[0-9]{2}:[0-9]{2}$", description="Hours and minutes, e.g. 08:00.")
]
Zone = Annotated[
    str, msgspec.Meta(min_length=1, max_length=64, description="An IANA timezone.")
]


class StatusCountOut(Out):
    status: str  # pending, held, sending, sent, retrying, dead, unreachable
    channel: str | None  # slack, email; null when not routed yet
    count: int


class WorkspaceSentOut(Out):
    installation_id: str
    workspace: str
    sent: int


class PeriodOut(Out):
    """Deliveries created since `since` (the last 24 hours or 7 days)."""

    period: str
    since: AwareDatetime
    total: int
    by_status_and_channel: list[StatusCountOut]
    sent_by_workspace: list[WorkspaceSentOut]

    @classmethod
    def of(cls, period: Period) -> PeriodOut:
        counts = sorted(
            period.counts.items(), key=lambda kv: (kv[0][0].value, str(kv[0][1] or ""))
        )
        return cls(
            period=period.label,
            since=utc(period.since),
            total=period.total(),
            by_status_and_channel=[
                StatusCountOut(
                    status=status.value,
                    channel=None if channel is None else channel.value,
                    count=n,
                )
                for (status, channel), n in counts
            ],
            sent_by_workspace=[
                WorkspaceSentOut(installation_id=id, workspace=name, sent=n)
                for id, name, n in period.sent_by_workspace
            ],
        )


class DeliveryOut(Out):
    id: str
    kind: str
    status: str
    channel: str | None
    attempts: int
    created_at: AwareDatetime
    next_attempt_at: AwareDatetime
    reason: str | None

    @classmethod
    def of(cls, delivery: Delivery) -> DeliveryOut:
        return cls(
            id=delivery.id,
            kind=delivery.notification.kind.value,
            status=delivery.status.value,
            channel=None if delivery.channel is None else delivery.channel.value,
            attempts=delivery.attempts,
            created_at=utc(delivery.notification.created_at),
            next_attempt_at=utc(delivery.next_attempt_at),
            reason=delivery.last_error,
        )


class RecipientOut(Out):
    user_id: str
    name: str
    email: str


class DeliveryLineOut(Out):
    """A delivery, its recipient and (for the unreachable and dead) why."""

    delivery: DeliveryOut
    recipient: RecipientOut

    @classmethod
    def of(cls, line: DeliveryLine) -> DeliveryLineOut:
        r = line.recipient
        return cls(
            delivery=DeliveryOut.of(line.delivery),
            recipient=RecipientOut(user_id=r.user_id, name=r.name, email=r.email),
        )


class DeliveryHealthOut(Out):
    """Counts for the last 24 hours and 7 days; held deliveries (each due again at its
    `next_attempt_at`, when quiet hours end); the people no channel reaches (the latest
    delivery each); deliveries that failed for good (retry them with
    `POST /deliveries/{id}/retry`)."""

    generated_at: AwareDatetime
    periods: list[PeriodOut]
    held: list[DeliveryLineOut]
    unreachable: list[DeliveryLineOut]
    dead: list[DeliveryLineOut]

    @classmethod
    def of(cls, health: DeliveryHealth) -> DeliveryHealthOut:
        return cls(
            generated_at=utc(health.now),
            periods=[PeriodOut.of(p) for p in health.periods],
            held=[DeliveryLineOut.of(line) for line in health.held],
            unreachable=[DeliveryLineOut.of(line) for line in health.unreachable],
            dead=[DeliveryLineOut.of(line) for line in health.dead],
        )


class WorkingWindowIn(Body):
    """When notifications may arrive, in each recipient's own timezone (`timezone` for
    people whose own is unknown); outside it they are held until it next opens."""

    days: Annotated[list[Day], msgspec.Meta(min_length=1, max_length=7)]
    start: Clock
    end: Clock
    timezone: Zone


class WorkingWindowOut(Out):
    days: list[int]
    start: str
    end: str
    timezone: str
    summary: str  # e.g. "Mon-Fri 08:00-19:00"

    @classmethod
    def of(cls, organization: Organization) -> WorkingWindowOut:
        window = organization.working_window
        return cls(
            days=sorted(window.days),
            start=f"{window.start:%H:%M}",
            end=f"{window.end:%H:%M}",
            timezone=organization.timezone,
            summary=window.describe(),
        )
