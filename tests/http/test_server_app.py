"""What `mentorlink serve` runs: the same app, with its heap frozen once it has started, and
its work between requests."""

from __future__ import annotations

import asyncio
import gc
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient

from adapters.persistence.migrate import upgrade_async
from adapters.settings import Settings
from bootstrap import create_app, create_container, create_server_app


async def test_the_served_app_freezes_its_heap_once_started(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MENTORLINK_DATABASE_URL", "memory://")
    gc.unfreeze()
    threshold = gc.get_threshold()
    try:
        app = create_server_app()
        assert gc.get_freeze_count() == 0  # building it does not; starting it does
        async with AsyncTestClient(app) as client:
            assert gc.get_freeze_count() > 10_000
            assert gc.get_threshold() == (20_000, 20, 20)
            assert (await client.get("/healthz")).status_code == 200
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)


@pytest.mark.parametrize("in_process_worker", ["on", "off"])
async def test_home_tabs_are_published_between_requests_whoever_delivers(
    tmp_path: Path, in_process_worker: str
) -> None:
    """With the delivery worker in process or in `mentorlink worker` processes (PostgreSQL's
    default), the server's Home publisher runs: a click marks a Home stale, and stale Homes
    go out coalesced, within Slack's pace and the background's share — not one publish per
    click in the request's wake."""
    url = f"sqlite:///{tmp_path / 'served.db'}"
    await upgrade_async(url)
    settings = Settings(database_url=url, secret_keys=("k" * 32,),
                        in_process_worker=in_process_worker)  # fmt: skip
    container = create_container(settings)
    app = create_app(settings, container)
    async with AsyncTestClient(app) as client:
        assert (await client.get("/healthz")).status_code == 200
        await asyncio.sleep(0.05)
        assert container.home_publisher().looping
    assert not container.home_publisher().looping, "stopped with the server"
