"""WAL checkpoints for the SQLite database, from a background thread.

In WAL mode every commit appends to the `-wal` file, and a checkpoint copies those pages back
into the database file and syncs it to disk. SQLite runs one automatically inside whichever
commit crosses `wal_autocheckpoint` pages; since our statements run on the event loop
(`sqlite_inloop`), that commit would stall every request for the length of the copy and the
database file's sync. The server therefore checkpoints here, on its own connection and thread,
a few times a second; the automatic checkpoint stays on with a high threshold as a safety net.

Why the log stayed long when this thread only ran PASSIVE checkpoints beside the writers: the
log starts over from its beginning only when a writer begins while *every* frame has been
copied back, and under load a commit nearly always landed while the checkpoint copied, so the
log only grew (to the 4,000-page safety net, where a request's own commit checkpointed it on
the event loop). So when a round leaves frames behind in a log past `restart_pages`, it holds
this process's writers back for a moment (`hold_writers`: their turn, taken from this thread),
copies the rest and starts the log over itself with an empty write. The bulk is copied beside
the writers; only the last frames are copied while they wait.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

SAFETY_NET_PAGES = 4000  # wal_autocheckpoint on the app's connections (16 MB of 4 kB pages)
RESTART_PAGES = 256  # a log longer than this (1 MB) is copied back whole, writers held
HOLD_WAIT_S = 1.0  # for the writers' turn: under load it comes after the writers queued for it
HoldWriters = Callable[[float], AbstractContextManager[bool]]


def sqlite_file(database_url: str) -> str | None:
    """The database file of a file-based SQLite URL, else None."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return url.database


@contextlib.contextmanager
def _nobody_to_hold(_timeout: float) -> Iterator[bool]:
    yield False


class WalCheckpointer:
    """Checkpoints `path`'s write-ahead log every `interval` seconds until stopped."""

    def __init__(
        self,
        path: str,
        *,
        interval: float = 0.25,
        restart_pages: int = RESTART_PAGES,
        hold_writers: HoldWriters | None = None,
    ):
        self.path = path
        self.interval = interval
        self.restart_pages = restart_pages
        self.hold_writers: HoldWriters = hold_writers or _nobody_to_hold
        self.checkpoints = 0
        self.failures = 0
        self.holds = 0  # rounds that held the writers back to copy the last frames
        self.restarts = 0  # ... and then started the log over
        self.longest_log = 0  # pages, the longest log a round found
        self._failing = 0  # consecutive failures
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="sqlite-checkpoints", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop after a final checkpoint (so a clean shutdown leaves a short WAL)."""
        if self._thread is None:
            return
        self._stop.set()
        self._thread.join(timeout=10)
        self._thread = None

    def checkpoint(self, connection: sqlite3.Connection) -> tuple[int, int, int]:
        """One passive checkpoint: (busy, pages in the WAL, pages copied back)."""
        busy, logged, copied = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        self.checkpoints += 1
        return int(busy), int(logged), int(copied)

    def round(self, connection: sqlite3.Connection) -> None:
        """Copy beside the writers; if a long log has frames left, copy the rest while this
        process's writers wait, so that the next commit starts the log over."""
        _busy, logged, _copied = self.checkpoint(connection)
        self.longest_log = max(self.longest_log, logged)
        if logged < self.restart_pages:
            return
        with self.hold_writers(HOLD_WAIT_S) as held:
            if not held:
                return
            self.holds += 1
            _busy, logged, copied = self.checkpoint(connection)
            if copied == logged:  # all of it is in the database file: start the log over
                self._start_log_over(connection)

    def _start_log_over(self, connection: sqlite3.Connection) -> None:
        """An empty write begun while every frame is copied back: SQLite starts the log over
        from its beginning for it (and syncs the new header, here on this thread). A reader
        still on an old snapshot makes SQLite leave the log as it is; the next round retries."""
        connection.execute("BEGIN IMMEDIATE")
        try:
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            connection.execute(f"PRAGMA user_version = {int(version)}")
            connection.execute("COMMIT")
        except sqlite3.Error:
            connection.execute("ROLLBACK")
            raise
        self.restarts += 1

    def _run(self) -> None:
        connection = sqlite3.connect(self.path, timeout=1.0, isolation_level=None)
        connection.execute("PRAGMA synchronous=FULL")
        try:
            while not self._stop.wait(self.interval):
                self._attempt(connection)
            self._attempt(connection)
        finally:
            connection.close()

    def _attempt(self, connection: sqlite3.Connection) -> None:
        """One round; a failure is logged when it starts and when it ends, not each time (the
        next round tries again, and the automatic checkpoint remains as a safety net)."""
        try:
            self.round(connection)
        except sqlite3.Error as error:
            self.failures += 1
            self._failing += 1
            if self._failing == 1:
                log.warning("SQLite WAL checkpoints are failing: %s", error)
            return
        if self._failing:
            log.warning("SQLite WAL checkpoints work again after %d failures", self._failing)
            self._failing = 0
