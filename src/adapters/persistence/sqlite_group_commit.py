"""Durable commits on SQLite without a disk sync on the event loop: group commit.

While the server runs, the app's connections commit with `synchronous=NORMAL`: a commit writes
its frames to the `-wal` file (the OS page cache) and returns at once. Before the request that
committed is answered, it waits for `GroupCommit.durable()`: a thread of its own fdatasyncs the
`-wal` file, and one sync covers every commit that returned before it began (fsync works on
the file, whichever descriptor asks). So a commit is acknowledged only once it is on disk, the
event loop never waits for the disk (a sync takes 0.3 ms on our idle disk and 4-10 ms when
other work shares it: on the loop that stalled every request in flight), and under load
several requests share one sync. `durable_commits` says which engine has one running.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
import weakref

from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger(__name__)

_Waiter = tuple[asyncio.AbstractEventLoop, "asyncio.Future[None]"]


def _settle(waiters: list[_Waiter], error: BaseException | None) -> None:
    """Resolve every waiter on its own loop (one wake-up per loop for the whole batch)."""
    by_loop: dict[asyncio.AbstractEventLoop, list[asyncio.Future[None]]] = {}
    for loop, future in waiters:
        by_loop.setdefault(loop, []).append(future)
    for loop, futures in by_loop.items():
        with contextlib.suppress(RuntimeError):  # that loop is closed: nobody waits
            loop.call_soon_threadsafe(_resolve, futures, error)


def _resolve(futures: list[asyncio.Future[None]], error: BaseException | None) -> None:
    for future in futures:
        if future.done():
            continue
        if error is None:
            future.set_result(None)
        else:
            future.set_exception(error)


class GroupCommit:
    """fdatasyncs the write-ahead log of `database` for every commit that waits on it."""

    def __init__(self, database: str) -> None:
        self.wal = database + "-wal"
        self.syncs = 0
        self.commits = 0
        self._pending: list[_Waiter] = []
        self._wake = threading.Condition()
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._file: tuple[int, int] | None = None  # (descriptor, inode) of the -wal file
        self._syncing = threading.Lock()

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="sqlite-group-commit", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Sync what is waiting, then end the thread."""
        if self._thread is None:
            return
        with self._wake:
            self._stopping = True
            self._wake.notify()
        self._thread.join(timeout=10)
        self._thread = None
        with self._syncing:
            self._close()

    def durable(self) -> asyncio.Future[None]:
        """Done once every commit this process made so far is on disk. Without the thread
        (a command, a test) the sync happens here and now."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        self.commits += 1
        if self._thread is None:
            self.sync()
            future.set_result(None)
            return future
        with self._wake:
            self._pending.append((loop, future))
            self._wake.notify()
        return future

    def sync(self) -> None:
        """fdatasync the -wal file (reopened when SQLite made a new one)."""
        with self._syncing:
            self._sync()

    def _sync(self) -> None:
        try:
            inode = os.stat(self.wal).st_ino
        except FileNotFoundError:
            return  # no log: the last connection checkpointed it (synced) and removed it
        if self._file is None or self._file[1] != inode:
            self._close()
            self._file = (os.open(self.wal, os.O_RDONLY), inode)
            # A new file is durable only once its directory entry is.
            directory = os.open(os.path.dirname(os.path.abspath(self.wal)), os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)
        os.fdatasync(self._file[0])
        self.syncs += 1

    def _close(self) -> None:
        if self._file is not None:
            os.close(self._file[0])
            self._file = None

    def _run(self) -> None:
        while True:
            with self._wake:
                self._wake.wait_for(lambda: bool(self._pending) or self._stopping)
                batch, self._pending = self._pending, []
                if not batch and self._stopping:
                    return
            error: OSError | None = None
            try:
                self.sync()
            except OSError as failure:  # the commits are not known to be on disk: say so
                log.error("SQLite: syncing the write-ahead log failed: %s", failure)
                error = failure
            _settle(batch, error)


_RUNNING: weakref.WeakKeyDictionary[AsyncEngine, GroupCommit] = weakref.WeakKeyDictionary()


def serve_durably(engine: AsyncEngine, group_commit: GroupCommit) -> None:
    """From now on `engine`'s commits sync through `group_commit` (which must be running)."""
    _RUNNING[engine] = group_commit


def stop_serving_durably(engine: AsyncEngine) -> None:
    _RUNNING.pop(engine, None)


def group_commit_of(engine: AsyncEngine) -> GroupCommit | None:
    """The running group commit of `engine`, if any (else each commit syncs itself: FULL)."""
    group_commit = _RUNNING.get(engine)
    return group_commit if group_commit is not None and group_commit.running else None


async def made_durable(engine: AsyncEngine) -> None:
    """Returns once this process's commits so far on `engine` are on disk."""
    group_commit = group_commit_of(engine)
    if group_commit is not None:
        await group_commit.durable()
