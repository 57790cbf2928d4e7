"""Adding and removing a workspace: the OAuth state's rules, Slack's refusals, one
organization per workspace, reinstall, org-wide Grid installs, and removal by an admin."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adapters.persistence.memory import MemoryStore
from application.running import UseCaseRunner
from application.slack.gateway import SlackError
from application.slack.install import (
    BeginSlackInstall,
    CompleteSlackInstall,
    InstallRefused,
    RemoveWorkspace,
    begin_slack_install,
    complete_slack_install,
    remove_workspace,
)
from application.usecases.slack_switches import (
    SwitchSlackForOrganization,
    switch_slack_for_organization,
)
from domain.errors import IllegalTransition, NotAllowed, NotFound
from domain.slack.installation import InstallationStatus, RemovedBy
from tests.unit.slack_workspaces.conftest import REDIRECT, SESSION, Slack, clock_of, install
from tests.unit.world import Scene, World, fresh, snapshot, topics_since


async def test_an_admin_connects_a_workspace_and_its_details_are_kept(
    run: UseCaseRunner, scene: Scene, slack: Slack, store: MemoryStore
) -> None:
    mark = len(store.outbox)
    installation = await install(run, slack.gateway, scene.acme.admin, team_id="T1")
    async with fresh(store) as uow:
        saved = await uow.installations.get(installation.id)
    w = saved.workspace
    assert (w.team_id, w.team_name, w.enterprise_id, w.enterprise_name) == (
        "T1",
        "Acme Engineering",
        "E1",
        "Acme Grid",
    )
    assert w.icon_url.startswith("https://")
    assert saved.bot is not None
    assert slack.gateway.is_active(saved.bot.token)
    assert saved.installed_by == scene.acme.admin.user_id
    assert topics_since(store, mark) == ["installation.added"]


async def test_only_global_admins_of_a_slack_enabled_organization_may_start(
    run: UseCaseRunner, world: World, scene: Scene, slack: Slack
) -> None:
    with pytest.raises(NotAllowed, match="Only a global administrator"):
        await run(begin_slack_install, BeginSlackInstall(session_id=SESSION), scene.maria.actor)
    with pytest.raises(NotAllowed, match="Slack is not enabled"):
        await run(begin_slack_install, BeginSlackInstall(session_id=SESSION), scene.globex.admin)


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("replayed", "already used"),
        ("other session", "another session"),
        ("expired", "expired after 10 minutes"),
        ("unknown", "not one we issued"),
    ],
)
async def test_an_untrustworthy_state_installs_nothing(
    run: UseCaseRunner, scene: Scene, slack: Slack, store: MemoryStore, case: str, message: str
) -> None:
    attempt = await run(
        begin_slack_install, BeginSlackInstall(session_id=SESSION), scene.acme.admin
    )
    state, session = attempt.id, SESSION
    if case == "replayed":
        await install_with(run, slack, scene, state, session)
    elif case == "other session":
        session = "someone-elses-browser"
    elif case == "expired":
        clock_of(run).advance(minutes=10)
    else:
        state = "forged-state"
    installed = await installations(store, scene)
    with pytest.raises(
        InstallRefused if case == "unknown" else (IllegalTransition, NotAllowed), match=message
    ):
        await install_with(run, slack, scene, state, session)
    assert await installations(store, scene) == installed


async def install_with(
    run: UseCaseRunner, slack: Slack, scene: Scene, state: str, session: str
) -> None:
    code = slack.gateway.issue_code(team_id="T1", redirect_uri=REDIRECT)
    cmd = CompleteSlackInstall(state=state, session_id=session, code=code, redirect_uri=REDIRECT)
    await run(complete_slack_install, cmd, scene.acme.admin)


async def installations(store: MemoryStore, scene: Scene) -> int:
    async with fresh(store) as uow:
        return len(await uow.installations.list_for_organization(scene.acme.organization.id))


async def test_a_slack_refusal_stores_nothing_and_still_spends_the_state(
    run: UseCaseRunner, scene: Scene, slack: Slack, store: MemoryStore
) -> None:
    attempt = await run(
        begin_slack_install, BeginSlackInstall(session_id=SESSION), scene.acme.admin
    )
    cmd = CompleteSlackInstall(
        state=attempt.id, session_id=SESSION, code="bogus", redirect_uri=REDIRECT
    )
    with pytest.raises(InstallRefused, match=r"Slack refused the install \(invalid_code\)"):
        await run(complete_slack_install, cmd, scene.acme.admin)
    assert await installations(store, scene) == 0
    with pytest.raises(IllegalTransition, match="already used"):
        await install_with(run, slack, scene, attempt.id, SESSION)


async def test_a_workspace_of_another_organization_is_refused(
    run: UseCaseRunner, world: World, scene: Scene, slack: Slack, store: MemoryStore
) -> None:
    await install(run, slack.gateway, scene.acme.admin, team_id="T1")
    switch_on = SwitchSlackForOrganization(
        organization_id=scene.globex.organization.id, enabled=True
    )
    await run(switch_slack_for_organization, switch_on, scene.globex.support)
    before = dict(store.table("installations"))
    with pytest.raises(InstallRefused, match="already connected to another organization"):
        await install(run, slack.gateway, scene.globex.admin, team_id="T1")
    assert store.table("installations") == before


async def test_reinstalling_refreshes_the_same_installation(
    run: UseCaseRunner, scene: Scene, slack: Slack, store: MemoryStore
) -> None:
    first = await install(run, slack.gateway, scene.acme.admin, team_id="T1")
    clock_of(run).advance(hours=1)
    again = await install(run, slack.gateway, scene.acme.admin, team_id="T1")
    assert again.id == first.id
    assert again.installed_at == run.clock.now()
    assert await installations(store, scene) == 1


async def test_an_org_wide_grid_install_is_stored_as_such(
    run: UseCaseRunner, scene: Scene, slack: Slack
) -> None:
    grid = await install(run, slack.gateway, scene.acme.admin, enterprise_id="E1")
    assert grid.workspace.is_enterprise_install
    assert (grid.workspace.key, grid.workspace.team_id, grid.workspace.display_name) == (
        "E1:-",
        None,
        "Acme Grid",
    )


async def test_removing_revokes_the_token_and_keeps_the_record(
    run: UseCaseRunner, scene: Scene, slack: Slack, store: MemoryStore
) -> None:
    installation = await install(run, slack.gateway, scene.acme.admin, team_id="T1")
    assert installation.bot is not None
    token = installation.bot.token
    removed = await run(
        remove_workspace,
        RemoveWorkspace(installation_id=installation.id),
        scene.acme.admin,
    )
    assert not slack.gateway.is_active(token)
    assert (removed.status, removed.removed_by, removed.bot) == (
        InstallationStatus.REMOVED,
        RemovedBy.ADMIN,
        None,
    )
    with pytest.raises(IllegalTransition, match="already removed"):
        await run(
            remove_workspace,
            RemoveWorkspace(installation_id=installation.id),
            scene.acme.admin,
        )


async def test_another_organizations_installation_cannot_be_removed(
    run: UseCaseRunner, scene: Scene, slack: Slack, store: MemoryStore
) -> None:
    installation = await install(run, slack.gateway, scene.acme.admin, team_id="T1")
    before = snapshot(store)
    with pytest.raises(NotFound):
        await run(
            remove_workspace,
            RemoveWorkspace(installation_id=installation.id),
            scene.globex.admin,
        )
    assert snapshot(store) == before
    assert installation.bot is not None
    assert slack.gateway.is_active(installation.bot.token)


async def test_a_token_already_dead_at_slack_still_lets_the_admin_remove(
    run: UseCaseRunner, scene: Scene, slack: Slack
) -> None:
    installation = await install(run, slack.gateway, scene.acme.admin, team_id="T1")
    slack.gateway.fail_next("auth.revoke", SlackError("token_revoked"))
    removed = await run(
        remove_workspace,
        RemoveWorkspace(installation_id=installation.id),
        scene.acme.admin,
    )
    assert removed.status is InstallationStatus.REMOVED


async def test_an_install_with_token_rotation_keeps_the_refresh_token_and_the_expiry(
    run: UseCaseRunner, scene: Scene, slack: Slack, store: MemoryStore
) -> None:
    slack.gateway.rotation.lifetime = 43_200
    installation = await install(run, slack.gateway, scene.acme.admin, team_id="T1")
    async with fresh(store) as uow:
        saved = await uow.installations.get(installation.id)
    assert saved.bot is not None and saved.bot.rotates
    assert saved.bot.token.startswith("xoxe.xoxb-")
    assert saved.bot.expires_at == clock_of(run).now() + timedelta(seconds=43_200)
    assert saved.bot.refresh_token is not None
    assert saved.bot.refresh_token not in str(store.table("installations"))  # sealed
    assert (await slack.gateway.rotate_token(saved.bot.refresh_token)).access_token
