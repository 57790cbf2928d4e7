"""The real gateway against the sandbox keeps one connection while the process runs
(`SlackConnections` opened, as `serve` and `worker` do); before that, and after closing,
each call makes its own short-lived one, and nothing is left open."""

from __future__ import annotations

import asyncio

import pytest

from adapters.slack.connections import SlackConnections
from adapters.slack.web_gateway import SlackWebGateway
from tests.contract.slack_fixtures import (  # noqa: F401  (fixtures)
    CLIENT_ID,
    CLIENT_SECRET,
    ENG,
    SandboxWorld,
    install,
    sandbox_server,
    sandbox_world,
)

NAME = "Acme Engineering"
pytestmark = pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")


async def test_calls_share_one_connection_while_kept(
    sandbox_world: SandboxWorld,  # noqa: F811
) -> None:
    kept = SlackConnections()
    sandbox_world.gateway = SlackWebGateway(
        sandbox_world.server.api_url, CLIENT_ID, CLIENT_SECRET, connections=kept
    )
    kept.open()
    grant = await install(sandbox_world)
    for _ in range(5):
        assert (await sandbox_world.gateway.describe(grant.access_token, ENG)).team_name == NAME
    assert kept.opened == 1
    session = kept.session(30)
    assert session is not None and kept.session(30) is session
    await kept.close()
    assert session.closed and kept.session(30) is None
    # closed: the gateway still works, on a connection of its own for each call
    assert (await sandbox_world.gateway.describe(grant.access_token, ENG)).team_name == NAME
    assert kept.opened == 1


async def test_nothing_is_kept_until_opened_nor_for_another_loop() -> None:
    kept = SlackConnections()
    assert kept.session(5) is None
    kept.open()
    assert kept.session(5) is not None and kept.session(10) is not kept.session(5)
    elsewhere = await asyncio.to_thread(asyncio.run, _session_of_another_loop(kept))
    assert elsewhere is None
    await kept.close()


async def _session_of_another_loop(kept: SlackConnections) -> object:
    return kept.session(5)
