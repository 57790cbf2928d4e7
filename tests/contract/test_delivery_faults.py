"""The sender's Slack fault matrix, on both Slack gateways: the in-memory fake and the real
gateway talking HTTP to the sandbox, whose faults are injected through its inspection API.
Each of Slack's answers ends in the outcome the delivery design states: a 429 pauses and
holds, a 5xx retries, a lost token or a person Slack cannot find goes by e-mail, a message
Slack refuses is dead with Slack's reason."""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest

from adapters.mail.memory import MemoryMailer
from adapters.persistence.memory import MemoryStore, memory_uow_factory
from adapters.persistence.memory_deliveries import MemoryDeliveryStore
from adapters.persistence.outbox import MemoryOutbox
from adapters.persistence.slack_pacing import MemorySlackPacing
from application.delivery.model import (
    Channel,
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationKind,
    Subject,
)
from application.delivery.sender import RetryPolicy, Sender
from application.ports import OutboxMessage
from application.running import UseCaseRunner
from domain.ids import InstallationId, OrganizationId, UserId, new_id
from domain.slack.identity import SlackIdentity
from domain.slack.installation import BotCredentials, SlackWorkspace, WorkspaceInstallation
from tests.contract.slack_fixtures import (  # noqa: F401 (fixtures)
    ENG,
    SlackWorld,
    install,
    sandbox_server,
    sandbox_world,
    slack,
)
from tests.unit.delivery.test_sender import PlainMail, PlainSlack
from tests.unit.world import FixedClock, Scene, World, build_scene, fresh

MARIA = "W0MARIASA"
POST = "chat.postMessage"


@attrs.define
class Wired:
    store: MemoryStore
    clock: FixedClock
    scene: Scene
    world: SlackWorld
    mail: MemoryMailer
    deliveries: MemoryDeliveryStore
    sender: Sender

    async def queue(self) -> str:
        """A DM to Maria about a mentor request, expanded from an outbox row."""
        self.store.outbox.append(OutboxMessage(
            id=len(self.store.outbox) + 1, topic="mentor_request.sent",
            organization_id=self.scene.acme.organization.id, payload={},
            created_at=self.clock.now(), available_at=self.clock.now(),
        ))  # fmt: skip
        [row] = await MemoryOutbox(self.store).claim(self.clock.now(), 1, timedelta(minutes=1))
        note = Notification(
            kind=NotificationKind.MENTOR_REQUEST_RECEIVED,
            organization_id=self.scene.acme.organization.id, program_id=self.scene.program.id,
            recipient_user_id=self.scene.maria.actor.user_id,
            subject=Subject(kind="mentor_request", id=new_id()), facts={}, outbox_id=row.id,
            created_at=self.clock.now(), subject_version=1,
        )  # fmt: skip
        delivery = Delivery(id=new_id(), notification=note, status=DeliveryStatus.PENDING,
                            next_attempt_at=self.clock.now())  # fmt: skip
        assert await self.deliveries.expand(row.id, [delivery])
        return delivery.id

    async def outcome(self, delivery_id: str) -> Delivery:
        assert await self.sender.send_due() == 1
        return await self.deliveries.get(delivery_id)


@pytest.fixture
async def wired(slack: SlackWorld) -> Wired:  # noqa: F811
    store, clock = MemoryStore(), FixedClock()
    run = UseCaseRunner(memory_uow_factory(store), clock, deliveries=MemoryDeliveryStore(store))
    scene = await build_scene(World(run))
    grant = await install(slack, team_id=ENG)
    async with fresh(store) as uow:
        organization = await uow.organizations.get(scene.acme.organization.id)
        organization.switch_slack(True, by="support", now=clock.now())
        installation = WorkspaceInstallation.install(
            id=InstallationId("inst-eng"), organization_id=OrganizationId(organization.id),
            workspace=SlackWorkspace(team_id=ENG, team_name="Acme Engineering"),
            bot=BotCredentials(token=grant.access_token, bot_user_id=grant.bot_user_id,
                               bot_id="B1", app_id=grant.app_id, scopes=grant.scopes),
            installed_by=UserId("admin"), installer_slack_user_id="W0ADALOVE", now=clock.now(),
        )  # fmt: skip
        await uow.installations.add(installation)
        await uow.slack_identities.add(SlackIdentity(
            id="maria-eng", organization_id=organization.id,
            user_id=UserId(scene.maria.actor.user_id), directory_key=ENG, slack_user_id=MARIA,
            installation_id=installation.id, email="maria@acme.example", tz="UTC",
            seen_at=clock.now(),
        ))  # fmt: skip
        await uow.commit()
    deliveries, mail = MemoryDeliveryStore(store), MemoryMailer()
    sender = Sender(
        store=deliveries, pacing=MemorySlackPacing(store), slack=slack.gateway,
        slack_renderer=PlainSlack(), mailer=mail, mail_renderer=PlainMail(),
        uow_factory=memory_uow_factory(store), clock=clock,
        retry=RetryPolicy(max_attempts=3), rng=lambda: 1.0,
    )  # fmt: skip
    return Wired(store, clock, scene, slack, mail, deliveries, sender)


async def test_without_a_fault_the_dm_is_in_slack(wired: Wired) -> None:
    delivery = await wired.outcome(await wired.queue())
    assert (delivery.status, delivery.channel) == (DeliveryStatus.SENT, Channel.SLACK)
    [dm] = await wired.world.dms_to(MARIA)
    assert delivery.slack is not None and (dm["channel"], dm["ts"]) == (
        delivery.slack.channel_id, delivery.slack.ts,
    )  # fmt: skip


@pytest.mark.parametrize(
    "error",
    ["invalid_auth", "token_revoked", "account_inactive", "user_not_found", "channel_not_found"],
)
async def test_when_slack_cannot_reach_the_person_the_dm_goes_by_e_mail(
    wired: Wired, error: str
) -> None:
    await wired.world.fail_next(POST, error=error)
    delivery = await wired.outcome(await wired.queue())
    assert (delivery.status, delivery.channel) == (DeliveryStatus.SENT, Channel.EMAIL)
    async with fresh(wired.store) as uow:
        maria = await uow.users.get(UserId(wired.scene.maria.actor.user_id))
    assert [m.to for m in wired.mail.sent] == [maria.email]
    assert await wired.world.dms_to(MARIA) == []


async def test_a_message_slack_refuses_is_dead_with_slacks_reason(wired: Wired) -> None:
    await wired.world.fail_next(POST, error="invalid_blocks")
    delivery = await wired.outcome(await wired.queue())
    assert delivery.status is DeliveryStatus.DEAD
    assert delivery.last_error == "Slack refused the message: invalid_blocks"
    assert not wired.mail.sent


async def test_a_429_pauses_the_workspace_and_holds_the_dm_for_retry_after(wired: Wired) -> None:
    await wired.world.fail_next(POST, error="ratelimited", retry_after=7)
    delivery = await wired.outcome(await wired.queue())
    assert delivery.status is DeliveryStatus.HELD
    assert delivery.next_attempt_at == wired.clock.now() + timedelta(seconds=7)
    assert await wired.sender.pacing.reserve(ENG, POST, wired.clock.now()) is not None
    wired.clock.advance(seconds=7)
    assert await wired.sender.send_due() == 1
    assert len(await wired.world.dms_to(MARIA)) == 1


async def test_slack_unavailable_is_retried_with_backoff(wired: Wired) -> None:
    await wired.world.fail_next(POST, status=503)
    queued = await wired.queue()
    delivery = await wired.outcome(queued)
    assert delivery.status is DeliveryStatus.RETRYING
    assert delivery.last_error is not None and "503" in delivery.last_error
    assert delivery.next_attempt_at == wired.clock.now() + timedelta(seconds=5)
    wired.clock.current = delivery.next_attempt_at
    assert (await wired.outcome(queued)).status is DeliveryStatus.SENT
