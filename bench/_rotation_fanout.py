"""A fan-out of DMs through rotating bot tokens, shared by the token rotation test and
`bench/token_rotation.py`: seed one organization with an installation made with rotation on,
queue N DMs, let several workers send them (each its own engine; on PostgreSQL each its own
process if asked), and report what Slack (the sandbox) saw: every DM once, every refresh.

The sandbox must run with `token_rotation` on, a time scale that makes tokens live seconds,
and rate limits off (the limits are not what is measured here)."""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Awaitable, Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, time, timedelta
from typing import Any

import attrs
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.clock import SystemClock
from adapters.persistence import tables as t
from adapters.persistence.database import create_engine
from adapters.persistence.memory import MemoryStore, memory_uow_factory
from adapters.persistence.memory_deliveries import MemoryDeliveryStore
from adapters.persistence.outbox import MemoryOutbox, SqlOutbox
from adapters.persistence.pending import outbox_row
from adapters.persistence.sealing import TokenSealer
from adapters.persistence.slack_pacing import MemorySlackPacing, Rate, SqlSlackPacing
from adapters.persistence.sql_deliveries import SqlDeliveryStore
from adapters.persistence.sql_uow import SqlUnitOfWork
from adapters.slack.web_gateway import SlackWebGateway
from application.delivery.model import (
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationKind,
    Subject,
)
from application.delivery.ports import DeliveryStore, SlackContent
from application.delivery.sender import Sender
from application.ports import OutboxMessage
from application.slack.bot_tokens import BotTokens
from application.slack.ports import SlackUnitOfWork
from domain.events import DomainEvent
from domain.ids import InstallationId, OrganizationId, UserId, new_id
from domain.organization import Organization
from domain.people import User
from domain.slack.identity import SlackIdentity
from domain.slack.installation import BotCredentials, SlackWorkspace, WorkspaceInstallation
from domain.working_hours import WorkingWindow

SECRET = "rotation-fanout-key"
#: Pacing that never holds a DM back: the sandbox's limits are off for this run.
UNPACED: Mapping[str, Rate] = {"chat.postMessage": Rate(600_000, 10_000),
                               "chat.postMessage/": Rate(600_000, 10_000)}
LEASE = timedelta(minutes=5)
ALWAYS = WorkingWindow(days=frozenset(range(7)), start=time(0, 0), end=time(23, 59))


class PlainDm:
    """One section naming the delivery (its id travels in the metadata, as the app's do)."""

    def render(self, notification: Notification, *, delivery_id: str) -> SlackContent:
        text = f"rotation fan-out {delivery_id}"
        return SlackContent(
            text=text, blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": text}}],
            metadata={"event_type": "mentorlink_delivery", "event_payload": {"id": delivery_id}},
        )


class NoMail:
    def render(self, notification: Notification) -> Any:  # never called: no mailer
        raise AssertionError("no e-mail in this run")


@attrs.frozen
class Seeded:
    installation_id: str
    delivery_ids: tuple[str, ...]


async def seed(uow_factory: Callable[[], SlackUnitOfWork], outbox: OutboxRows,
               store: DeliveryStore,
               grant: Mapping[str, Any], team_id: str, people: Sequence[str], dms: int
               ) -> Seeded:
    """An organization with Slack on, `people` (Slack user ids) as users with identities in an
    installation made from `grant` (a rotating oauth.v2.access answer), and `dms` deliveries
    to them in turn, due now."""
    now = datetime.now(UTC)
    organization = Organization(id=OrganizationId(new_id()), name="Rotation")
    organization.switch_slack(True, by="support", now=now)
    organization.set_working_window(ALWAYS, timezone="UTC")
    bot = BotCredentials(
        token=grant["access_token"], bot_user_id=grant["bot_user_id"], bot_id="B0ROTATE",
        app_id=grant["app_id"], scopes=tuple(grant["scope"].split(",")),
        refresh_token=grant["refresh_token"],
        expires_at=now + timedelta(seconds=grant["expires_in"]),
    )
    installation = WorkspaceInstallation.install(
        id=InstallationId(new_id()), organization_id=organization.id,
        workspace=SlackWorkspace(team_id=team_id, team_name="Rotation"), bot=bot,
        installed_by=UserId("admin"), installer_slack_user_id=people[0], now=now,
    )
    users = [User(id=UserId(new_id()), organization_id=organization.id,
                  email=f"{slack_id.lower()}@rotation.example", name=slack_id)
             for slack_id in people]
    async with uow_factory() as uow:
        await uow.organizations.add(organization)
        for user in users:
            await uow.users.add(user)
        await uow.installations.add(installation)
        for user, slack_id in zip(users, people, strict=True):
            await uow.slack_identities.add(SlackIdentity(
                id=new_id(), organization_id=organization.id, user_id=user.id,
                directory_key=team_id, slack_user_id=slack_id, installation_id=installation.id,
                email=user.email, tz="UTC", seen_at=now,
            ))  # fmt: skip
        await uow.commit()
    ids: list[str] = []
    for start in range(0, dms, 500):
        batch = min(500, dms - start)
        rows = await outbox(batch, now)
        for offset, row in enumerate(rows):
            i = start + offset
            delivery = Delivery(
                id=new_id(), status=DeliveryStatus.PENDING, next_attempt_at=now,
                notification=Notification(
                    kind=NotificationKind.ANNOUNCEMENT, organization_id=organization.id,
                    program_id=None, recipient_user_id=users[i % len(users)].id,
                    subject=Subject(kind="announcement", id=f"a{i}"), facts={},
                    outbox_id=row.id, created_at=now, subject_version=1,
                ),
            )  # fmt: skip
            assert await store.expand(row.id, [delivery])
            ids.append(delivery.id)
    return Seeded(installation.id, tuple(ids))


OutboxRows = Callable[[int, datetime], Awaitable[Sequence[OutboxMessage]]]


def memory_outbox_rows(store: MemoryStore) -> OutboxRows:
    """New outbox rows in the fake, claimed (as a worker holds them when it expands)."""

    async def add(count: int, now: datetime) -> Sequence[OutboxMessage]:
        event = DomainEvent(organization_id="rotation", occurred_at=now)
        for _ in range(count):
            store.outbox.append(OutboxMessage(id=len(store.outbox) + 1, **outbox_row(event)))
        return await MemoryOutbox(store).claim(now + timedelta(seconds=1), count, LEASE)

    return add


def sql_outbox_rows(engine: AsyncEngine) -> OutboxRows:
    """New outbox rows in the database, claimed."""

    async def add(count: int, now: datetime) -> Sequence[OutboxMessage]:
        event = DomainEvent(organization_id="rotation", occurred_at=now)
        async with engine.begin() as conn:
            await conn.execute(t.outbox.insert(), [outbox_row(event)] * count)
        return await SqlOutbox(engine).claim(now + timedelta(seconds=1), count, LEASE)

    return add


def sender(store: DeliveryStore, pacing: Any, api_url: str, client_id: str, client_secret: str,
           uow_factory: Callable[[], SlackUnitOfWork], ahead: timedelta) -> Sender:
    """A delivery worker's sender on its own gateway, renewing `ahead` of expiry."""
    clock = SystemClock()
    gateway = SlackWebGateway(api_url, client_id, client_secret)
    return Sender(
        store=store, pacing=pacing, slack=gateway, slack_renderer=PlainDm(), mailer=None,
        mail_renderer=NoMail(), uow_factory=uow_factory, clock=clock,
        tokens=BotTokens(slack=gateway, uow_factory=uow_factory, clock=clock, ahead=ahead),
    )  # fmt: skip


async def drain(sender: Sender, *, idle_rounds: int = 20) -> int:
    """Send until nothing was due for `idle_rounds` polls in a row; renewals made."""
    idle = 0
    while idle < idle_rounds:
        claimed = await sender.send_due(limit=10)
        idle = 0 if claimed else idle + 1
        if not claimed:
            await asyncio.sleep(0.05)
    return sender.tokens.renewed


def sql_sender(engine: AsyncEngine, api_url: str, client_id: str, client_secret: str,
               ahead: timedelta) -> Sender:
    sealer = TokenSealer([SECRET])
    return sender(SqlDeliveryStore(engine), SqlSlackPacing(engine, UNPACED), api_url, client_id,
                  client_secret, lambda: SqlUnitOfWork(engine, sealer), ahead)


def memory_sender(store: MemoryStore, api_url: str, client_id: str, client_secret: str,
                  ahead: timedelta) -> Sender:
    return sender(MemoryDeliveryStore(store), MemorySlackPacing(store, UNPACED), api_url,
                  client_id, client_secret,
                  memory_uow_factory(store, TokenSealer([SECRET])), ahead)


def _process_worker(database_url: str, api_url: str, client_id: str, client_secret: str,
                    ahead_seconds: float) -> int:
    async def run() -> int:
        engine = create_engine(database_url, pool_size=2)
        try:
            return await drain(sql_sender(engine, api_url, client_id, client_secret,
                                          timedelta(seconds=ahead_seconds)))
        finally:
            await engine.dispose()

    return asyncio.run(run())


async def in_processes(workers: int, database_url: str, api_url: str, client_id: str,
                       client_secret: str, ahead: timedelta) -> list[int]:
    """`workers` worker processes on one database; the renewals each made."""
    context = multiprocessing.get_context("spawn")
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        runs = [loop.run_in_executor(pool, _process_worker, database_url, api_url, client_id,
                                     client_secret, ahead.total_seconds())
                for _ in range(workers)]
        return list(await asyncio.gather(*runs))
