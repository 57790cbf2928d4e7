"""The administrators' delivery use cases on the in-memory store: health of their own
organization, Retry of a failed delivery, the working window; global administrators only,
another organization's deliveries do not exist for them; the operator's list spans all."""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest

from adapters.persistence.memory import MemoryStore
from application.actors import SYSTEM, Actor
from application.delivery.health import (
    ListDeliveries,
    ReadDeliveryHealth,
    RetryDelivery,
    list_deliveries,
    read_delivery_health,
    retry_delivery,
)
from application.delivery.model import (
    Channel,
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationKind,
    SlackMessageRef,
    Subject,
)
from application.running import UseCaseRunner
from application.usecases.working_window import (
    ReadWorkingWindow,
    SetWorkingWindow,
    read_working_window,
    set_working_window,
)
from domain.errors import IllegalTransition, InvalidInput, NotAllowed, NotFound
from domain.people import Role
from tests.unit.world import FixedClock, Tenant, World

S = DeliveryStatus


def _put(
    store: MemoryStore, id: str, tenant: Tenant, to: Actor, status: DeliveryStatus,
    clock: FixedClock, *, ago: timedelta = timedelta(), **more: object,
) -> Delivery:  # fmt: skip
    notification = Notification(
        kind=NotificationKind.MESSAGE_RECEIVED, organization_id=tenant.organization.id,
        program_id=None, recipient_user_id=to.user_id, subject=Subject(kind="connection", id=id),
        facts={}, outbox_id=1, created_at=clock.now() - ago,
    )  # fmt: skip
    delivery = Delivery(id=id, notification=notification, status=status,
                        next_attempt_at=clock.now(), **more)  # type: ignore[arg-type]  # fmt: skip
    store.deliveries[id] = delivery
    return delivery


@pytest.fixture
async def acme(world: World) -> Tenant:
    return await world.tenant("Acme")


async def test_health_counts_lists_and_names_the_people(
    run: UseCaseRunner, world: World, store: MemoryStore, clock: FixedClock, acme: Tenant
) -> None:
    kim = await world.user(acme, "Kim")
    ref = SlackMessageRef(installation_id="inst", channel_id="D1", ts="1.0")
    _put(store, "sent-old", acme, kim, S.SENT, clock, ago=timedelta(days=3),
         channel=Channel.SLACK, slack=ref)  # fmt: skip
    _put(store, "sent", acme, kim, S.SENT, clock, channel=Channel.EMAIL)
    _put(store, "held", acme, kim, S.HELD, clock)
    _put(store, "gone-1", acme, kim, S.UNREACHABLE, clock, ago=timedelta(hours=2),
         last_error="old reason")  # fmt: skip
    _put(store, "gone-2", acme, kim, S.UNREACHABLE, clock, last_error="No Slack. And no e-mail.")
    _put(store, "dead", acme, kim, S.DEAD, clock, last_error="Slack refused: invalid_blocks")
    health = await run(read_delivery_health, ReadDeliveryHealth(), acme.admin)
    day, week = health.periods
    assert (day.total(), week.total()) == (5, 6)
    assert dict(week.counts)[S.SENT, Channel.SLACK] == 1
    assert week.sent_by_workspace == [("inst", "a removed workspace", 1)]
    assert day.sent_by_workspace == []
    assert [line.delivery.id for line in health.held] == ["held"]
    (unreachable,) = health.unreachable  # the latest per person
    assert (unreachable.delivery.id, unreachable.recipient.name) == ("gone-2", "Kim")
    assert unreachable.reason == "No Slack. And no e-mail."
    assert [(d.delivery.id, d.reason) for d in health.dead] == [
        ("dead", "Slack refused: invalid_blocks")
    ]


async def test_retry_requeues_a_failed_delivery_of_the_own_organization_only(
    run: UseCaseRunner, world: World, store: MemoryStore, clock: FixedClock, acme: Tenant
) -> None:
    globex = await world.tenant("Globex")
    kim = await world.user(acme, "Kim")
    _put(store, "dead", acme, kim, S.DEAD, clock, attempts=8, last_error="gave up")
    with pytest.raises(NotFound, match="No such delivery"):
        await run(retry_delivery, RetryDelivery(delivery_id="dead"), globex.admin)
    with pytest.raises(NotFound, match="No such delivery"):
        await run(retry_delivery, RetryDelivery(delivery_id="nowhere"), acme.admin)
    assert store.deliveries["dead"].status is S.DEAD
    retried = await run(retry_delivery, RetryDelivery(delivery_id="dead"), acme.admin)
    assert (retried.status, retried.attempts, retried.next_attempt_at) == (
        S.PENDING, 0, clock.now(),
    )  # fmt: skip
    with pytest.raises(IllegalTransition):
        await run(retry_delivery, RetryDelivery(delivery_id="dead"), acme.admin)


@pytest.mark.parametrize("role", [Role.PROGRAM_ADMIN, Role.MEMBER, Role.SUPPORT])
async def test_only_global_administrators(
    run: UseCaseRunner, world: World, acme: Tenant, role: Role
) -> None:
    someone = await world.user(acme, "Someone", role)
    window = SetWorkingWindow(days=frozenset({0}), start="09:00", end="17:00", timezone="UTC")
    for handler, command in [
        (read_delivery_health, ReadDeliveryHealth()),
        (retry_delivery, RetryDelivery(delivery_id="x")),
        (read_working_window, ReadWorkingWindow()),
        (set_working_window, window),
    ]:
        with pytest.raises(NotAllowed):
            await run(handler, command, someone)  # type: ignore[arg-type]


async def test_the_working_window_is_set_or_refused_with_a_reason(
    run: UseCaseRunner, acme: Tenant
) -> None:
    window = SetWorkingWindow(
        days=frozenset({0, 1, 2}), start="07:00", end="16:30", timezone="Europe/Berlin"
    )
    await run(set_working_window, window, acme.admin)
    organization = await run(read_working_window, ReadWorkingWindow(), acme.admin)
    assert organization.working_window.describe() == "Mon-Wed 07:00-16:30"
    assert organization.timezone == "Europe/Berlin"
    for wrong, says in [
        ({"timezone": "Nowhere/Land"}, "not a timezone"),
        ({"start": "17:00"}, "end after it starts"),
        ({"end": "7pm"}, "a time like 08:00"),
        ({"days": frozenset()}, "at least one working day"),
        ({"start": "07:00:30"}, "hours and minutes"),
    ]:
        with pytest.raises(InvalidInput, match=says):
            await run(set_working_window, _with(window, **wrong), acme.admin)
    unchanged = await run(read_working_window, ReadWorkingWindow(), acme.admin)
    assert unchanged.working_window.describe() == "Mon-Wed 07:00-16:30"


def _with(window: SetWorkingWindow, **changes: object) -> SetWorkingWindow:
    return attrs.evolve(window, **changes)  # type: ignore[arg-type]


async def test_the_operator_lists_deliveries_of_every_organization(
    run: UseCaseRunner, world: World, store: MemoryStore, clock: FixedClock, acme: Tenant
) -> None:
    globex = await world.tenant("Globex")
    _put(store, "a", acme, acme.admin, S.DEAD, clock, last_error="x")
    _put(store, "b", globex, globex.admin, S.SENT, clock, channel=Channel.EMAIL)
    found = await run(list_deliveries, ListDeliveries(), SYSTEM)
    assert sorted((org, d.id) for org, d in found) == [("Acme", "a"), ("Globex", "b")]
    dead = await run(list_deliveries, ListDeliveries(status=S.DEAD), SYSTEM)
    assert [d.id for _, d in dead] == ["a"]
    with pytest.raises(NotAllowed):
        await run(list_deliveries, ListDeliveries(), acme.admin)
