"""Removal from Slack's side: app_uninstalled and tokens_revoked, in either order, retried."""

from __future__ import annotations

import pytest

from adapters.persistence.memory import MemoryStore
from application.actors import SYSTEM
from application.running import UseCaseRunner
from application.slack.removal import WorkspaceRemovedInSlack, workspace_removed_in_slack
from domain.slack.installation import RemovedBy
from tests.unit.slack_workspaces.conftest import Slack, install
from tests.unit.world import Scene, fresh, topics_since


def event(event_id: str, team: str | None = "T1", *, grid: bool = False) -> WorkspaceRemovedInSlack:
    return WorkspaceRemovedInSlack(
        event_id=event_id, enterprise_id="E1", team_id=team, is_enterprise_install=grid
    )


@pytest.mark.parametrize(
    "order", [("app_uninstalled", "tokens_revoked"), ("tokens_revoked", "app_uninstalled")]
)
async def test_both_events_in_either_order_remove_once(
    run: UseCaseRunner, scene: Scene, slack: Slack, store: MemoryStore, order: tuple[str, str]
) -> None:
    installation = await install(run, slack.gateway, scene.acme.admin, team_id="T1")
    mark = len(store.outbox)
    first = await run(workspace_removed_in_slack, event(f"Ev-{order[0]}"), SYSTEM)
    second = await run(workspace_removed_in_slack, event(f"Ev-{order[1]}"), SYSTEM)
    assert (first, second) == (True, False)
    assert topics_since(store, mark) == ["installation.removed"]
    async with fresh(store) as uow:
        saved = await uow.installations.get(installation.id)
    assert (saved.is_active, saved.removed_by, saved.bot) == (False, RemovedBy.SLACK, None)


async def test_a_retried_delivery_is_handled_once(
    run: UseCaseRunner, scene: Scene, slack: Slack, store: MemoryStore
) -> None:
    installation = await install(run, slack.gateway, scene.acme.admin, team_id="T1")
    assert await run(workspace_removed_in_slack, event("Ev1"), SYSTEM) is True
    # The admin reinstalls; Slack then retries the old event: it must not remove the new install.
    await install(run, slack.gateway, scene.acme.admin, team_id="T1")
    assert await run(workspace_removed_in_slack, event("Ev1"), SYSTEM) is False
    async with fresh(store) as uow:
        assert (await uow.installations.get(installation.id)).is_active


async def test_unknown_workspaces_change_nothing(
    run: UseCaseRunner, scene: Scene, slack: Slack, store: MemoryStore
) -> None:
    await install(run, slack.gateway, scene.acme.admin, team_id="T1")
    mark = len(store.outbox)
    assert await run(workspace_removed_in_slack, event("Ev2", team="T404"), SYSTEM) is False
    assert await run(workspace_removed_in_slack, event("Ev3", team=None), SYSTEM) is False
    assert topics_since(store, mark) == []


async def test_an_org_wide_install_is_found_by_its_grid(
    run: UseCaseRunner, scene: Scene, slack: Slack, store: MemoryStore
) -> None:
    grid = await install(run, slack.gateway, scene.acme.admin, enterprise_id="E1")
    assert await run(workspace_removed_in_slack, event("Ev4", team="T1", grid=True), SYSTEM)
    async with fresh(store) as uow:
        assert not (await uow.installations.get(grid.id)).is_active
