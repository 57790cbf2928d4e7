"""WAL checkpoints for the SQLite database, from a background thread.

In WAL mode every commit appends to the `-wal` file, and a checkpoint copies those pages back
into the database file and syncs it to disk. SQLite runs one automatically inside whichever
commit crosses `wal_autocheckpoint` pages; since our statements run on the event loop
(`sqlite_inloop`), that commit would stall every request for the length of a disk sync. While
the server runs, its connections therefore never checkpoint (`wal_autocheckpoint=0`); this
thread does, on its own connection, a few times a second.

Copying pages back is not enough to keep the log short: SQLite starts the log over from its
beginning only when a writer begins while *every* frame has been copied back. A checkpoint
that runs beside the writers (PASSIVE, which never waits for them) almost always sees a commit
land while it copies, so under steady load the log was never started over and grew until the
old safety net (4,000 pages) made a request's own commit checkpoint it. So each round copies
the bulk beside the writers, and when the log is long, or the bulk was all there was, copies
the last frames with this process's writers held back at the `WriteGate` (reads go on) and
starts the log over itself with an empty write of its own (`user_version` rewritten
unchanged): the sync of the new log's header, which SQLite makes whenever a writer starts the
log over, then happens on this thread rather than in a request's commit on the event loop.
(A writer may still get there first and make that one sync: another process, or rarely the
event loop; see `_round`.)
The same object runs the group commit (`sqlite_group_commit`).
"""

from __future__ import annotations

import logging
import sqlite3
import threading

from sqlalchemy.engine import make_url

from adapters.persistence.sqlite_group_commit import GroupCommit, WriteGate

log = logging.getLogger(__name__)

RESTART_PAGES = 256  # a log this long (1 MB of 4 kB pages) is started over at the next round
GATE_TIMEOUT_S = 0.05  # how long the last copy waits for a write transaction in progress
FORCE_PAGES = 4 * RESTART_PAGES  # ... and copied to its end even past a write in progress
RESTART_WAIT_S = 0.05  # how long starting the log over waits for another process's writer


def sqlite_file(database_url: str) -> str | None:
    """The database file of a file-based SQLite URL, else None."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return url.database


class WalCheckpointer:
    """Checkpoints `path`'s write-ahead log every `interval` seconds until stopped, and makes
    the server's commits durable (`group_commit`); writers pass its `gate`."""

    def __init__(self, path: str, *, interval: float = 0.25, restart_pages: int = RESTART_PAGES):
        self.path = path
        self.interval = interval
        self.restart_pages = restart_pages
        self.group_commit = GroupCommit(path)
        self.gate = WriteGate()
        self.checkpoints = 0
        self.restarts = 0  # times this thread started the log over
        self.failures = 0
        self._failing = 0  # consecutive failures
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self) -> None:
        if self._thread is not None:
            return
        self.group_commit.start()
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
        self.group_commit.stop()

    def checkpoint(self, connection: sqlite3.Connection) -> tuple[int, int, int]:
        """One passive checkpoint: (busy, pages in the WAL, pages copied back)."""
        busy, logged, copied = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        self.checkpoints += 1
        return int(busy), int(logged), int(copied)

    def restart(self, connection: sqlite3.Connection) -> bool:
        """Start the log over from its beginning by committing a write that changes nothing
        (SQLite restarts the log at a transaction's first write once every frame was copied
        back, and no read snapshot in any process still needs it). False if another process
        was writing: it will start the log over itself."""
        try:
            connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:  # busy: the connection waits RESTART_WAIT_S at most
            return False
        try:
            (version,) = connection.execute("PRAGMA user_version").fetchone()
            connection.execute(f"PRAGMA user_version={int(version)}")
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        self.restarts += 1
        return True

    def _run(self) -> None:
        # A short busy timeout: this connection waits for another process only while this
        # process's writers are held back at the gate.
        connection = sqlite3.connect(self.path, timeout=RESTART_WAIT_S, isolation_level=None)
        # NORMAL, as the app's connections: a checkpoint syncs the log before it copies and the
        # database file after, and a writer that starts the log over syncs its header; its own
        # commits need no sync (`restart` writes nothing anyone waits for).
        connection.execute("PRAGMA synchronous=NORMAL")
        pin = sqlite3.connect(self.path, isolation_level=None)
        try:
            while not self._stop.wait(self.interval):
                self._attempt(connection, pin)
            self._attempt(connection, pin)
        finally:
            pin.close()
            connection.close()

    def _attempt(self, connection: sqlite3.Connection, pin: sqlite3.Connection) -> None:
        """One round; a failure is logged when it starts and when it ends, not each time (the
        next round tries again)."""
        try:
            self._round(connection, pin)
        except sqlite3.Error as error:
            self.failures += 1
            self._failing += 1
            if self._failing == 1:
                log.warning("SQLite WAL checkpoints are failing: %s", error)
            return
        finally:
            if pin.in_transaction:
                pin.execute("COMMIT")
        if self._failing:
            log.warning("SQLite WAL checkpoints work again after %d failures", self._failing)
            self._failing = 0

    def _round(self, connection: sqlite3.Connection, pin: sqlite3.Connection) -> None:
        """Copy the bulk beside the writers, then, with this process's writers held back, the
        rest, and start the log over. Only under the gate may a copy leave nothing behind:
        the first writer to find the log all copied starts it over (and syncs its header on
        the event loop, if it is a request's). So the bulk copy stops at the snapshot of a read
        transaction held on `pin` (a checkpoint never copies past a reader's snapshot), and a
        reader also keeps any writer from starting the log over meanwhile."""
        pin.execute("BEGIN")
        pin.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
        busy, logged, copied = self.checkpoint(connection)
        # A log of 1 frame is our own last restart: nothing to start over.
        if logged < self.restart_pages and not (not busy and copied == logged > 1):
            return
        with self.gate.closed(GATE_TIMEOUT_S) as quiet:
            if not quiet and logged < FORCE_PAGES:
                return  # a write still in progress would find the log all copied: next round
            pin.execute("COMMIT")
            busy, logged, copied = self.checkpoint(connection)
            if not busy and copied == logged > 1:
                self.restart(connection)
