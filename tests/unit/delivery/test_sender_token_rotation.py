"""The sender with rotating tokens, on the in-memory store and Slack fake: Slack's clock may
run ahead of ours, so a `token_expired` answer renews the token and posts once more; a token
due by our clock is renewed before the post."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bench import _rotation_fanout as fanout

from adapters.persistence.memory import MemoryStore, memory_uow_factory
from adapters.persistence.memory_deliveries import MemoryDeliveryStore
from adapters.persistence.sealing import TokenSealer
from adapters.persistence.slack_pacing import MemorySlackPacing
from adapters.slack.memory_gateway import MemorySlackGateway
from application.delivery.model import Channel, DeliveryStatus
from application.delivery.sender import Sender
from application.slack.bot_tokens import BotTokens
from tests.unit.world import FixedClock

TEAM, PERSON, LIFE = "T0ACMEENG", "W0MARIASA", 43_200


async def scene(ahead: timedelta) -> tuple[Sender, MemorySlackGateway, MemoryDeliveryStore,
                                             list[float], str]:
    slack_now = [1_000.0]
    slack = MemorySlackGateway(now=lambda: slack_now[0], token_lifetime=LIFE)
    slack.add_workspace(TEAM, "Acme Engineering")
    slack.add_user(PERSON, name="Maria", email="maria@acme.example", workspaces=[TEAM])
    grant = slack.install(team_id=TEAM)
    store, clock = MemoryStore(), FixedClock(datetime.now(UTC) + timedelta(seconds=1))
    uow_factory = memory_uow_factory(store, TokenSealer([fanout.SECRET]))
    deliveries = MemoryDeliveryStore(store)
    answer: dict[str, Any] = {
        "access_token": grant.access_token, "bot_user_id": grant.bot_user_id,
        "app_id": grant.app_id, "scope": ",".join(grant.scopes),
        "refresh_token": grant.refresh_token, "expires_in": grant.expires_in,
    }
    seeded = await fanout.seed(uow_factory, fanout.memory_outbox_rows(store), deliveries,
                               answer, TEAM, [PERSON], 1)
    sender = Sender(
        store=deliveries, pacing=MemorySlackPacing(store, fanout.UNPACED), slack=slack,
        slack_renderer=fanout.PlainDm(), mailer=None, mail_renderer=fanout.NoMail(),
        uow_factory=uow_factory, clock=clock,
        tokens=BotTokens(slack=slack, uow_factory=uow_factory, clock=clock, ahead=ahead),
    )  # fmt: skip
    return sender, slack, deliveries, slack_now, seeded.delivery_ids[0]


async def test_token_expired_from_slack_renews_and_posts_once_more() -> None:
    sender, slack, deliveries, slack_now, delivery_id = await scene(ahead=timedelta(0))
    slack_now[0] += LIFE  # Slack's clock is past the token's life; ours is not
    assert await sender.send_due() == 1
    delivery = await deliveries.get(delivery_id)
    assert (delivery.status, delivery.channel) == (DeliveryStatus.SENT, Channel.SLACK)
    assert [m.metadata["event_payload"]["id"] for m in slack.dms.to(PERSON)] == [delivery_id]
    assert slack.calls["oauth.v2.access"] == 1
    assert slack.calls["chat.postMessage"] == 2  # refused with token_expired, then posted


async def test_a_token_due_by_our_clock_is_renewed_before_the_post() -> None:
    sender, slack, deliveries, _, delivery_id = await scene(ahead=timedelta(seconds=LIFE))
    assert await sender.send_due() == 1
    assert (await deliveries.get(delivery_id)).status is DeliveryStatus.SENT
    assert (slack.calls["oauth.v2.access"], slack.calls["chat.postMessage"]) == (1, 1)
