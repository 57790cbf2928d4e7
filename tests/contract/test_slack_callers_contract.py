"""Who clicked, read in one go (`SlackCallerRepository.find`): each installation of the keys
given, its organization, and the Slack user's identity and platform user there. Runs on the
in-memory fake, SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from domain.slack.identity import SlackIdentity, identity_id
from domain.slack.installation import RemovedBy, SlackWorkspace, WorkspaceInstallation
from tests.contract.builders import ACME_WORKSPACE, NOW, Graph, installation
from tests.contract.conftest import Backend
from tests.contract.test_unit_of_work_contract import save_graph

GRID = "E0GRID"
GRID_WIDE = SlackWorkspace(enterprise_id=GRID, is_enterprise_install=True)
WORKSPACE_KEY, GRID_KEY = ACME_WORKSPACE.key, GRID_WIDE.key


def identity(
    g: Graph, user: int, slack_user_id: str, install: WorkspaceInstallation, directory: str = GRID
) -> SlackIdentity:
    return SlackIdentity(
        id=identity_id(g.organization.id, directory, slack_user_id),
        organization_id=g.organization.id,
        user_id=g.users[user].id,
        directory_key=directory,
        slack_user_id=slack_user_id,
        installation_id=install.id,
        email=g.users[user].email,
        tz="Europe/Berlin",
        seen_at=NOW,
    )


async def _acme(uow_factory: Backend) -> tuple[Graph, WorkspaceInstallation]:
    """Acme's workspace install, Maria (W1) and Omar (W2) in the Grid's directory, Sam (W3)
    known only in the team's; and another organization, installed Grid-wide, where W1 is
    someone else."""
    g, other = await save_graph(uow_factory), await save_graph(uow_factory)
    install = installation(g.organization.id, g.users[0].id)
    elsewhere = installation(other.organization.id, other.users[0].id, GRID_WIDE)
    async with uow_factory() as uow:
        await uow.installations.add(install)
        await uow.installations.add(elsewhere)
        await uow.slack_identities.add(identity(g, 0, "W1", install))
        await uow.slack_identities.add(identity(g, 1, "W2", install))
        await uow.slack_identities.add(identity(g, 2, "W3", install, directory="T0ACME"))
        await uow.slack_identities.add(identity(other, 2, "W1", elsewhere))
        await uow.commit()
    return g, install


async def test_a_workspace_caller_is_the_installation_its_organization_and_the_person(
    uow_factory: Backend,
) -> None:
    g, install = await _acme(uow_factory)
    async with uow_factory() as uow:
        (caller,) = await uow.slack_callers.find([WORKSPACE_KEY], GRID, "W1")
        assert caller.installation is await uow.installations.get(install.id)
        assert caller.installation.bot is not None
        assert caller.installation.bot.token == "xoxb-contract-secret"
        assert caller.organization is await uow.organizations.get(g.organization.id)
        assert caller.identity is not None and caller.user is not None
        assert caller.identity.id == identity_id(g.organization.id, GRID, "W1")
        assert caller.user is await uow.users.get(g.users[0].id)
        (omar,) = await uow.slack_callers.find([WORKSPACE_KEY], GRID, "W2")
        assert omar.user is not None and omar.user.id == g.users[1].id


async def test_someone_mentorlink_does_not_know_there_is_no_identity_and_no_user(
    uow_factory: Backend,
) -> None:
    g, install = await _acme(uow_factory)
    async with uow_factory() as uow:
        (caller,) = await uow.slack_callers.find([WORKSPACE_KEY], GRID, "W9")
        assert (caller.installation.id, caller.organization.id) == (install.id, g.organization.id)
        assert (caller.identity, caller.user) == (None, None)


async def test_an_identity_in_another_directory_is_not_the_callers(uow_factory: Backend) -> None:
    await _acme(uow_factory)
    async with uow_factory() as uow:
        (caller,) = await uow.slack_callers.find([WORKSPACE_KEY], GRID, "W3")
        assert (caller.identity, caller.user) == (None, None)


async def test_a_grid_click_finds_both_installations_in_the_order_of_the_keys(
    uow_factory: Backend,
) -> None:
    """The workspace's install is Acme's, the Grid-wide one another organization's: W1 is a
    different person in each."""
    g, install = await _acme(uow_factory)
    async with uow_factory() as uow:
        workspace, grid = await uow.slack_callers.find([WORKSPACE_KEY, GRID_KEY], GRID, "W1")
        assert workspace.installation.id == install.id
        assert workspace.user is not None and workspace.user.id == g.users[0].id
        assert grid.installation.workspace.is_enterprise_install
        assert grid.organization.id != g.organization.id
        assert grid.user is not None and grid.user.organization_id == grid.organization.id
        assert grid.identity is not None and grid.identity.organization_id == grid.organization.id
        reversed_ = await uow.slack_callers.find([GRID_KEY, WORKSPACE_KEY], GRID, "W1")
        assert [c.installation for c in reversed_] == [grid.installation, workspace.installation]


async def test_a_removed_installation_is_found_as_removed(uow_factory: Backend) -> None:
    _, install = await _acme(uow_factory)
    async with uow_factory() as uow:
        (await uow.installations.get(install.id)).remove(by=RemovedBy.SLACK, now=NOW)
        await uow.commit()
    async with uow_factory() as uow:
        (caller,) = await uow.slack_callers.find([WORKSPACE_KEY], GRID, "W1")
        assert (caller.installation.id, caller.installation.is_active) == (install.id, False)
        assert caller.installation.bot is None
        assert caller.user is not None


async def test_no_installation_of_the_keys_is_nothing(uow_factory: Backend) -> None:
    _, install = await _acme(uow_factory)
    async with uow_factory() as uow:
        assert await uow.slack_callers.find(["-:T0ELSE"], GRID, "W1") == []
        assert await uow.slack_callers.find([], GRID, "W1") == []
        (found,) = await uow.slack_callers.find(["E0ELSE:T0ELSE", WORKSPACE_KEY], GRID, "W1")
        assert found.installation.id == install.id


async def test_a_click_has_at_most_two_keys(uow_factory: Backend) -> None:
    async with uow_factory() as uow:
        with pytest.raises(ValueError, match="at most two keys"):
            await uow.slack_callers.find(["a:b", "a:-", "-:b"], GRID, "W1")
