"""A first sync commits page by page: the people on users.list's first page are reachable
through Slack before the next page is even asked for, not after the last one. An event
changing someone while the sync runs neither fails the sync nor is lost; an account listed
as deactivated is marked so (its person gets e-mail)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import pytest

from adapters.persistence.memory import MemoryStore
from adapters.slack.memory_gateway import MemorySlackGateway
from application.actors import SYSTEM
from application.delivery.model import Notification, NotificationKind, Subject
from application.delivery.routing import MailRoute, SlackRoute, route_for
from application.running import UseCaseRunner
from application.slack.directory import SyncDirectory, sync_slack_directory
from application.slack.directory_changes import SlackAccountChanged, slack_account_changed
from application.slack.gateway import SlackUser, UsersPage
from tests.unit.slack_workspaces.conftest import Slack, install
from tests.unit.world import Scene, fresh

FILLERS = 450  # with Slackbot, the bot user, Maria, Sam and the rest: three pages of 200


class WatchedSlack(MemorySlackGateway):
    """The fake Slack that, each time users.list is called, asks the delivery routing (in
    its own transaction) whether a DM to each watched person would go through Slack."""

    def __init__(self, store: MemoryStore) -> None:
        super().__init__()
        self.store = store
        self.watched: dict[str, str] = {}  # name -> platform user id
        self.organization_id = ""
        self.seen: list[set[str]] = []  # per users.list call: who was reachable already
        self.before_next_page: list[Callable[[], Awaitable[object]]] = []

    async def list_users(self, token: str, *, team_id: str | None, cursor: str | None,
                         limit: int = 200) -> UsersPage:  # fmt: skip
        reachable = set()
        for name, user_id in self.watched.items():
            probe = Notification(
                kind=NotificationKind.WELCOME, organization_id=self.organization_id,
                program_id=None, recipient_user_id=user_id,
                subject=Subject(kind="connection", id="x"), facts={}, outbox_id=0,
                created_at=datetime.now(UTC),
            )  # fmt: skip
            async with fresh(self.store) as uow:
                if isinstance(await route_for(probe, uow, mail_configured=False), SlackRoute):
                    reachable.add(name)
        self.seen.append(reachable)
        while self.before_next_page:
            await self.before_next_page.pop(0)()
        return await super().list_users(token, team_id=team_id, cursor=cursor, limit=limit)


@pytest.fixture
def gateway(store: MemoryStore) -> MemorySlackGateway:
    return WatchedSlack(store)


def probe(organization_id: str, user_id: str) -> Notification:
    return Notification(
        kind=NotificationKind.WELCOME, organization_id=organization_id, program_id=None,
        recipient_user_id=user_id, subject=Subject(kind="connection", id="x"), facts={},
        outbox_id=0, created_at=datetime.now(UTC),
    )  # fmt: skip


async def test_the_first_page_is_reachable_before_the_next_page_is_read(
    run: UseCaseRunner, scene: Scene, slack: Slack, store: MemoryStore
) -> None:
    watched = slack.gateway
    assert isinstance(watched, WatchedSlack)
    for n in range(FILLERS):
        watched.add_user(f"W9{n:05d}", name=f"filler{n}", email=f"filler{n}@else.example",
                         workspaces=["T1"])  # fmt: skip
    watched.organization_id = scene.acme.organization.id
    watched.watched = {"maria": scene.maria.member.user_id, "sam": scene.sam.member.user_id}
    installation = await install(run, watched, scene.acme.admin, team_id="T1")
    watched.seen.clear()
    report = await run(sync_slack_directory, SyncDirectory(installation_id=installation.id),
                       scene.acme.admin)  # fmt: skip
    assert report.calls == 3 and report.matched == 2
    # Maria and Sam are on the first page: before it nobody, after it both, page after page.
    assert watched.seen == [set(), {"maria", "sam"}, {"maria", "sam"}]


async def test_an_event_during_the_sync_neither_fails_it_nor_is_lost(
    run: UseCaseRunner, scene: Scene, slack: Slack, store: MemoryStore
) -> None:
    watched = slack.gateway
    installation = await install(run, watched, scene.acme.admin, team_id="T1")
    # Maria moves to Tokyo just as the first page is being read: the event is applied first.
    watched.add_user("W1", name="maria", email=slack.emails["maria"], workspaces=["T1", "T2"],
                     tz="Asia/Tokyo")  # fmt: skip
    moved = SlackAccountChanged(
        event_id="EvRACE", enterprise_id="E1", team_id="T1",
        account=SlackUser(id="W1", name="maria", email=slack.emails["maria"], tz="Asia/Tokyo",
                          team_id="T1"),
    )  # fmt: skip
    watched.before_next_page.append(lambda: run(slack_account_changed, moved, SYSTEM))
    report = await run(sync_slack_directory, SyncDirectory(installation_id=installation.id),
                       scene.acme.admin)  # fmt: skip
    assert report.matched == 2
    async with fresh(store) as uow:
        (maria,) = await uow.slack_identities.list_for_user(scene.maria.member.user_id)
    assert (maria.tz, maria.team_ids) == ("Asia/Tokyo", ("T1",))
    found = [m for m in store.outbox if m.topic == "slack_identity.found"
             and m.payload["slack_user_id"] == "W1"]  # fmt: skip
    assert len(found) == 1  # welcomed once, by whichever came first


async def test_a_sync_marks_accounts_listed_as_deactivated(
    run: UseCaseRunner, scene: Scene, slack: Slack, store: MemoryStore
) -> None:
    installation = await install(run, slack.gateway, scene.acme.admin, team_id="T1")
    sync = SyncDirectory(installation_id=installation.id)
    await run(sync_slack_directory, sync, scene.acme.admin)
    slack.gateway.add_user("W2", name="sam", email=slack.emails["sam"], workspaces=["T1"],
                           tz="Asia/Tokyo", deleted=True)  # fmt: skip
    report = await run(sync_slack_directory, sync, scene.acme.admin)
    assert report.matched == 1
    sam = scene.sam.member.user_id
    async with fresh(store) as uow:
        (identity,) = await uow.slack_identities.list_for_user(sam)
        route = await route_for(probe(scene.acme.organization.id, sam), uow,
                                mail_configured=True)  # fmt: skip
    assert identity.deactivated
    assert isinstance(route, MailRoute)
