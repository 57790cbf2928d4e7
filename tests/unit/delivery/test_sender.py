"""Sending due deliveries on the in-memory store and Slack: a DM within the working window,
held outside it, e-mail when Slack cannot reach the person, and what each Slack answer leads
to (reroute, retry with backoff, pause on 429, dead with the reason), and messages brought
up to date, latest state winning."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

import attrs
import pytest

from adapters.mail.memory import MemoryMailer
from adapters.persistence.memory import MemoryStore, memory_uow_factory
from adapters.persistence.memory_deliveries import MemoryDeliveryStore
from adapters.persistence.outbox import MemoryOutbox
from adapters.persistence.slack_pacing import MemorySlackPacing
from adapters.slack.memory_gateway import MemorySlackGateway
from application.delivery.model import (
    Channel,
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationKind,
    Subject,
)
from application.delivery.ports import EveryTurn, MailContent, SlackContent
from application.delivery.sender import RetryPolicy, Sender
from application.ports import OutboxMessage
from application.slack.gateway import SlackError, SlackRateLimited, SlackUnavailable
from domain.ids import InstallationId, OrganizationId, UserId, new_id
from domain.slack.identity import SlackIdentity
from domain.slack.installation import BotCredentials, SlackWorkspace, WorkspaceInstallation
from tests.unit.world import FixedClock, Scene, fresh

LEASE = timedelta(seconds=60)

# 2026-03-02 09:00 UTC is a Monday: inside the default window (Mon-Fri 08:00-19:00) in UTC.


class PlainSlack:
    """A renderer of our own port: one section saying what happened and to which version."""

    def __init__(self) -> None:
        self.rendered: list[Notification] = []

    def render(self, notification: Notification, *, delivery_id: str) -> SlackContent:
        self.rendered.append(notification)
        text = f"{notification.kind.value} v{notification.subject_version}"
        block: Mapping[str, Any] = {"type": "section", "text": {"type": "mrkdwn", "text": text}}
        metadata = {"event_type": "mentorlink_delivery", "event_payload": {"id": delivery_id}}
        return SlackContent(text=text, blocks=[block], metadata=metadata)


class PlainMail:
    def render(self, notification: Notification) -> MailContent:
        return MailContent(subject=notification.kind.value, text="text", html="<p>html</p>")


@attrs.define
class Post:
    store: MemoryStore
    clock: FixedClock
    scene: Scene
    slack: MemorySlackGateway
    mail: MemoryMailer
    deliveries: MemoryDeliveryStore
    sender: Sender
    token: str

    async def queue(
        self, *, version: int = 1, refresh: bool = False, to: str | None = None
    ) -> str:
        """A delivery to Maria about mentor request r1, expanded from an outbox row."""
        self.store.outbox.append(
            OutboxMessage(
                id=len(self.store.outbox) + 1, topic="mentor_request.sent",
                organization_id=self.scene.acme.organization.id, payload={},
                created_at=self.clock.now(), available_at=self.clock.now(),
            )
        )  # fmt: skip
        [row] = await MemoryOutbox(self.store).claim(self.clock.now(), 1, timedelta(minutes=1))
        note = Notification(
            kind=NotificationKind.MENTOR_REQUEST_RECEIVED,
            organization_id=self.scene.acme.organization.id,
            program_id=self.scene.program.id,
            recipient_user_id=to or self.scene.maria.actor.user_id,
            subject=Subject(kind="mentor_request", id="r1"),
            facts={},
            outbox_id=row.id,
            created_at=self.clock.now(),
            refresh=refresh,
            subject_version=version,
        )
        delivery = Delivery(
            id=new_id(), notification=note, status=DeliveryStatus.PENDING,
            next_attempt_at=self.clock.now(),
        )  # fmt: skip
        assert await self.deliveries.expand(row.id, [delivery])
        return delivery.id

    async def status(self, delivery_id: str) -> Delivery:
        return await self.deliveries.get(delivery_id)

    def dms_to_maria(self) -> list[Any]:
        return [m for m in self.slack.dms.messages.values() if m.user_id == "UMARIA"]


@pytest.fixture
async def post(store: MemoryStore, clock: FixedClock, scene: Scene) -> Post:
    slack, mail = MemorySlackGateway(), MemoryMailer()
    slack.add_workspace("T1", "Acme")
    slack.add_user("UMARIA", name="maria", email="maria@acme.example", workspaces=["T1"])
    grant = slack.install(team_id="T1")
    async with fresh(store) as uow:
        organization = await uow.organizations.get(scene.acme.organization.id)
        organization.switch_slack(True, by="support", now=clock.now())
        installation = WorkspaceInstallation.install(
            id=InstallationId("inst1"), organization_id=OrganizationId(organization.id),
            workspace=SlackWorkspace(team_id="T1", team_name="Acme"),
            bot=BotCredentials(token=grant.access_token, bot_user_id="UBOT", bot_id="B1",
                               app_id="A1", scopes=("chat:write",)),
            installed_by=UserId("admin"), installer_slack_user_id="UADMIN", now=clock.now(),
        )  # fmt: skip
        await uow.installations.add(installation)
        await uow.slack_identities.add(
            SlackIdentity(
                id="maria-T1", organization_id=organization.id,
                user_id=UserId(scene.maria.actor.user_id), directory_key="T1",
                slack_user_id="UMARIA", installation_id=installation.id,
                email="maria@acme.example", tz="UTC", seen_at=clock.now(),
            )
        )  # fmt: skip
        await uow.commit()
    deliveries = MemoryDeliveryStore(store)
    sender = Sender(
        store=deliveries, pacing=MemorySlackPacing(store), slack=slack,
        slack_renderer=PlainSlack(), mailer=mail, mail_renderer=PlainMail(),
        uow_factory=memory_uow_factory(store), clock=clock,
        retry=RetryPolicy(max_attempts=3), rng=lambda: 1.0,
    )  # fmt: skip
    return Post(store, clock, scene, slack, mail, deliveries, sender, grant.access_token)


async def test_within_the_window_a_dm_goes_out_and_is_remembered(post: Post) -> None:
    sent = await post.queue()
    assert await post.sender.send_due() == 1
    delivery = await post.status(sent)
    assert (delivery.status, delivery.channel) == (DeliveryStatus.SENT, Channel.SLACK)
    [dm] = post.dms_to_maria()
    assert delivery.slack is not None and (dm.channel, dm.ts) == (
        delivery.slack.channel_id, delivery.slack.ts,
    )  # fmt: skip
    assert dm.metadata == {"event_type": "mentorlink_delivery", "event_payload": {"id": sent}}
    assert await post.sender.send_due() == 0  # nothing twice


async def test_outside_the_window_it_is_held_until_it_opens_never_dropped(post: Post) -> None:
    post.clock.advance(hours=11)  # Monday 20:00
    held = await post.queue()
    await post.sender.send_due()
    delivery = await post.status(held)
    assert delivery.status is DeliveryStatus.HELD
    assert delivery.next_attempt_at == post.clock.now().replace(hour=8) + timedelta(days=1)
    post.clock.advance(hours=11, minutes=59)
    assert await post.sender.send_due() == 0 and not post.dms_to_maria()
    post.clock.advance(minutes=1)
    await post.sender.send_due()
    assert (await post.status(held)).status is DeliveryStatus.SENT
    assert len(post.dms_to_maria()) == 1


@pytest.mark.parametrize("code", ["user_not_found", "channel_not_found", "token_revoked"])
async def test_when_slack_cannot_reach_the_person_it_goes_by_e_mail(
    post: Post, code: str
) -> None:
    rerouted = await post.queue()
    post.slack.fail_next("chat.postMessage", SlackError(code))
    await post.sender.send_due()
    delivery = await post.status(rerouted)
    assert (delivery.status, delivery.channel) == (DeliveryStatus.SENT, Channel.EMAIL)
    async with fresh(post.store) as uow:
        maria = await uow.users.get(UserId(post.scene.maria.actor.user_id))
    assert [m.to for m in post.mail.sent] == [maria.email]


async def test_invalid_blocks_is_dead_with_slacks_reason(post: Post) -> None:
    broken = await post.queue()
    post.slack.fail_next("chat.postMessage", SlackError("invalid_blocks"))
    await post.sender.send_due()
    delivery = await post.status(broken)
    assert delivery.status is DeliveryStatus.DEAD
    assert delivery.last_error == "Slack refused the message: invalid_blocks"
    assert not post.mail.sent


async def test_a_429_pauses_the_workspace_and_the_delivery_waits_without_a_lease(
    post: Post,
) -> None:
    paced = await post.queue()
    post.slack.fail_next("chat.postMessage", SlackRateLimited(30))
    await post.sender.send_due()
    delivery = await post.status(paced)
    assert delivery.status is DeliveryStatus.HELD
    assert delivery.next_attempt_at == post.clock.now() + timedelta(seconds=30)
    assert await post.sender.pacing.reserve("T1", "chat.postMessage", post.clock.now())
    post.clock.advance(seconds=30)
    await post.sender.send_due()
    assert (await post.status(paced)).status is DeliveryStatus.SENT


async def test_slack_down_is_retried_with_backoff_then_dead_with_the_reason(post: Post) -> None:
    down = await post.queue()
    for attempt in (1, 2, 3):
        post.slack.fail_next("chat.postMessage", SlackUnavailable("HTTP 503"))
        assert await post.sender.send_due() == 1
        delivery = await post.status(down)
        if attempt < 3:
            assert delivery.status is DeliveryStatus.RETRYING
            assert delivery.next_attempt_at == post.clock.now() + 5 * timedelta(
                seconds=2 ** (attempt - 1)
            )
            post.clock.current = delivery.next_attempt_at
    assert delivery.status is DeliveryStatus.DEAD
    assert delivery.last_error == "Slack unavailable: HTTP 503"


async def test_with_neither_channel_the_person_is_unreachable_with_the_reason(
    post: Post,
) -> None:
    post.sender.mailer = None
    async with fresh(post.store) as uow:
        program = await uow.programs.get(post.scene.program.id)
        program.set_slack_opt_in(False, now=post.clock.now())
        await uow.commit()
    lost = await post.queue()
    await post.sender.send_due()
    delivery = await post.status(lost)
    assert delivery.status is DeliveryStatus.UNREACHABLE
    assert delivery.last_error == "Pilot does not use Slack. And no e-mail is configured."


async def test_updates_bring_every_message_up_to_date_and_the_latest_state_wins(
    post: Post,
) -> None:
    await post.queue()
    await post.sender.send_due()
    newest = await post.queue(version=3, refresh=True, to=post.scene.sam.actor.user_id)
    post.clock.advance(hours=12)  # 21:00: an update is never held by quiet hours
    await post.sender.send_due()
    stale = await post.queue(version=2, refresh=True)  # arrives late, out of order
    await post.sender.send_due()
    [dm] = post.dms_to_maria()
    assert dm.text == "mentor_request_received v3"
    assert [text for text, _ in dm.edits] == ["mentor_request_received v1"]
    for refreshed in (newest, stale):
        assert (await post.status(refreshed)).status is DeliveryStatus.SENT
    renderer = post.sender.slack_renderer
    assert isinstance(renderer, PlainSlack)
    update = next(n for n in renderer.rendered if n.refresh)
    assert update.recipient_user_id == post.scene.maria.actor.user_id  # read as its reader



async def test_a_crashed_workers_lease_is_taken_over(post: Post) -> None:
    orphan = await post.queue()
    claimed: Sequence[Delivery] = await post.deliveries.claim(
        post.clock.now(), 1, timedelta(seconds=60)
    )
    assert [d.id for d in claimed] == [orphan]  # then that worker vanishes
    assert await post.sender.send_due() == 0
    post.clock.advance(seconds=61)
    assert await post.sender.send_due() == 1
    assert (await post.status(orphan)).status is DeliveryStatus.SENT


class StopAfterFirst:
    """Turns that let one unit of work run, then the worker is asked to stop."""

    def __init__(self, stop: asyncio.Event) -> None:
        self.stop, self.turns = stop, 0

    async def wait_turn(self) -> None:
        self.turns += 1
        if self.turns == 2:
            self.stop.set()


async def test_a_stopping_worker_finishes_the_one_in_hand_and_gives_the_rest_back(
    post: Post,
) -> None:
    queued = [await post.queue(to=post.scene.maria.actor.user_id) for _ in range(3)]
    stop = asyncio.Event()
    post.sender.turns = StopAfterFirst(stop)
    assert await post.sender.send_due(stop=stop) == 3
    after = [await post.status(d) for d in queued]
    assert sorted(d.status.value for d in after) == ["pending", "pending", "sent"]
    for given_back in (d for d in after if d.status is DeliveryStatus.PENDING):
        assert (given_back.attempts, given_back.lease_until) == (0, None)
    post.sender.turns = EveryTurn()
    assert await post.sender.send_due() == 2  # another worker takes them at once, no lease wait
    assert len(post.dms_to_maria()) == 3


async def test_a_delivery_that_ended_every_worker_that_tried_it_is_dead_with_the_reason(
    post: Post,
) -> None:
    poison = await post.queue()
    for _ in range(3):  # max_attempts: each time, the worker dies while sending it
        assert [d.id for d in await post.deliveries.claim(post.clock.now(), 1, LEASE)] == [poison]
        post.clock.advance(seconds=61)
    assert await post.sender.send_due() == 1
    dead = await post.status(poison)
    assert dead.status is DeliveryStatus.DEAD
    assert dead.last_error is not None and "abandoned 3 times" in dead.last_error
    assert post.dms_to_maria() == []


class SlowTurns:
    """Turns on a starved machine: each one takes 20 s."""

    def __init__(self, clock: FixedClock) -> None:
        self.clock = clock

    async def wait_turn(self) -> None:
        self.clock.advance(seconds=20)


async def test_a_slow_batch_gives_back_what_its_lease_would_not_cover(post: Post) -> None:
    queued = [await post.queue(to=post.scene.maria.actor.user_id) for _ in range(4)]
    post.sender.turns = SlowTurns(post.clock)
    assert await post.sender.send_due() == 4  # lease 60 s: 20 s and 40 s in, then too late
    after = [await post.status(d) for d in queued]
    assert sorted(d.status.value for d in after) == ["pending", "pending", "sent", "sent"]
    assert all(d.attempts == 0 for d in after if d.status is DeliveryStatus.PENDING)
