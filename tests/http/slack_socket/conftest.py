"""The app and the Slack sandbox over Socket Mode only: the sandbox posts nothing to the app's
HTTP endpoints; every event and interaction travels as an envelope on the WebSocket the app
opened with its app-level token (see `tests.http.slack_world.running_world`)."""

from collections.abc import AsyncIterator

import pytest

from tests.http.slack_world import Sandbox, World, running_world, sandbox_server  # noqa: F401


@pytest.fixture(name="world")
async def socket_world(sandbox_server: Sandbox) -> AsyncIterator[World]:  # noqa: F811
    async with running_world(sandbox_server, socket_mode=True) as world:
        yield world
