"""The in-Slack actions' own tests, run again with every click, submission and event carried
over Socket Mode instead of HTTP: the same steps, the same assertions (the `world` fixture of
this folder is the Socket Mode one). Afterwards each checks that nothing went over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.http.slack_actions.test_connections import *  # noqa: F403
from tests.http.slack_actions.test_meetings import *  # noqa: F403
from tests.http.slack_actions.test_requests import *  # noqa: F403
from tests.http.slack_actions.test_surveys import *  # noqa: F403
from tests.http.slack_world import World


@pytest.fixture(autouse=True)
async def _only_over_socket_mode(world: World) -> AsyncIterator[None]:
    yield
    for kind in ("events", "interactions"):
        found = (await world.http.get(f"{world.sandbox}/_sandbox/{kind}")).json()
        for delivery in found["deliveries"]:
            assert all(a["envelope_id"] for a in delivery["attempts"]), delivery
