"""BotTokens on the in-memory store and Slack fake (token rotation on, 12-hour tokens): a token
is used as is until it is due, renewed once however many workers notice at the same moment,
kept sealed, and a renewal Slack refuses marks the installation "needs reconnecting"."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import attrs
import pytest

from adapters.persistence.memory import MemoryStore, memory_uow_factory
from adapters.slack.memory_gateway import MemorySlackGateway
from application.slack.bot_tokens import BotTokens, TokenNotRenewed
from application.slack.gateway import SlackError, SlackUnavailable
from domain.ids import InstallationId, OrganizationId, UserId
from domain.slack.installation import BotCredentials, SlackWorkspace, WorkspaceInstallation
from tests.unit.world import FixedClock

TEAM = "T0ACMEENG"
LIFE = 43_200
AHEAD = timedelta(hours=2)
ID = InstallationId("inst-1")


@attrs.define
class Scene:
    store: MemoryStore
    clock: FixedClock
    slack: MemorySlackGateway
    slack_now: list[float]

    def tokens(self) -> BotTokens:
        return BotTokens(slack=self.slack, uow_factory=memory_uow_factory(self.store),
                         clock=self.clock, ahead=AHEAD)

    async def bot(self) -> BotCredentials:
        async with memory_uow_factory(self.store)() as uow:
            installation = await uow.installations.get(ID)
        assert installation.bot is not None
        return installation.bot

    def later(self, seconds: float) -> None:
        self.clock.advance(seconds=seconds)
        self.slack_now[0] += seconds


@pytest.fixture
async def scene() -> Scene:
    slack_now = [1_000.0]
    slack = MemorySlackGateway(now=lambda: slack_now[0], token_lifetime=LIFE)
    slack.add_workspace(TEAM, "Acme Engineering")
    grant = slack.install(team_id=TEAM)
    assert grant.refresh_token is not None and grant.expires_in == LIFE
    store, clock = MemoryStore(), FixedClock()
    bot = BotCredentials(token=grant.access_token, bot_user_id=grant.bot_user_id, bot_id="B1",
                         app_id=grant.app_id, scopes=grant.scopes,
                         refresh_token=grant.refresh_token,
                         expires_at=clock.now() + timedelta(seconds=LIFE))
    async with memory_uow_factory(store)() as uow:
        await uow.installations.add(WorkspaceInstallation.install(
            id=ID, organization_id=OrganizationId("org"), workspace=SlackWorkspace(team_id=TEAM),
            bot=bot, installed_by=UserId("admin"), installer_slack_user_id="W1",
            now=clock.now()))  # fmt: skip
        await uow.commit()
    return Scene(store, clock, slack, slack_now)


async def test_a_token_not_yet_due_is_used_as_it_is(scene: Scene) -> None:
    bot = await scene.bot()
    scene.later(LIFE - AHEAD.total_seconds() - 1)
    assert await scene.tokens().fresh(ID, bot.token, bot.expires_at) == bot.token
    assert scene.slack.calls["oauth.v2.access"] == 0


async def test_a_due_token_is_renewed_and_kept_sealed(scene: Scene) -> None:
    old = await scene.bot()
    scene.later(LIFE - AHEAD.total_seconds())
    tokens = scene.tokens()
    token = await tokens.fresh(ID, old.token, old.expires_at)
    new = await scene.bot()
    assert token == new.token != old.token
    assert new.refresh_token not in (None, old.refresh_token)
    assert new.expires_at == scene.clock.now() + timedelta(seconds=LIFE)
    assert (scene.slack.calls["oauth.v2.access"], tokens.renewed) == (1, 1)
    assert scene.slack.is_active(token)
    stored = str(scene.store.table("installations"))
    assert new.token not in stored and str(new.refresh_token) not in stored


async def test_workers_noticing_at_once_renew_once_and_share_the_token(scene: Scene) -> None:
    old = await scene.bot()
    scene.later(LIFE - 60)
    workers = [scene.tokens() for _ in range(5)]
    got = await asyncio.gather(*(w.fresh(ID, old.token, old.expires_at) for w in workers))
    assert len(set(got)) == 1 and got[0] == (await scene.bot()).token
    assert scene.slack.calls["oauth.v2.access"] == 1
    assert sum(w.renewed for w in workers) == 1


async def test_slack_saying_token_expired_renews_even_before_our_clock_says_due(
    scene: Scene,
) -> None:
    old = await scene.bot()
    token = await scene.tokens().renew(ID, stale=old.token)
    assert token != old.token and scene.slack.calls["oauth.v2.access"] == 1
    # a second worker with the same stale token gets the renewed one, without a refresh
    assert await scene.tokens().renew(ID, stale=old.token) == token
    assert scene.slack.calls["oauth.v2.access"] == 1


async def test_a_refused_renewal_marks_the_installation_needs_reconnecting(scene: Scene) -> None:
    old = await scene.bot()
    scene.slack.fail_next("oauth.v2.access", SlackError("invalid_refresh_token"))
    with pytest.raises(TokenNotRenewed) as refused:
        await scene.tokens().renew(ID, stale=old.token)
    assert refused.value.code == "invalid_refresh_token"
    async with memory_uow_factory(scene.store)() as uow:
        installation = await uow.installations.get(ID)
    assert installation.needs_reconnecting
    assert installation.lost_reason == "invalid_refresh_token"
    with pytest.raises(TokenNotRenewed):  # and stays so: no further refresh is tried
        await scene.tokens().renew(ID, stale=old.token)
    assert scene.slack.calls["oauth.v2.access"] == 1


async def test_slack_unreachable_changes_nothing(scene: Scene) -> None:
    old = await scene.bot()
    scene.slack.fail_next("oauth.v2.access", SlackUnavailable("HTTP 503"))
    with pytest.raises(SlackUnavailable):
        await scene.tokens().renew(ID, stale=old.token)
    assert await scene.bot() == old
    assert await scene.tokens().renew(ID, stale=old.token) != old.token  # the next try works


async def test_the_fake_expires_tokens_and_spends_refresh_tokens_once(scene: Scene) -> None:
    old = await scene.bot()
    assert old.refresh_token is not None
    await scene.slack.rotate_token(old.refresh_token)
    with pytest.raises(SlackError) as spent:
        await scene.slack.rotate_token(old.refresh_token)
    assert spent.value.code == "invalid_refresh_token"
    scene.later(LIFE)
    with pytest.raises(SlackError) as expired:
        await scene.slack.describe(old.token, TEAM)
    assert expired.value.code == "token_expired"
