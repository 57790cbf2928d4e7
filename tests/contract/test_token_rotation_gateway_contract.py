"""The Slack gateway's token rotation, on the in-memory fake and on the real gateway against the
sandbox: an install made with rotation on answers an expiring token with a refresh token;
`rotate_token` spends it once for a new working pair; a spent or unknown refresh token is
`invalid_refresh_token`; a token past its life is `token_expired`."""

from __future__ import annotations

import asyncio

import pytest

from application.slack.gateway import SlackError
from tests.contract.slack_fixtures import (  # noqa: F401 (fixtures)
    ENG,
    MemoryWorld,
    SandboxWorld,
    SlackWorld,
    install,
    sandbox_server,
    sandbox_world,
    slack,
)

TWELVE_HOURS = 43_200


async def rotation_on(world: SlackWorld) -> None:
    if isinstance(world, MemoryWorld):
        world.fake.rotation.lifetime = TWELVE_HOURS
    else:
        assert isinstance(world, SandboxWorld)
        await world.configure(token_rotation=True)


async def let_tokens_expire(world: SlackWorld) -> None:
    if isinstance(world, MemoryWorld):
        world.now += TWELVE_HOURS
    else:
        assert isinstance(world, SandboxWorld)
        await world.configure(time_scale=TWELVE_HOURS * 100)  # 12 hours pass in 10 ms
        await asyncio.sleep(0.05)


async def test_an_install_with_rotation_on_comes_with_a_refresh_token(slack: SlackWorld) -> None:  # noqa: F811
    await rotation_on(slack)
    grant = await install(slack, team_id=ENG)
    assert grant.access_token.startswith("xoxe.xoxb-")
    assert grant.refresh_token is not None and grant.refresh_token.startswith("xoxe-")
    assert grant.expires_in == TWELVE_HOURS
    assert "xoxe" not in repr(grant)


async def test_without_rotation_there_is_no_refresh_token(slack: SlackWorld) -> None:  # noqa: F811
    grant = await install(slack, team_id=ENG)
    assert (grant.refresh_token, grant.expires_in) == (None, None)


async def test_a_refresh_token_buys_one_new_pair(slack: SlackWorld) -> None:  # noqa: F811
    await rotation_on(slack)
    grant = await install(slack, team_id=ENG)
    assert grant.refresh_token is not None
    rotated = await slack.gateway.rotate_token(grant.refresh_token)
    assert rotated.access_token != grant.access_token
    assert rotated.refresh_token != grant.refresh_token
    assert rotated.expires_in == TWELVE_HOURS
    assert (await slack.gateway.describe(rotated.access_token, ENG)).team_name == \
        "Acme Engineering"
    for spent in (grant.refresh_token, "xoxe-1-never-issued"):
        with pytest.raises(SlackError) as refused:
            await slack.gateway.rotate_token(spent)
        assert refused.value.code == "invalid_refresh_token"
    assert "xoxe" not in repr(rotated)


async def test_a_token_past_its_life_is_token_expired_and_its_refresh_token_still_works(
    slack: SlackWorld,  # noqa: F811
) -> None:
    await rotation_on(slack)
    grant = await install(slack, team_id=ENG)
    assert grant.refresh_token is not None
    await let_tokens_expire(slack)
    with pytest.raises(SlackError) as expired:
        await slack.gateway.post_message(grant.access_token, channel="W0MARIASA", text="hi",
                                         blocks=[])
    assert expired.value.code == "token_expired"
    assert await slack.dms_to("W0MARIASA") == []
    if isinstance(slack, SandboxWorld):
        await slack.configure(time_scale=1)  # the next token lives its 12 hours
    rotated = await slack.gateway.rotate_token(grant.refresh_token)
    posted = await slack.gateway.post_message(rotated.access_token, channel="W0MARIASA",
                                              text="hi", blocks=[])
    assert posted.ts
