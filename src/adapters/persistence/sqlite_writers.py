"""This process's SQLite writers take turns on one asyncio lock per engine and event loop.

SQLite has one writer at a time, and a writer that finds the lock taken sleeps in growing steps
(1, 2, 5, 10... ms). Queueing this process's writers here instead keeps those sleeps out of
request latency; other processes still use busy_timeout."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
import weakref
from collections.abc import AsyncIterator, Callable, Iterator

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.persistence.sqlite_group_commit import group_commit_of, made_durable

_Locks = weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock]
_WRITERS: weakref.WeakKeyDictionary[AsyncEngine, _Locks] = weakref.WeakKeyDictionary()


def writers_turn(engine: AsyncEngine) -> contextlib.AbstractAsyncContextManager[object]:
    """Wait for this process's turn to write (SQLite), or go ahead at once (PostgreSQL)."""
    if engine.dialect.name != "sqlite":
        return contextlib.nullcontext()
    return _sqlite_writer(engine)


@contextlib.asynccontextmanager
async def write_transaction(
    engine: AsyncEngine, *, durable: bool = True
) -> AsyncIterator[AsyncConnection]:
    """A transaction committed in this process's turn (rolled back on an error).

    The connection is taken from the pool *before* the turn, as a unit of work does (it
    connects first and waits for its turn to commit): a writer that held the turn while it
    waited for a connection would deadlock with units of work holding every connection while
    they wait for the turn (seen under overload: every request then waited for the pool's
    timeout).

    `durable=False` is for the delivery worker's bookkeeping (claims, leases, outcomes): on
    SQLite its commit does not wait for the log's sync (neither the group commit's nor its
    own: `synchronous=NORMAL` for this one transaction); the next durable commit's sync
    covers it. A power cut can take back such a
    commit from the last moments, and the worker then does that step again: a notification is
    sent twice at worst, never lost. What a request acknowledges is always durable."""
    sqlite = engine.dialect.name == "sqlite"
    async with engine.connect() as connection:
        relaxed = sqlite and not durable and group_commit_of(engine) is None
        if relaxed:
            await _synchronous(connection, "NORMAL")
        try:
            async with writers_turn(engine), connection.begin():
                yield connection
        finally:
            if relaxed:
                await _synchronous(connection, "FULL")
    if sqlite and durable:
        await made_durable(engine)  # after the turn: the next writer commits meanwhile


async def _synchronous(connection: AsyncConnection, mode: str) -> None:
    raw = await connection.get_raw_connection()
    raw.driver_connection.execute(f"PRAGMA synchronous={mode}")  # type: ignore[union-attr]


def _sqlite_writer(engine: AsyncEngine) -> asyncio.Lock:
    """One lock per SQLite engine and event loop: this process's writers take turns."""
    per_loop = _WRITERS.setdefault(engine, weakref.WeakKeyDictionary())
    loop = asyncio.get_running_loop()
    lock = per_loop.get(loop)
    if lock is None:
        lock = per_loop[loop] = asyncio.Lock()
    return lock


def holding_writers(
    engine: AsyncEngine, loop: asyncio.AbstractEventLoop
) -> Callable[[float], contextlib.AbstractContextManager[bool]]:
    """For another thread (the checkpoint thread): hold `loop`'s writers back for a block by
    taking their turn on that loop. The block gets whether the turn came within the timeout
    (if not, it runs without it and nothing is held)."""

    @contextlib.contextmanager
    def held(timeout: float) -> Iterator[bool]:
        taken = threading.Event()
        done: concurrent.futures.Future[None] = concurrent.futures.Future()

        async def hold() -> None:
            async with writers_turn(engine):
                taken.set()
                await asyncio.wrap_future(done)

        holding = asyncio.run_coroutine_threadsafe(hold(), loop)
        got = taken.wait(timeout)
        try:
            yield got
        finally:
            done.set_result(None)
            if not got:
                holding.cancel()

    return held
