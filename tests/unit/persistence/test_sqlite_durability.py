"""SQLite on the embedded default: an acknowledged commit is on disk (a command's commit syncs
the log itself; in the server the group commit syncs it, off the event loop, before the write
returns), and under sustained writes the checkpoint thread keeps the log short by holding this
process's writers back for the moment it copies the last frames."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.database import create_engine
from adapters.persistence.sqlite_checkpoints import WalCheckpointer
from adapters.persistence.sqlite_group_commit import (
    GroupCommit,
    serve_durably,
    stop_serving_durably,
)
from adapters.persistence.sqlite_writers import holding_writers, write_transaction, writers_turn

ROW = "x" * 3000  # most of a 4 kB page: one frame per row



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


@pytest.fixture
async def served(url: str) -> AsyncIterator[tuple[AsyncEngine, GroupCommit]]:
    """An engine as `mentorlink serve` runs it: commits made durable by the group commit."""
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE notes (body TEXT)"))
    group_commit = GroupCommit(url.removeprefix("sqlite:///"))
    group_commit.start()
    serve_durably(engine, group_commit)
    try:
        yield engine, group_commit
    finally:
        stop_serving_durably(engine)
        group_commit.stop()
        await engine.dispose()


async def _note(engine: AsyncEngine, body: str = "x") -> None:
    async with write_transaction(engine) as connection:
        await connection.execute(text("INSERT INTO notes VALUES (:b)"), {"b": body})


async def _notes(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(text("SELECT count(*) FROM notes"))).scalar_one())


async def test_in_the_server_a_write_returns_only_once_the_group_commit_synced_the_log(
    served: tuple[AsyncEngine, GroupCommit],
) -> None:
    engine, group_commit = served
    with group_commit._syncing:  # the sync thread cannot sync until this is released
        write = asyncio.create_task(_note(engine))
        for _ in range(20):
            await asyncio.sleep(0.01)
        assert not write.done()  # committed, not yet on disk: not acknowledged
        assert await _notes(engine) == 1  # (readers already see it)
    await asyncio.wait_for(write, 5)
    assert group_commit.syncs > 0


async def test_the_servers_commits_leave_the_sync_to_one_thread_which_covers_many(
    served: tuple[AsyncEngine, GroupCommit], monkeypatch: pytest.MonkeyPatch
) -> None:
    engine, group_commit = served
    async with engine.connect() as connection:
        mode = (await connection.execute(text("PRAGMA synchronous"))).scalar_one()
    assert mode == 1  # NORMAL: the commit itself does not sync
    synced_on: list[str] = []
    real = os.fdatasync

    def traced(fd: int) -> None:
        synced_on.append(threading.current_thread().name)
        real(fd)

    monkeypatch.setattr(os, "fdatasync", traced)
    with group_commit._syncing:  # twenty commits pile up behind one sync
        writes = [asyncio.create_task(_note(engine, str(i))) for i in range(20)]
        for _ in range(20):
            await asyncio.sleep(0.01)
    await asyncio.wait_for(asyncio.gather(*writes), 5)
    assert synced_on and set(synced_on) == {"sqlite-group-commit"}
    assert len(synced_on) < 20
    stop_serving_durably(engine)  # a command's engine: each commit syncs itself again
    async with engine.connect() as connection:
        mode = (await connection.execute(text("PRAGMA synchronous"))).scalar_one()
    assert mode == 2
