"""A Home published with a token Slack no longer accepts (the app removed in Slack, no event
reaching us) marks the installation "needs reconnecting", like a sync or a delivery would;
later Homes are not published through it."""

from __future__ import annotations

from adapters.persistence.memory import MemoryStore
from domain.ids import InstallationId
from domain.slack.installation import InstallationStatus
from tests.unit.slack import test_home_publisher
from tests.unit.slack.test_home_publisher import HomePublisher, slack_of
from tests.unit.world import Scene, fresh

homes = test_home_publisher.homes  # the publisher's scene: Maria and Sam in T1 of inst1


async def test_a_lost_token_marks_the_installation_and_stops_publishing_through_it(
    homes: HomePublisher, scene: Scene, store: MemoryStore
) -> None:
    slack_of(homes).remove_app(team_id="T1")  # the token now answers account_inactive
    homes.mark_stale([scene.maria.actor.user_id])
    assert await homes.publish_stale() == 0
    async with fresh(store) as uow:
        installation = await uow.installations.get(InstallationId("inst1"))
    assert installation.status is InstallationStatus.NEEDS_RECONNECTING
    assert installation.lost_reason == "account_inactive"
    calls = slack_of(homes).calls["views.publish"]
    homes.mark_stale([scene.sam.actor.user_id])
    await homes.publish_stale()
    assert slack_of(homes).calls["views.publish"] == calls  # not through a lost installation
