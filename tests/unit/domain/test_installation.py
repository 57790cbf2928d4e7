"""WorkspaceInstallation: active -> removed (admin or Slack) -> active again on reinstall."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.errors import IllegalTransition
from domain.ids import InstallationId
from domain.installation import (
    InstallationReactivated,
    InstallationRemoved,
    InstallationStatus,
    RemovedBy,
    WorkspaceInstallation,
)
from tests.unit.domain.examples import ORG, only_event
from tests.unit.world import T0

LATER = T0 + timedelta(days=3)


def installation() -> WorkspaceInstallation:
    return WorkspaceInstallation(
        id=InstallationId("i"), organization_id=ORG, team_id="T123", installed_at=T0
    )


@pytest.mark.parametrize("by", list(RemovedBy))
def test_removing_keeps_who_removed_it_and_when(by: RemovedBy) -> None:
    workspace = installation()
    workspace.remove(by=by, now=LATER)
    assert (workspace.status, workspace.removed_by, workspace.removed_at) == (
        InstallationStatus.REMOVED,
        by,
        LATER,
    )
    assert workspace.is_active is False
    event = only_event(workspace)
    assert isinstance(event, InstallationRemoved)
    assert (event.topic, event.team_id, event.removed_by) == (
        "installation.removed",
        "T123",
        by.value,
    )


def test_a_removed_workspace_cannot_be_removed_again() -> None:
    workspace = installation()
    workspace.remove(by=RemovedBy.ADMIN, now=LATER)
    workspace.pull_events()
    with pytest.raises(IllegalTransition, match="already removed"):
        workspace.remove(by=RemovedBy.SLACK, now=LATER)
    assert (workspace.removed_by, workspace.events) == (RemovedBy.ADMIN, [])


def test_reinstalling_reactivates_and_forgets_the_removal() -> None:
    workspace = installation()
    workspace.remove(by=RemovedBy.SLACK, now=LATER)
    workspace.pull_events()
    again = LATER + timedelta(days=1)
    workspace.reactivate(now=again)
    assert (workspace.status, workspace.removed_by, workspace.removed_at) == (
        InstallationStatus.ACTIVE,
        None,
        None,
    )
    assert workspace.installed_at == again
    event = only_event(workspace)
    assert isinstance(event, InstallationReactivated)
    assert (event.topic, event.installation_id) == ("installation.reactivated", "i")


def test_an_active_workspace_cannot_be_reactivated() -> None:
    workspace = installation()
    with pytest.raises(IllegalTransition, match="already connected"):
        workspace.reactivate(now=LATER)
    assert (workspace.installed_at, workspace.events) == (T0, [])
