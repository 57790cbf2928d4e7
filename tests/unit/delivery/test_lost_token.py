"""Slack stops accepting an installation's token without telling us (the app was removed in
Slack, the token revoked, the workspace deactivated): the delivery that learns it marks the
installation "needs reconnecting" and goes by e-mail, and so does every later one, without
asking Slack again, until an admin reconnects."""

from __future__ import annotations

import pytest

from application.delivery.model import Channel, DeliveryStatus
from application.slack.gateway import SlackError
from domain.ids import InstallationId
from domain.slack.installation import InstallationStatus
from tests.unit.delivery import test_sender
from tests.unit.delivery.test_sender import Post
from tests.unit.world import fresh

post = test_sender.post  # the sender's scene: Maria in workspace T1 of installation inst1


async def _installation_status(post: Post) -> tuple[InstallationStatus, str | None]:
    async with fresh(post.store) as uow:
        installation = await uow.installations.get(InstallationId("inst1"))
    return installation.status, installation.lost_reason


async def test_a_token_lost_in_slack_marks_the_installation_and_mail_takes_over(
    post: Post,
) -> None:
    post.slack.remove_app(team_id="T1")  # no event reaches us: the token just stops working
    first = await post.queue()
    await post.sender.send_due()
    delivery = await post.status(first)
    assert (delivery.status, delivery.channel) == (DeliveryStatus.SENT, Channel.EMAIL)
    assert await _installation_status(post) == (
        InstallationStatus.NEEDS_RECONNECTING, "account_inactive"
    )
    assert [m.topic for m in post.store.outbox].count("installation.needs_reconnecting") == 1
    posts = post.slack.calls["chat.postMessage"]
    second = await post.queue()
    await post.sender.send_due()
    assert (await post.status(second)).channel is Channel.EMAIL
    assert post.slack.calls["chat.postMessage"] == posts  # Slack is not asked again
    assert len(post.mail.sent) == 2


@pytest.mark.parametrize("code", ["invalid_auth", "token_revoked"])
async def test_an_update_that_finds_the_token_dead_marks_it_too(post: Post, code: str) -> None:
    await post.queue()
    await post.sender.send_due()
    post.slack.fail_next("chat.update", SlackError(code))
    await post.queue(version=2, refresh=True)
    await post.sender.send_due()
    assert await _installation_status(post) == (InstallationStatus.NEEDS_RECONNECTING, code)


async def test_a_person_slack_cannot_find_leaves_the_installation_alone(post: Post) -> None:
    post.slack.fail_next("chat.postMessage", SlackError("user_not_found"))
    await post.queue()
    await post.sender.send_due()
    assert await _installation_status(post) == (InstallationStatus.ACTIVE, None)
