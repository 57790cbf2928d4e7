"""`HomePublisher`: stale Homes are published again within Slack's shared views.publish pace
(what the pace holds back stays stale, due when it allows; a 429 pauses the workspace), the
run loop publishes shortly after a change, and people Slack cannot reach are skipped."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from adapters.persistence.memory import MemoryStore, memory_uow_factory
from adapters.persistence.preferences import MemoryPreferenceStore
from adapters.persistence.slack_pacing import MemorySlackPacing, Rate
from adapters.slack.home.view import HomeView
from adapters.slack.memory_gateway import MemorySlackGateway
from application.slack.gateway import SlackRateLimited
from application.slack.home_publishing import HomePublisher
from domain.ids import InstallationId, OrganizationId, UserId
from domain.slack.identity import SlackIdentity
from domain.slack.installation import BotCredentials, SlackWorkspace, WorkspaceInstallation
from tests.unit.world import FixedClock, Scene, fresh

ONE_A_MINUTE = {"views.publish": Rate(1, 1)}


@pytest.fixture
async def homes(store: MemoryStore, clock: FixedClock, scene: Scene) -> HomePublisher:
    slack = MemorySlackGateway()
    slack.add_workspace("T1", "Acme")
    for user in ("UMARIA", "USAM"):
        slack.add_user(user, name=user.lower(), email=f"{user}@acme.example", workspaces=["T1"])
    grant = slack.install(team_id="T1")
    async with fresh(store) as uow:
        installation = WorkspaceInstallation.install(
            id=InstallationId("inst1"), organization_id=OrganizationId(scene.acme.organization.id),
            workspace=SlackWorkspace(team_id="T1", team_name="Acme"),
            bot=BotCredentials(token=grant.access_token, bot_user_id="UBOT", bot_id="B1",
                               app_id="A1", scopes=("chat:write",)),
            installed_by=UserId("admin"), installer_slack_user_id="UADMIN", now=clock.now(),
        )  # fmt: skip
        await uow.installations.add(installation)
        for person, slack_id in ((scene.maria, "UMARIA"), (scene.sam, "USAM")):
            await uow.slack_identities.add(SlackIdentity(
                id=f"{slack_id}-T1", organization_id=scene.acme.organization.id,
                user_id=UserId(person.actor.user_id), directory_key="T1", slack_user_id=slack_id,
                installation_id=installation.id, email="x@acme.example", tz="UTC",
                seen_at=clock.now(),
            ))  # fmt: skip
        await uow.commit()
    return HomePublisher(
        uow_factory=memory_uow_factory(store), gateway=slack, renderer=HomeView("http://x"),
        preferences=MemoryPreferenceStore(), clock=clock,
        pacing=MemorySlackPacing(store, rates=ONE_A_MINUTE),
    )  # fmt: skip


def slack_of(homes: HomePublisher) -> MemorySlackGateway:
    assert isinstance(homes.gateway, MemorySlackGateway)
    return homes.gateway


async def test_stale_homes_keep_to_the_pace_and_go_out_when_it_allows(
    homes: HomePublisher, scene: Scene, clock: FixedClock
) -> None:
    homes.mark_stale([scene.maria.actor.user_id, scene.sam.actor.user_id])
    assert await homes.publish_stale() == 1
    assert slack_of(homes).calls["views.publish"] == 1
    assert len(homes.stale) == 1 and homes.not_before is not None
    assert homes.not_before > clock.now()
    assert await homes.publish_stale() == 0, "still too early"
    clock.current = homes.not_before
    assert await homes.publish_stale() == 1
    assert homes.stale == set()
    assert slack_of(homes).home_of("UMARIA") is not None
    assert slack_of(homes).home_of("USAM") is not None


async def test_a_429_pauses_the_workspace_and_the_home_stays_stale(
    homes: HomePublisher, scene: Scene, clock: FixedClock, store: MemoryStore
) -> None:
    homes.pacing = pacing = MemorySlackPacing(store)  # Slack's own rates: 100 a minute
    slack_of(homes).fail_next("views.publish", SlackRateLimited(30))
    homes.mark_stale([scene.maria.actor.user_id])
    assert await homes.publish_stale() == 0
    assert homes.stale == {scene.maria.actor.user_id}
    assert homes.not_before == clock.now() + timedelta(seconds=30)
    assert await pacing.reserve("T1", "views.publish", clock.now()) is not None, "paused"
    clock.advance(seconds=30)
    assert await homes.publish_stale() == 1
    assert slack_of(homes).home_of("UMARIA") is not None


async def test_someone_slack_cannot_reach_is_skipped(
    homes: HomePublisher, scene: Scene
) -> None:
    homes.mark_stale([scene.lee.actor.user_id])  # no Slack identity
    assert await homes.publish_stale() == 0
    assert homes.stale == set()
    assert slack_of(homes).calls["views.publish"] == 0


async def test_the_loop_publishes_shortly_after_a_change(
    homes: HomePublisher, scene: Scene
) -> None:
    stop = asyncio.Event()
    running = asyncio.create_task(homes.run(stop, pause=0.01))
    try:
        homes.mark_stale([scene.maria.actor.user_id])
        for _ in range(200):
            if slack_of(homes).home_of("UMARIA") is not None:
                break
            await asyncio.sleep(0.01)
        assert slack_of(homes).home_of("UMARIA") is not None
    finally:
        stop.set()
        await asyncio.wait_for(running, 2)


class _Busy:
    """Turns held until a test lets them go (requests in flight, in `serve`)."""

    def __init__(self) -> None:
        self.free = asyncio.Event()
        self.asked = 0

    async def wait_turn(self) -> None:
        self.asked += 1
        await self.free.wait()


async def test_after_an_action_the_home_goes_once_with_the_next_stale_ones_between_requests(
    homes: HomePublisher, scene: Scene
) -> None:
    maria = scene.maria.actor.user_id
    await homes.refresh_soon(maria)  # no loop running: published at once
    assert slack_of(homes).calls["views.publish"] == 1
    busy = _Busy()
    homes.turns = busy
    stop = asyncio.Event()
    running = asyncio.create_task(homes.run(stop, pause=0.01))
    try:
        await asyncio.sleep(0)
        await homes.refresh_soon(maria)  # the click
        homes.mark_stale([maria])  # and the change of her area, a moment later
        for _ in range(100):
            if busy.asked:
                break
            await asyncio.sleep(0.01)
        assert busy.asked == 1 and slack_of(homes).calls["views.publish"] == 1  # requests first
        busy.free.set()
        for _ in range(200):
            if slack_of(homes).calls["views.publish"] == 2:
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.05)
        assert slack_of(homes).calls["views.publish"] == 2 and homes.stale == set()
    finally:
        stop.set()
        busy.free.set()
        await asyncio.wait_for(running, 2)


async def test_a_home_the_pace_holds_back_is_not_read(
    homes: HomePublisher, scene: Scene, clock: FixedClock
) -> None:
    read: list[str] = []
    saved = homes.preferences

    class Counting:
        async def get(self, user_id: str) -> object:
            read.append(user_id)
            return await saved.get(user_id)

    homes.preferences = Counting()  # type: ignore[assignment]
    homes.mark_stale([scene.maria.actor.user_id, scene.sam.actor.user_id])
    assert await homes.publish_stale() == 1
    assert len(read) == 1, "only the Home that went out was read"
    assert await homes.publish_stale() == 0
    assert len(read) == 1, "nor while the workspace waits"
    clock.current = homes.not_before or clock.now()
    assert await homes.publish_stale() == 1
    assert len(read) == 2


async def test_where_a_held_back_person_is_found_is_not_read_again_while_the_hold_lasts(
    homes: HomePublisher, scene: Scene, clock: FixedClock
) -> None:
    opened: list[int] = []
    factory = homes.uow_factory

    def counting() -> object:
        opened.append(1)
        return factory()

    homes.uow_factory = counting  # type: ignore[assignment]
    homes.mark_stale([scene.maria.actor.user_id, scene.sam.actor.user_id])
    assert await homes.publish_stale() == 1
    first = len(opened)
    assert first > 0
    for _ in range(3):  # the round again and again while the workspace waits: nothing read
        assert await homes.publish_stale() == 0
    assert len(opened) == first, "a Home held back in every workspace costs no read"
    assert len(homes.stale) == 1
    clock.current = homes.not_before or clock.now()
    assert await homes.publish_stale() == 1
    assert len(opened) > first and homes.stale == set()
