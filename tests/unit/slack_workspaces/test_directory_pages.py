"""A first sync commits page by page: the people on users.list's first page are reachable
through Slack before the next page is even asked for, not after the last one."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.persistence.memory import MemoryStore
from adapters.slack.memory_gateway import MemorySlackGateway
from application.delivery.model import Notification, NotificationKind, Subject
from application.delivery.routing import SlackRoute, route_for
from application.running import UseCaseRunner
from application.slack.directory import SyncDirectory, sync_slack_directory
from application.slack.gateway import UsersPage
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
        return await super().list_users(token, team_id=team_id, cursor=cursor, limit=limit)


@pytest.fixture
def gateway(store: MemoryStore) -> MemorySlackGateway:
    return WatchedSlack(store)


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
