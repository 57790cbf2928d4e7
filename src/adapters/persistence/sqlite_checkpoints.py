"""WAL checkpoints for the SQLite database, from a background thread.

In WAL mode every commit appends to the `-wal` file, and a checkpoint copies those pages back
into the database file and syncs it to disk. SQLite runs one automatically inside whichever
commit crosses `wal_autocheckpoint` pages; since our statements run on the event loop
(`sqlite_inloop`), that commit would stall every request for the length of a disk sync. The
server therefore checkpoints here, on its own connection and thread, a few times a second
(PASSIVE: never waits for readers or writers). The automatic checkpoint stays on with a
higher threshold as a safety net for when this thread is not running (CLI commands, tests).
"""

from __future__ import annotations

import logging
import sqlite3
import threading

from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

SAFETY_NET_PAGES = 4000  # wal_autocheckpoint on the app's connections (16 MB of 4 kB pages)


def sqlite_file(database_url: str) -> str | None:
    """The database file of a file-based SQLite URL, else None."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return url.database


class WalCheckpointer:
    """Checkpoints `path`'s write-ahead log every `interval` seconds until stopped."""

    def __init__(self, path: str, *, interval: float = 0.25):
        self.path = path
        self.interval = interval
        self.checkpoints = 0
        self.failures = 0
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

    def _run(self) -> None:
        connection = sqlite3.connect(self.path, timeout=1.0, isolation_level=None)
        try:
            while not self._stop.wait(self.interval):
                self._attempt(connection)
            self._attempt(connection)
        finally:
            connection.close()

    def _attempt(self, connection: sqlite3.Connection) -> None:
        """One checkpoint; a failure is logged when it starts and when it ends, not each time
        (the next round tries again, and the automatic checkpoint remains as a safety net)."""
        try:
            self.checkpoint(connection)
        except sqlite3.Error as error:
            self.failures += 1
            self._failing += 1
            if self._failing == 1:
                log.warning("SQLite WAL checkpoints are failing: %s", error)
            return
        if self._failing:
            log.warning("SQLite WAL checkpoints work again after %d failures", self._failing)
            self._failing = 0
