"""The directory: users.list pages map people by email once per Grid; newcomers by lookup."""

from __future__ import annotations

import pytest

from adapters.persistence.memory import MemoryStore
from application.actors import Actor
from application.running import UseCaseRunner
from application.slack.directory import (
    DirectoryReport,
    SyncDirectory,
    sync_slack_directory,
)
from application.slack.overview import slack_overview
from domain.errors import NotAllowed, NotFound
from domain.ids import InstallationId
from tests.unit.slack_workspaces.conftest import Slack, clock_of, install
from tests.unit.world import Scene, World, fresh


async def sync(
    run: UseCaseRunner,
    slack: Slack,
    actor: Actor,
    installation_id: InstallationId,
    newcomers: bool = False,
) -> DirectoryReport:
    cmd = SyncDirectory(installation_id=installation_id, only_newcomers=newcomers)
    return await run(sync_slack_directory, cmd, actor)


async def identities(store: MemoryStore, scene: Scene) -> dict[str, tuple[str, str | None]]:
    async with fresh(store) as uow:
        found = await uow.slack_identities.list_for_organization(scene.acme.organization.id)
    return {i.user_id: (i.slack_user_id, i.tz) for i in found}


async def test_a_sync_maps_people_by_email_case_insensitively_with_their_timezone(
    run: UseCaseRunner, scene: Scene, slack: Slack, store: MemoryStore
) -> None:
    installation = await install(run, slack.gateway, scene.acme.admin, team_id="T1")
    report = await sync(run, slack, scene.acme.admin, installation.id)
    assert (report.slack_users, report.matched, report.calls) == (3, 2, 1)  # no bot, no deleted
    assert await identities(store, scene) == {
        scene.maria.member.user_id: ("W1", "America/New_York"),
        scene.sam.member.user_id: ("W2", "Asia/Tokyo"),
    }
    assert slack.gateway.calls["users.lookupByEmail"] == 0


async def test_a_grid_user_is_one_identity_however_many_workspaces_they_are_in(
    run: UseCaseRunner, scene: Scene, slack: Slack, store: MemoryStore
) -> None:
    engineering = await install(run, slack.gateway, scene.acme.admin, team_id="T1")
    sales = await install(run, slack.gateway, scene.acme.admin, team_id="T2")
    await sync(run, slack, scene.acme.admin, engineering.id)
    await sync(run, slack, scene.acme.admin, sales.id)
    async with fresh(store) as uow:
        found = await uow.slack_identities.list_for_user(scene.maria.member.user_id)
    assert [(i.directory_key, i.slack_user_id) for i in found] == [("E1", "W1")]


async def test_paging_costs_one_call_per_200_people(
    run: UseCaseRunner, scene: Scene, slack: Slack
) -> None:
    for n in range(450):
        slack.gateway.add_user(
            f"W9{n:05}", name=f"p{n}", email=f"p{n}@else.example", workspaces=["T1"]
        )
    installation = await install(run, slack.gateway, scene.acme.admin, team_id="T1")
    report = await sync(run, slack, scene.acme.admin, installation.id)
    assert report.calls == 3
    assert slack.gateway.calls["users.list"] == 3


async def test_newcomers_are_looked_up_one_by_one(
    run: UseCaseRunner, world: World, scene: Scene, slack: Slack, store: MemoryStore
) -> None:
    installation = await install(run, slack.gateway, scene.acme.admin, team_id="T1")
    await sync(run, slack, scene.acme.admin, installation.id)
    clock_of(run).advance(minutes=5)
    newcomer = await world.mentee(scene.acme, scene.program, "Nia")
    async with fresh(store) as uow:
        email = (await uow.users.get(newcomer.member.user_id)).email
    slack.gateway.add_user("W7", name="nia", email=email, workspaces=["T1"], tz="Europe/Paris")
    report = await sync(run, slack, scene.acme.admin, installation.id, newcomers=True)
    assert (report.calls, report.matched) == (1, 1)
    assert slack.gateway.calls["users.lookupByEmail"] == 1
    assert (await identities(store, scene))[newcomer.member.user_id] == ("W7", "Europe/Paris")


async def test_only_admins_of_the_organization_sync(
    run: UseCaseRunner, scene: Scene, slack: Slack
) -> None:
    installation = await install(run, slack.gateway, scene.acme.admin, team_id="T1")
    with pytest.raises(NotAllowed):
        await sync(run, slack, scene.maria.actor, installation.id)
    with pytest.raises(NotFound):
        await sync(run, slack, scene.globex.admin, installation.id)


async def test_the_installation_outlives_the_admin_who_made_it(
    run: UseCaseRunner, world: World, scene: Scene, slack: Slack, store: MemoryStore
) -> None:
    installation = await install(run, slack.gateway, scene.acme.admin, team_id="T1")
    async with fresh(store) as uow:
        (await uow.users.get(scene.acme.admin.user_id)).deactivate(now=run.clock.now())
        await uow.commit()
    other_admin = await world.user(scene.acme, "Second Admin", scene.acme.admin.role)
    report = await sync(run, slack, other_admin, installation.id)
    assert report.matched == 2


async def test_the_overview_counts_matched_members_and_lists_the_unmatched(
    run: UseCaseRunner, scene: Scene, slack: Slack
) -> None:
    installation = await install(run, slack.gateway, scene.acme.admin, team_id="T1")
    await sync(run, slack, scene.acme.admin, installation.id)
    overview = await run(slack_overview, None, scene.acme.admin)
    (workspace,) = overview.workspaces
    assert (workspace.installation.id, workspace.matched) == (installation.id, 2)
    assert workspace.installed_by is not None
    assert overview.members == 4
    assert sorted(u.name for u in overview.unmatched) == ["Lee", "Omar"]
    with pytest.raises(NotAllowed):
        await run(slack_overview, None, scene.maria.actor)
