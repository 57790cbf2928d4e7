"""The server's SQLite file written by another process while it runs (a CLI command, a seeder):
nothing is lost and the file stays sound, and what once corrupted it is kept out of the
benchmark that did it.

The corruption seen under `bench sqlite_wal` ('database disk image is malformed') came from
the benchmark, not from the checkpoints: SQLite's locks are POSIX advisory locks, owned by a
process, and closing any descriptor of a file drops all of that process's locks on it. The WAL
sampler, a thread in the seeding process, opened and closed the `-shm` file: the seeder lost
its write lock mid-transaction and the server's writer appended to the log at the same time.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.database import create_engine
from adapters.persistence.sqlite_checkpoints import WalCheckpointer
from adapters.persistence.sqlite_writers import holding_writers, write_transaction

ROOT = Path(__file__).resolve().parents[3]

# Another process writing the way `mentorlink` commands do: the app's engine without a keeper.
_COMMAND = """
import asyncio, sys
from sqlalchemy import text
from adapters.persistence.database import create_engine

async def main(path, commits):
    engine = create_engine(f"sqlite:///{path}")
    for i in range(commits):
        async with engine.begin() as connection:
            rows = [{"b": f"command {i}.{j} " + "x" * 2000} for j in range(10)]
            await connection.execute(text("INSERT INTO notes VALUES (:b)"), rows)
    await engine.dispose()

asyncio.run(main(sys.argv[1], int(sys.argv[2])))
"""

# A process that writes while the WAL is sampled, as `bench sqlite_wal` seeds: either it reads
# the `-shm` file itself in the middle of its transaction (what the old sampler thread did), or
# it runs the benchmark's `WalSampler` around the transaction.
_SAMPLED_WRITER = """
import contextlib, sqlite3, sys, time
from pathlib import Path
from bench._wal_watch import WalSampler, wal_index

database = Path(sys.argv[1])
sampler = WalSampler(database) if sys.argv[2] == "sampler" else contextlib.nullcontext()
with sampler:
    connection = sqlite3.connect(database, isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    connection.executemany("INSERT INTO notes VALUES (?)", [("sampled " + "y" * 3000,)] * 20)
    if sys.argv[2] == "shm read here":
        wal_index(database.with_name(database.name + "-shm"))
    time.sleep(0.2)  # several samples while the transaction is open
    print("writing", flush=True)
    sys.stdin.readline()
    connection.execute("COMMIT")
print(connection.execute("PRAGMA integrity_check").fetchone()[0], flush=True)
print(len(sampler.samples) if sys.argv[2] == "sampler" else 0, flush=True)
"""


def _child(script: str, *args: str, **options: object) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join((str(ROOT / "src"), str(ROOT)))}
    return subprocess.Popen(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-c", script, *args], env=env, cwd=ROOT, text=True, **options
    )


def _integrity(path: str) -> str:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])


def _count(path: str, like: str) -> int:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        query = "SELECT count(*) FROM notes WHERE body LIKE ?"
        return int(connection.execute(query, (like,)).fetchone()[0])


@pytest.fixture
def keeper(tmp_path: Path) -> WalCheckpointer:
    # Frequent rounds that start the log over often: they interleave with the other process.
    return WalCheckpointer(str(tmp_path / "shared.db"), interval=0.01, restart_pages=16)


@pytest.fixture
async def engine(keeper: WalCheckpointer) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite:///{keeper.path}")
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE notes (body TEXT)"))
    keeper.hold_writers = holding_writers(engine, asyncio.get_running_loop())
    keeper.start()
    try:
        yield engine
    finally:
        keeper.stop()
        await engine.dispose()


async def _serve_writes(engine: AsyncEngine, until: subprocess.Popen[str]) -> int:
    """Commit one row at a time, as requests do, until the other process ends."""
    written = 0
    while until.poll() is None or written == 0:
        async with write_transaction(engine) as connection:
            body = {"b": f"served {written}"}
            await connection.execute(text("INSERT INTO notes VALUES (:b)"), body)
        written += 1
        await asyncio.sleep(0.001)
    return written


async def test_a_command_writing_while_the_server_commits_and_checkpoints_loses_nothing(
    engine: AsyncEngine, keeper: WalCheckpointer
) -> None:
    command = _child(_COMMAND, keeper.path, "150")
    served = await _serve_writes(engine, until=command)
    assert command.wait(60) == 0
    keeper.stop()
    assert keeper.restarts > 0  # the log was started over while the command wrote
    assert keeper.failures == 0
    assert _integrity(keeper.path) == "ok"
    assert _count(keeper.path, "command %") == 1500
    assert _count(keeper.path, "served %") == served


async def _one_served_write(engine: AsyncEngine) -> str:
    """Try one commit of the server's while another process is mid-transaction."""
    try:
        async with engine.connect() as connection:
            await connection.execute(text("INSERT INTO notes VALUES ('served')"))
            await connection.commit()
    except Exception as error:  # the honest outcome: the other process holds the write lock
        return type(error).__name__
    return "committed"


async def test_closing_the_shm_file_in_a_writing_process_lets_the_server_write_beside_it(
    engine: AsyncEngine, keeper: WalCheckpointer
) -> None:
    """The corruption, reproduced: what the old sampler did in the seeding process."""
    writer = _child(
        _SAMPLED_WRITER, keeper.path, "shm read here", stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert writer.stdout is not None and writer.stdin is not None
    assert writer.stdout.readline().strip() == "writing"
    outcome = await _one_served_write(engine)  # must have waited for the lock: it did not
    writer.stdin.write("\n")
    writer.stdin.flush()
    writer.wait(30)
    keeper.stop()
    assert outcome == "committed"
    # Two writers appended to one log from the same frame: one's commit overwrote the other's,
    # or the file is malformed. Either way both were told their write was committed.
    both = _count(keeper.path, "sampled %") == 20 and _count(keeper.path, "served") == 1
    assert _integrity(keeper.path) != "ok" or not both


async def test_the_wal_sampler_leaves_a_writing_process_its_lock(
    engine: AsyncEngine, keeper: WalCheckpointer
) -> None:
    """The fix: the benchmark's sampler reads the `-shm` file from a process of its own."""
    writer = _child(
        _SAMPLED_WRITER, keeper.path, "sampler", stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert writer.stdout is not None and writer.stdin is not None
    assert writer.stdout.readline().strip() == "writing"
    outcome = await _one_served_write(engine)  # waits its second for the lock, then gives up
    writer.stdin.write("\n")
    writer.stdin.flush()
    assert writer.stdout.readline().strip() == "ok"
    samples = int(writer.stdout.readline())
    assert writer.wait(30) == 0
    keeper.stop()
    assert outcome == "OperationalError"
    assert samples >= 3
    assert _integrity(keeper.path) == "ok"
    assert _count(keeper.path, "sampled %") == 20
