"""Watch a running SQLite server from outside: the write-ahead log's size, sampled from the
`-shm` file, and every fsync of every thread, traced by strace.

Sampling: the `-shm` file is the WAL index that SQLite maps into each connection (shared
memory backed by the file), so reading it from another process sees what SQLite sees without
taking a lock: `mxFrame` (frames in the log, i.e. its length in pages) at byte 16 and
`nBackfill` (frames already checkpointed into the database) at byte 96
(https://www.sqlite.org/walformat.html#the_wal_index_file_format).

The sampler runs in a process of its own (`python -m bench._wal_watch DATABASE`), never in the
benchmark's: SQLite's locks are POSIX advisory locks, which belong to a process, and closing
*any* descriptor of a file drops all of that process's locks on it. The benchmark seeds the
database through its own SQLite connections while the server runs; a sampler thread beside
them that opened and closed the `-shm` file released the seeder's WAL write lock in the middle
of its transaction, the server's writer took it too, and two writers appending to one log left
"database disk image is malformed" (tests/unit/persistence/test_sqlite_other_processes.py).

Tracing: the server runs under `strace -f --seccomp-bpf -e trace=fsync,fdatasync -y`, which
stops the process only for those two calls and names the file of each. The event loop runs on
the server's main thread, whose thread id is the process id.
"""

from __future__ import annotations

import json
import re
import struct
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SAMPLE_EVERY_S = 0.02
PAGE = 4096
Samples = list[tuple[float, int, int, int]]


def strace_prefix(trace: Path) -> list[str]:
    """Run a command under strace, recording its fsync/fdatasync calls per thread."""
    return [
        "strace", "-f", "--seccomp-bpf", "-qq", "-y",
        "-e", "trace=fsync,fdatasync", "-o", str(trace),
    ]  # fmt: skip


def traced_pid(strace_pid: int, timeout: float = 10.0) -> int:
    """The process strace started (its only child)."""
    deadline = time.monotonic() + timeout
    children = Path(f"/proc/{strace_pid}/task/{strace_pid}/children")
    while time.monotonic() < deadline:
        found = children.read_text().split()
        if found:
            return int(found[0])
        time.sleep(0.05)
    raise RuntimeError("strace started no process")


_CALL = re.compile(r"^(\d+)\s+(fsync|fdatasync)\(\d+<([^>]*)>\)")


def syncs_by_thread(trace: Path, main_tid: int) -> dict[str, dict[str, int]]:
    """{"event loop thread" | "other threads": {"<call> <file suffix>": count}}."""
    counts: dict[str, Counter[str]] = {"event loop thread": Counter(), "other threads": Counter()}
    for line in trace.read_text(errors="replace").splitlines():
        match = _CALL.match(line)
        if not match:
            continue
        tid, call, path = int(match[1]), match[2], match[3]
        suffix = "-wal" if path.endswith("-wal") else "-shm" if path.endswith("-shm") else "db"
        who = "event loop thread" if tid == main_tid else "other threads"
        counts[who][f"{call} {suffix}"] += 1
    return {who: dict(sorted(c.items())) for who, c in counts.items()}


def wal_index(shm: Path) -> tuple[int, int] | None:
    """(frames in the WAL, frames checkpointed) from the WAL index, or None if absent."""
    try:
        with shm.open("rb") as index:
            head = index.read(136)
    except FileNotFoundError:
        return None
    if len(head) < 136:
        return None
    (max_frame,) = struct.unpack_from("=I", head, 16)
    (backfilled,) = struct.unpack_from("=I", head, 96)
    return max_frame, backfilled


def sample(database: Path, until: threading.Event, every: float = SAMPLE_EVERY_S) -> Samples:
    """(seconds, frames in the WAL, frames checkpointed, -wal bytes) every `every` seconds
    until `until` is set. Call it only in a process with no SQLite connection to `database`."""
    shm = database.with_name(database.name + "-shm")
    wal = database.with_name(database.name + "-wal")
    samples: Samples = []
    start = time.monotonic()
    while not until.wait(every):
        index = wal_index(shm)
        if index is None:
            continue
        try:
            size = wal.stat().st_size
        except FileNotFoundError:
            size = 0
        samples.append((time.monotonic() - start, index[0], index[1], size))
    return samples


@dataclass
class WalSampler:
    """Samples the WAL of `database` every 20 ms in a child process while the block runs (the
    child stops when its stdin closes and prints its samples as JSON)."""

    database: Path
    samples: Samples = field(default_factory=list)
    _child: subprocess.Popen[str] | None = None

    def __enter__(self) -> WalSampler:
        self._child = subprocess.Popen(
            [sys.executable, "-m", "bench._wal_watch", str(self.database)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            cwd=Path(__file__).resolve().parent.parent,
        )  # fmt: skip
        return self

    def __exit__(self, *_: object) -> None:
        if self._child is None:
            return
        output, _ = self._child.communicate(timeout=30)  # closes its stdin: it stops
        self.samples = [(t, f, b, w) for t, f, b, w in json.loads(output or "[]")]
        self._child = None

    def summary(self, last_s: float) -> dict[str, Any]:
        """Peak and p99 of the WAL's length and of its part not yet checkpointed (pages),
        over the last `last_s` seconds sampled."""
        if not self.samples:
            return {"samples": 0}
        end = self.samples[-1][0]
        window = [s for s in self.samples if s[0] >= end - last_s]
        frames = sorted(s[1] for s in window)
        behind = sorted(max(0, s[1] - s[2]) for s in window)

        def p99(values: list[int]) -> int:
            return values[min(len(values) - 1, int(len(values) * 0.99))]

        return {
            "samples": len(window),
            "wal_pages_p50": frames[len(frames) // 2],
            "wal_pages_p99": p99(frames),
            "wal_pages_max": frames[-1],
            "not_checkpointed_pages_p99": p99(behind),
            "not_checkpointed_pages_max": behind[-1],
            "wal_file_mb_max": round(max(s[3] for s in window) / 2**20, 1),
        }


def _sample_until_stdin_closes(database: Path) -> None:
    """The child's side of `WalSampler`."""
    until = threading.Event()

    def wait_for_eof() -> None:
        sys.stdin.read()
        until.set()

    threading.Thread(target=wait_for_eof, daemon=True).start()
    json.dump(sample(database, until), sys.stdout)


if __name__ == "__main__":
    _sample_until_stdin_closes(Path(sys.argv[1]))
