"""WorkspaceInstallation: installed -> removed (admin or Slack, token erased) -> reinstalled."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.errors import IllegalTransition, InvalidInput
from domain.ids import InstallationId, UserId
from domain.slack.installation import (
    BotCredentials,
    InstallationAdded,
    InstallationNeedsReconnecting,
    InstallationReactivated,
    InstallationRefreshed,
    InstallationRemoved,
    InstallationStatus,
    RemovedBy,
    SlackWorkspace,
    WorkspaceInstallation,
)
from tests.unit.domain.examples import ORG, only_event
from tests.unit.world import T0

LATER = T0 + timedelta(days=3)
ENGINEERING = SlackWorkspace(
    enterprise_id="E1", enterprise_name="Acme Grid", team_id="T1", team_name="Engineering"
)


def bot(token: str = "xoxb-1") -> BotCredentials:
    return BotCredentials(
        token=token, bot_user_id="U0BOT", bot_id="B1", app_id="A1", scopes=("chat:write",)
    )


def installation(workspace: SlackWorkspace = ENGINEERING) -> WorkspaceInstallation:
    return WorkspaceInstallation.install(
        id=InstallationId("i"),
        organization_id=ORG,
        workspace=workspace,
        bot=bot(),
        installed_by=UserId("ada"),
        installer_slack_user_id="W0ADA",
        now=T0,
    )


def test_installing_records_who_and_where() -> None:
    workspace = installation()
    event = only_event(workspace)
    assert isinstance(event, InstallationAdded)
    assert (event.slack_key, event.installed_by) == ("E1:T1", "ada")
    assert workspace.is_active
    assert workspace.workspace.directory_key == "E1"


def test_the_token_never_shows_in_a_repr() -> None:
    assert "xoxb-1" not in repr(installation())


def test_an_org_wide_install_is_keyed_by_its_grid() -> None:
    grid = SlackWorkspace(
        enterprise_id="E1", enterprise_name="Acme Grid", is_enterprise_install=True
    )
    assert (grid.key, grid.directory_key, grid.display_name) == ("E1:-", "E1", "Acme Grid")
    with pytest.raises(InvalidInput, match="needs an Enterprise Grid id"):
        SlackWorkspace(is_enterprise_install=True)
    with pytest.raises(InvalidInput, match="needs a team id"):
        SlackWorkspace(team_name="No id")


@pytest.mark.parametrize("by", list(RemovedBy))
def test_removing_erases_the_token_and_keeps_who_and_when(by: RemovedBy) -> None:
    workspace = installation()
    workspace.pull_events()
    workspace.remove(by=by, now=LATER)
    assert (workspace.status, workspace.removed_by, workspace.removed_at, workspace.bot) == (
        InstallationStatus.REMOVED,
        by,
        LATER,
        None,
    )
    event = only_event(workspace)
    assert isinstance(event, InstallationRemoved)
    assert (event.topic, event.slack_key, event.removed_by) == (
        "installation.removed",
        "E1:T1",
        by.value,
    )


def test_a_removed_workspace_cannot_be_removed_again() -> None:
    workspace = installation()
    workspace.remove(by=RemovedBy.ADMIN, now=LATER)
    workspace.pull_events()
    with pytest.raises(IllegalTransition, match="already removed"):
        workspace.remove(by=RemovedBy.SLACK, now=LATER)
    assert (workspace.removed_by, workspace.events) == (RemovedBy.ADMIN, [])


def test_reinstalling_a_removed_workspace_reactivates_it_with_the_new_token() -> None:
    workspace = installation()
    workspace.remove(by=RemovedBy.SLACK, now=LATER)
    workspace.pull_events()
    renamed = SlackWorkspace(enterprise_id="E1", team_id="T1", team_name="Eng (renamed)")
    workspace.reinstall(
        workspace=renamed,
        bot=bot("xoxb-2"),
        installed_by=UserId("bo"),
        installer_slack_user_id="W0BO",
        now=LATER,
    )
    assert workspace.is_active
    assert (workspace.removed_at, workspace.removed_by) == (None, None)
    assert workspace.bot is not None and workspace.bot.token == "xoxb-2"
    assert (workspace.workspace.team_name, workspace.installed_by) == ("Eng (renamed)", "bo")
    assert isinstance(only_event(workspace), InstallationReactivated)


def test_reinstalling_an_active_workspace_refreshes_it() -> None:
    workspace = installation()
    workspace.pull_events()
    workspace.reinstall(
        workspace=ENGINEERING,
        bot=bot("xoxb-3"),
        installed_by=UserId("ada"),
        installer_slack_user_id="W0ADA",
        now=LATER,
    )
    assert isinstance(only_event(workspace), InstallationRefreshed)
    assert workspace.installed_at == LATER


def test_a_reinstall_for_another_workspace_is_refused() -> None:
    workspace = installation()
    other = SlackWorkspace(team_id="T9", team_name="Other")
    with pytest.raises(InvalidInput, match="another Slack workspace"):
        workspace.reinstall(
            workspace=other,
            bot=bot(),
            installed_by=UserId("ada"),
            installer_slack_user_id="W",
            now=LATER,
        )
    assert workspace.workspace == ENGINEERING


# -- Slack stopped accepting the token: needs reconnecting --------------------------------


def test_a_refused_token_needs_reconnecting_with_slacks_reason() -> None:
    workspace = installation()
    workspace.pull_events()
    assert workspace.token_refused(reason="invalid_auth", now=LATER)
    assert workspace.status is InstallationStatus.NEEDS_RECONNECTING
    assert not workspace.is_active and not workspace.is_removed
    assert (workspace.lost_reason, workspace.lost_at) == ("invalid_auth", LATER)
    assert workspace.lost_reason_text == (
        "Slack no longer accepts mentorlink's token for it (invalid_auth)."
    )
    event = only_event(workspace)
    assert isinstance(event, InstallationNeedsReconnecting) and event.reason == "invalid_auth"


def test_learning_it_twice_or_after_a_removal_changes_nothing() -> None:
    workspace = installation()
    workspace.token_refused(reason="token_revoked", now=LATER)
    workspace.pull_events()
    assert not workspace.token_refused(reason="invalid_auth", now=LATER)
    assert workspace.lost_reason == "token_revoked" and not workspace.pull_events()
    removed = installation()
    removed.remove(by=RemovedBy.ADMIN, now=LATER)
    removed.pull_events()
    assert not removed.token_refused(reason="invalid_auth", now=LATER)
    assert removed.status is InstallationStatus.REMOVED and not removed.pull_events()


def test_reconnecting_reactivates_it_and_forgets_the_reason() -> None:
    workspace = installation()
    workspace.token_refused(reason="account_inactive", now=LATER)
    workspace.pull_events()
    workspace.reinstall(workspace=ENGINEERING, bot=bot("xoxb-9"), installed_by=UserId("ada"),
                        installer_slack_user_id="W0ADA", now=LATER)  # fmt: skip
    assert workspace.is_active and workspace.lost_reason is None and workspace.lost_at is None
    assert isinstance(only_event(workspace), InstallationReactivated)


def test_one_that_needs_reconnecting_can_still_be_removed_and_says_its_token_was_dead() -> None:
    workspace = installation()
    workspace.token_refused(reason="invalid_auth", now=LATER)
    workspace.remove(by=RemovedBy.ADMIN, now=LATER)
    assert workspace.is_removed and workspace.bot is None
    assert workspace.lost_reason == "invalid_auth"
    with pytest.raises(IllegalTransition):
        workspace.remove(by=RemovedBy.ADMIN, now=LATER)
