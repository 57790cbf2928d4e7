"""SQLite on the embedded default: an acknowledged commit is on disk (the log is synced before
the commit returns), and under sustained writes the checkpoint thread keeps the log short by
holding this process's writers back for the moment it copies the last frames."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import text

from adapters.persistence.database import create_engine
from adapters.persistence.migrate import upgrade
from adapters.persistence.sqlite_checkpoints import WalCheckpointer
from adapters.persistence.sqlite_writers import holding_writers, write_transaction, writers_turn

ROW = "x" * 3000  # most of a 4 kB page: one frame per row


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'durable.db'}"
    upgrade(url)
    return url


async def test_every_app_connection_syncs_the_log_before_a_commit_returns(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            mode = (await connection.execute(text("PRAGMA synchronous"))).scalar_one()
            journal = (await connection.execute(text("PRAGMA journal_mode"))).scalar_one()
    finally:
        await engine.dispose()
    assert (mode, journal) == (2, "wal")  # 2 = FULL


async def test_under_sustained_writes_the_log_is_copied_back_whole_and_starts_over(
    url: str,
) -> None:
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE filler (value TEXT)"))
    keeper = WalCheckpointer(
        url.removeprefix("sqlite:///"), interval=0.02, restart_pages=64,
        hold_writers=holding_writers(engine, asyncio.get_running_loop()),
    )  # fmt: skip
    written = 0
    keeper.start()
    try:
        while written < 3000:  # pages: 12 MB of log if it never started over
            async with write_transaction(engine) as connection:
                await connection.execute(text("INSERT INTO filler VALUES (:v)"), [{"v": ROW}] * 20)
            written += 20
            await asyncio.sleep(0)  # the loop's other work (here: the keeper's hold) goes on
    finally:
        await asyncio.to_thread(keeper.stop)
        await engine.dispose()
    assert keeper.failures == 0 and keeper.holds > 0 and keeper.restarts > 0
    assert keeper.longest_log < 1000, keeper.longest_log  # far below what was written


async def test_a_hold_that_cannot_get_the_writers_turn_in_time_holds_nothing(url: str) -> None:
    engine = create_engine(url)
    hold = holding_writers(engine, asyncio.get_running_loop())
    try:
        async with writers_turn(engine):  # a writer is busy for longer than the hold waits
            held = await asyncio.to_thread(_try_hold, hold)
        assert held is False
        assert await asyncio.to_thread(_try_hold, hold) is True  # free again, and held
        async with writers_turn(engine):  # the earlier holds let go of the turn
            pass
    finally:
        await engine.dispose()


def _try_hold(hold: object) -> bool:
    with hold(0.05) as held:  # type: ignore[operator]
        return bool(held)


async def test_the_workers_bookkeeping_commits_without_waiting_for_the_sync_and_no_one_else(
    url: str,
) -> None:
    engine = create_engine(url, pool_size=1)
    try:
        async with write_transaction(engine, durable=False) as connection:
            inside = (await connection.execute(text("PRAGMA synchronous"))).scalar_one()
        async with write_transaction(engine) as connection:
            durable = (await connection.execute(text("PRAGMA synchronous"))).scalar_one()
        async with engine.connect() as connection:  # the same pooled connection, back to FULL
            after = (await connection.execute(text("PRAGMA synchronous"))).scalar_one()
    finally:
        await engine.dispose()
    assert (inside, durable, after) == (1, 2, 2)  # NORMAL only for that one transaction
