"""What administrators see of delivery (global administrators, their own organization only):
how much went out and how, what waits for quiet hours to end, who cannot be reached and why,
what failed for good, and a Retry for the last two. The operator's command line lists
deliveries across every organization (the system actor only)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

import attrs

from application.actors import Actor, ensure_same_organization
from application.delivery.model import Channel, Delivery, DeliveryStatus
from application.delivery.ports import DeliveryStore
from application.ports import Clock
from application.slack.ports import SlackUnitOfWork
from domain.errors import IllegalTransition, NotAllowed, NotFound
from domain.ids import InstallationId, OrganizationId, UserId
from domain.people import Role

_S = DeliveryStatus
PERIODS = (("24h", timedelta(hours=24)), ("7d", timedelta(days=7)))
SHOWN = 50  # rows of each list the page shows; the counts cover everything


@attrs.frozen(kw_only=True)
class Period:
    """Deliveries created in the last `length`: by status and channel, and the Slack messages
    sent through each workspace."""

    label: str
    since: datetime
    counts: Mapping[tuple[DeliveryStatus, Channel | None], int]
    sent_by_workspace: Sequence[tuple[str, str, int]]  # installation id, workspace name, sent

    def total(self, *statuses: DeliveryStatus) -> int:
        counted = self.counts.items()
        return sum(n for (status, _), n in counted if not statuses or status in statuses)


@attrs.frozen(kw_only=True)
class Recipient:
    user_id: str
    name: str
    email: str


@attrs.frozen(kw_only=True)
class DeliveryLine:
    """One delivery as an administrator reads it: to whom, what about, and its reason."""

    delivery: Delivery
    recipient: Recipient

    @property
    def reason(self) -> str:
        return self.delivery.last_error or ""


@attrs.frozen(kw_only=True)
class DeliveryHealth:
    now: datetime
    periods: Sequence[Period]
    held: Sequence[DeliveryLine]  # until `delivery.next_attempt_at`, soonest first
    unreachable: Sequence[DeliveryLine]  # the latest per person
    dead: Sequence[DeliveryLine]


@attrs.frozen(kw_only=True)
class ReadDeliveryHealth:
    pass


@attrs.frozen(kw_only=True)
class RetryDelivery:
    delivery_id: str


@attrs.frozen(kw_only=True)
class ListDeliveries:
    """The operator's view: the latest deliveries of every organization, `status` ones only
    when given."""

    status: DeliveryStatus | None = None
    limit: int = 100


async def read_delivery_health(
    _: ReadDeliveryHealth,
    actor: Actor,
    uow: SlackUnitOfWork,
    clock: Clock,
    deliveries: DeliveryStore,
) -> DeliveryHealth:
    actor.require(Role.GLOBAL_ADMIN)
    org, now = actor.organization_id, clock.now()
    async with uow:
        names = {
            i.id: i.workspace.display_name
            for i in await uow.installations.list_for_organization(org)
        }
        periods = []
        for label, length in PERIODS:
            since = now - length
            sent = await deliveries.sent_by_installation(org, since=since)
            periods.append(
                Period(
                    label=label,
                    since=since,
                    counts=await deliveries.counts(org, since=since),
                    sent_by_workspace=[
                        (id, names.get(InstallationId(id), "a removed workspace"), n)
                        for id, n in sorted(sent.items())
                    ],
                )
            )
        held = await deliveries.list_for_organization(org, statuses=[_S.HELD], limit=SHOWN)
        unreachable = await deliveries.list_for_organization(
            org, statuses=[_S.UNREACHABLE], limit=SHOWN * 4
        )
        dead = await deliveries.list_for_organization(org, statuses=[_S.DEAD], limit=SHOWN)
        people = _People(uow)
        latest_per_person = {d.notification.recipient_user_id: d for d in reversed(unreachable)}
        return DeliveryHealth(
            now=now,
            periods=periods,
            held=[await people.line(d) for d in sorted(held, key=lambda d: d.next_attempt_at)],
            unreachable=[
                await people.line(d)
                for d in sorted(latest_per_person.values(), key=_newest_first)[:SHOWN]
            ],
            dead=[await people.line(d) for d in dead],
        )


async def retry_delivery(
    cmd: RetryDelivery,
    actor: Actor,
    clock: Clock,
    deliveries: DeliveryStore,
) -> Delivery:
    """An administrator's Retry of a dead or unreachable delivery: it goes out again as soon
    as a worker picks it up (routing is decided afresh, quiet hours still apply)."""
    actor.require(Role.GLOBAL_ADMIN)
    try:
        delivery = await deliveries.get(cmd.delivery_id)
    except NotFound:
        raise NotFound("No such delivery.") from None
    ensure_same_organization(
        actor, OrganizationId(delivery.notification.organization_id), "delivery"
    )
    if not await deliveries.requeue(delivery.id, now=clock.now()):
        raise IllegalTransition(
            "Only a message that failed or could not reach its recipient can be retried."
        )
    return await deliveries.get(delivery.id)


async def list_deliveries(
    cmd: ListDeliveries,
    actor: Actor,
    uow: SlackUnitOfWork,
    deliveries: DeliveryStore,
) -> list[tuple[str, Delivery]]:
    """(organization name, delivery), newest first within each organization."""
    if not actor.is_system:
        raise NotAllowed("Only the operator's own tools can read every organization.")
    statuses = [cmd.status] if cmd.status else []
    async with uow:
        organizations = await uow.organizations.list()
    found: list[tuple[str, Delivery]] = []
    for organization in organizations:
        listed = await deliveries.list_for_organization(
            organization.id, statuses=statuses, limit=cmd.limit
        )
        found += [(organization.name, d) for d in listed]
    return found


def _newest_first(delivery: Delivery) -> tuple[float, str]:
    return (-delivery.notification.created_at.timestamp(), delivery.id)


@attrs.define
class _People:
    """Recipients by id, each read once."""

    uow: SlackUnitOfWork
    seen: dict[str, Recipient] = attrs.field(factory=dict)

    async def line(self, delivery: Delivery) -> DeliveryLine:
        id = delivery.notification.recipient_user_id
        if id not in self.seen:
            self.seen[id] = await self._recipient(id)
        return DeliveryLine(delivery=delivery, recipient=self.seen[id])

    async def _recipient(self, id: str) -> Recipient:
        try:
            user = await self.uow.users.get(UserId(id))
        except NotFound:
            return Recipient(user_id=id, name="someone no longer in the organization", email="")
        return Recipient(user_id=id, name=user.name, email=user.email)
