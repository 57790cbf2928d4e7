"""SQLite durability while the server runs: a commit is answered only once the log is on disk,
the event loop's connections leave syncs and checkpoints to the keeper's threads, and the
keeper can hold writers back (never readers) while it copies the log's last frames."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.database import create_engine
from adapters.persistence.sqlite_checkpoints import WalCheckpointer
from adapters.persistence.sqlite_group_commit import WriteGate
from adapters.persistence.sqlite_writers import write_transaction


@pytest.fixture
def keeper(tmp_path: Path) -> WalCheckpointer:
    # Rounds far apart: these tests decide when the gate closes, not the keeper's clock.
    return WalCheckpointer(str(tmp_path / "durable.db"), interval=3600)


@pytest.fixture
async def engine(keeper: WalCheckpointer) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite:///{keeper.path}", wal=keeper)
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE notes (body TEXT)"))
    keeper.start()
    try:
        yield engine
    finally:
        keeper.stop()
        await engine.dispose()


async def _write(engine: AsyncEngine, body: str = "x") -> None:
    async with engine.connect() as connection:
        await connection.execute(text("INSERT INTO notes VALUES (:b)"), {"b": body})
        await connection.commit()


async def _count(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(text("SELECT count(*) FROM notes"))).scalar_one())


async def _turns(count: int = 20) -> None:
    """Let the event loop run other tasks (and the keeper's threads answer) for a while."""
    for _ in range(count):
        await asyncio.sleep(0.01)


async def test_a_commit_is_answered_only_once_the_log_is_synced(
    engine: AsyncEngine, keeper: WalCheckpointer
) -> None:
    syncs_before = keeper.group_commit.syncs
    with keeper.group_commit._syncing:  # the sync thread cannot sync until this is released
        write = asyncio.create_task(_write(engine))
        await _turns()
        assert not write.done()
        assert await _count(engine) == 1  # committed (readers see it), not yet acknowledged
    await write
    assert keeper.group_commit.syncs > syncs_before


async def test_only_the_group_commit_thread_syncs_and_one_sync_covers_many_commits(
    engine: AsyncEngine, keeper: WalCheckpointer, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced_on: list[str] = []
    real = os.fdatasync

    def traced(fd: int) -> None:
        synced_on.append(threading.current_thread().name)
        real(fd)

    monkeypatch.setattr(os, "fdatasync", traced)
    with keeper.group_commit._syncing:  # twenty commits pile up behind one sync
        writes = [asyncio.create_task(_write(engine, str(i))) for i in range(20)]
        await _turns()
    await asyncio.gather(*writes)
    assert synced_on and set(synced_on) == {"sqlite-group-commit"}
    assert len(synced_on) < 20


async def test_the_servers_connections_neither_sync_nor_checkpoint_but_alone_they_do(
    engine: AsyncEngine, keeper: WalCheckpointer
) -> None:
    async def pragmas() -> tuple[int, int]:
        async with engine.connect() as connection:
            sync = (await connection.execute(text("PRAGMA synchronous"))).scalar_one()
            auto = (await connection.execute(text("PRAGMA wal_autocheckpoint"))).scalar_one()
        return int(sync), int(auto)

    served = await pragmas()
    keeper.stop()
    alone = await pragmas()
    assert served == (1, 0)  # NORMAL (a commit does not sync), never: the keeper's threads
    assert alone == (2, 1000)  # FULL, SQLite's default checkpoints
    await _write(engine)  # without the keeper, a commit still works (and syncs itself)
    assert await _count(engine) == 1


async def test_a_writer_waits_at_the_closed_gate_while_readers_go_on(
    engine: AsyncEngine, keeper: WalCheckpointer
) -> None:
    closed, reopen = threading.Event(), threading.Event()

    def hold_the_gate() -> None:
        with keeper.gate.closed(timeout=5):
            closed.set()
            reopen.wait(5)

    holder = threading.Thread(target=hold_the_gate)
    holder.start()
    try:
        assert await asyncio.to_thread(closed.wait, 5)
        write = asyncio.create_task(_write(engine))
        await _turns()
        assert not write.done()
        assert await _count(engine) == 0
    finally:
        reopen.set()
        await asyncio.to_thread(holder.join)
    await write
    assert await _count(engine) == 1


async def test_closing_the_gate_waits_for_the_write_in_progress() -> None:
    gate = WriteGate()
    assert gate.enter() is None  # a write transaction is open
    order: list[str] = []

    def close() -> None:
        with gate.closed(timeout=5) as quiet:
            order.append(f"closed, quiet={quiet}")

    closer = threading.Thread(target=close)
    closer.start()
    await _turns()
    order.append("write ended")
    gate.leave()
    await asyncio.to_thread(closer.join)
    assert order == ["write ended", "closed, quiet=True"]


async def test_the_keeper_starts_a_long_log_over_itself(tmp_path: Path) -> None:
    """So the sync of the new log's header (SQLite makes one whenever a writer starts the log
    over) happens on the keeper's thread, not in a request's commit on the event loop."""
    keeper = WalCheckpointer(str(tmp_path / "restarts.db"), interval=0.01, restart_pages=8)
    engine = create_engine(f"sqlite:///{keeper.path}", wal=keeper)
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE notes (body TEXT)"))
    try:
        for i in range(20):  # a page or more each: past restart_pages (before the keeper runs)
            await _write(engine, str(i) * 4000)
        keeper.start()
        for _ in range(1000):  # 10 s at most on a busy machine
            if keeper.restarts:
                break
            await asyncio.sleep(0.01)
        keeper.stop()  # its rounds would make the probe's checkpoint busy
        with contextlib.closing(sqlite3.connect(keeper.path)) as probe:
            _, logged, _ = probe.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        assert keeper.restarts >= 1
        assert keeper.failures == 0
        assert logged == 1  # the log holds only the keeper's own empty write
        assert await _count(engine) == 20
    finally:
        keeper.stop()
        await engine.dispose()


async def test_a_writer_waits_for_durability_after_its_turn(
    engine: AsyncEngine, keeper: WalCheckpointer
) -> None:
    """The next writer commits while the first waits for the sync: one sync can cover both."""

    async def write(body: str) -> None:
        async with write_transaction(engine) as connection:
            await connection.execute(text("INSERT INTO notes VALUES (:b)"), {"b": body})

    with keeper.group_commit._syncing:  # no sync can finish until this is released
        writes = [asyncio.create_task(write(str(i))) for i in range(2)]
        await _turns()
        assert not any(w.done() for w in writes)
        assert await _count(engine) == 2  # both committed, neither acknowledged yet
    await asyncio.gather(*writes)
