"""What `mentorlink serve` runs: the same app, with its heap frozen once it has started."""

from __future__ import annotations

import gc

import pytest
from litestar.testing import AsyncTestClient

from bootstrap import create_server_app


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
