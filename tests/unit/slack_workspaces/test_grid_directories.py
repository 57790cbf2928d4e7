"""Grid directories on the fakes: an org-wide install pages each workspace the Grid granted
(naming it with `team_id`), remembers which workspaces each person is in, counts a person
once per Grid; workspace installs of one Grid add up; a lost token marks the installation."""

from __future__ import annotations

import pytest

from adapters.persistence.memory import MemoryStore, memory_uow_factory
from application.running import UseCaseRunner
from application.slack.directory import SyncDirectory, sync_slack_directory
from application.slack.gateway import SlackError
from application.slack.overview import slack_overview
from application.slack.reconnect import NeedsReconnecting, watching_token
from domain.slack.installation import InstallationStatus
from tests.unit.slack_workspaces.conftest import Slack, clock_of, install
from tests.unit.world import Scene, fresh


async def _teams(store: MemoryStore, user_id: str) -> list[tuple[str, tuple[str, ...]]]:
    async with fresh(store) as uow:
        found = await uow.slack_identities.list_for_user(user_id)  # type: ignore[arg-type]
    return [(i.directory_key, i.team_ids) for i in found]


async def test_an_org_wide_install_pages_every_workspace_of_its_grid(
    run: UseCaseRunner, scene: Scene, slack: Slack, store: MemoryStore
) -> None:
    grid = await install(run, slack.gateway, scene.acme.admin, team_id=None, enterprise_id="E1")
    report = await run(sync_slack_directory, SyncDirectory(installation_id=grid.id),
                       scene.acme.admin)  # fmt: skip
    assert (report.workspaces, report.matched, report.slack_users) == (2, 2, 3)
    assert slack.gateway.calls["auth.teams.list"] >= 1
    assert await _teams(store, scene.maria.member.user_id) == [("E1", ("T1", "T2"))]
    assert await _teams(store, scene.sam.member.user_id) == [("E1", ("T1",))]
    overview = await run(slack_overview, None, scene.acme.admin)
    (directory,) = overview.directories
    assert (directory.key, directory.name, directory.is_grid) == ("E1", "Acme Grid", True)
    assert [m.user.id for m in directory.matched].count(scene.maria.member.user_id) == 1
    maria = next(m for m in directory.matched if m.user.id == scene.maria.member.user_id)
    assert maria.workspaces == ("Acme Engineering", "Acme Sales")
    assert [(w.name, w.matched) for w in directory.workspaces] == [
        ("Acme Engineering", 2), ("Acme Sales", 1)]


async def test_two_workspace_installs_of_one_grid_add_up_not_overwrite(
    run: UseCaseRunner, scene: Scene, slack: Slack, store: MemoryStore
) -> None:
    eng = await install(run, slack.gateway, scene.acme.admin, team_id="T1")
    sales = await install(run, slack.gateway, scene.acme.admin, team_id="T2")
    for installation in (eng, sales):
        await run(sync_slack_directory, SyncDirectory(installation_id=installation.id),
                  scene.acme.admin)  # fmt: skip
    assert await _teams(store, scene.maria.member.user_id) == [("E1", ("T1", "T2"))]
    assert await _teams(store, scene.sam.member.user_id) == [("E1", ("T1",))]
    overview = await run(slack_overview, None, scene.acme.admin)
    assert [w.matched for w in overview.workspaces] == [2, 2]  # the Grid's count, for both


async def test_a_lost_token_during_sync_needs_reconnecting(
    run: UseCaseRunner, scene: Scene, slack: Slack, store: MemoryStore
) -> None:
    installation = await install(run, slack.gateway, scene.acme.admin, team_id="T1")
    slack.gateway.fail_next("users.list", SlackError("token_revoked"))
    with pytest.raises(NeedsReconnecting, match="Its token was revoked in Slack"):
        await run(sync_slack_directory, SyncDirectory(installation_id=installation.id),
                  scene.acme.admin)  # fmt: skip
    async with fresh(store) as uow:
        lost = await uow.installations.get(installation.id)
    assert lost.status is InstallationStatus.NEEDS_RECONNECTING
    assert lost.lost_at == clock_of(run).now()


@pytest.mark.parametrize(("code", "marked"), [("account_inactive", True), ("ratelimited", False),
                                              ("not_authed", False)])
async def test_watching_a_token_marks_only_a_lost_one(
    run: UseCaseRunner, scene: Scene, slack: Slack, store: MemoryStore, code: str, marked: bool
) -> None:
    installation = await install(run, slack.gateway, scene.acme.admin, team_id="T1")
    with pytest.raises(SlackError):
        async with watching_token(memory_uow_factory(store), installation.id, clock_of(run)):
            raise SlackError(code)
    async with fresh(store) as uow:
        after = await uow.installations.get(installation.id)
    assert after.needs_reconnecting is marked
