"""Durable commits on SQLite without a disk sync on the event loop: group commit.

While the server runs, the app's connections commit with `synchronous=NORMAL`: a commit writes
its frames to the `-wal` file (the OS page cache) and returns at once. Before the request that
committed is answered, it waits for `GroupCommit.durable()`: a thread of its own fdatasyncs the
`-wal` file, and one sync covers every commit that returned before it began (fsync works on
the file, whichever descriptor asks). So a commit is acknowledged only once it is on disk, the
event loop never waits for the disk, and under load several requests share one sync.

`WriteGate` lets the checkpoint thread hold this process's writers back for the moment it
copies the last frames of the log: a checkpoint that nothing was appended to while it ran
lets the next writer start the log over from its beginning, which keeps it short
(`sqlite_checkpoints` says why that does not happen by itself under load).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

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


class WriteGate:
    """Where this process's write transactions start; the checkpoint thread can close it for a
    moment, once the transactions in progress have ended."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._closed = False
        self._writing = 0
        self._waiting: list[_Waiter] = []

    def enter(self) -> asyncio.Future[None] | None:
        """Start a write transaction (None), or a future to wait for before trying again."""
        with self._lock:
            if not self._closed:
                self._writing += 1
                return None
            loop = asyncio.get_running_loop()
            future: asyncio.Future[None] = loop.create_future()
            self._waiting.append((loop, future))
            return future

    def leave(self) -> None:
        """A write transaction committed or rolled back."""
        with self._lock:
            self._writing -= 1
            if self._writing == 0:
                self._lock.notify_all()

    @contextmanager
    def closed(self, timeout: float) -> Iterator[bool]:
        """Hold new writers back; yields whether every transaction in progress ended within
        `timeout` seconds (if not, whoever closed it should not count on a quiet log)."""
        with self._lock:
            self._closed = True
            quiet = self._lock.wait_for(lambda: self._writing == 0, timeout)
        try:
            yield quiet
        finally:
            with self._lock:
                self._closed = False
                waiting, self._waiting = self._waiting, []
            _settle(waiting, None)
