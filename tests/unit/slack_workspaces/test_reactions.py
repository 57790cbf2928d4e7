"""What follows an install is a reaction to its event: the table, and the dispatcher that runs
it from an outbox row's topic and payload."""

from __future__ import annotations

import pytest

from adapters.persistence.memory import MemoryStore
from application.reactions import REACTIONS, ReactionFailed, Reactions
from application.running import UseCaseRunner
from application.slack.directory import DirectoryReport
from application.slack.gateway import SlackError
from domain.slack.installation import (
    InstallationAdded,
    InstallationReactivated,
    InstallationRefreshed,
    InstallationRemoved,
)
from tests.unit.slack_workspaces.conftest import Slack, install
from tests.unit.world import Scene, fresh


def test_every_install_but_not_a_removal_is_followed_by_a_directory_sync() -> None:
    for kind in (InstallationAdded, InstallationRefreshed, InstallationReactivated):
        assert [r.__name__ for r in REACTIONS[kind.topic]] == ["sync_directory_of"]
    assert InstallationRemoved.topic not in REACTIONS


async def test_an_outbox_row_of_an_install_syncs_that_workspaces_directory(
    run: UseCaseRunner, scene: Scene, slack: Slack, store: MemoryStore
) -> None:
    installation = await install(run, slack.gateway, scene.acme.admin, team_id="T1")
    (row,) = [m for m in store.outbox if m.topic == InstallationAdded.topic]
    (report,) = await Reactions(run).dispatch(row.topic, row.payload)
    assert report == DirectoryReport(slack_users=3, matched=2, calls=1)
    async with fresh(store) as uow:
        assert (await uow.installations.get(installation.id)).directory_synced_at is not None


async def test_a_topic_without_reactions_is_left_alone(run: UseCaseRunner) -> None:
    assert await Reactions(run).dispatch("survey.answered", {}) == []


async def test_a_failed_reaction_says_which_and_keeps_its_cause(
    run: UseCaseRunner, scene: Scene, slack: Slack, store: MemoryStore
) -> None:
    installation = await install(run, slack.gateway, scene.acme.admin, team_id="T1")
    slack.gateway.fail_next("users.list", SlackError("ratelimited"))
    (row,) = [m for m in store.outbox if m.topic == InstallationAdded.topic]
    with pytest.raises(ReactionFailed, match=f"Directory sync after installing {installation.id}"):
        await Reactions(run).dispatch(row.topic, row.payload)
