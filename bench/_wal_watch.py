"""Watch a running SQLite server from outside: the write-ahead log's size, sampled from the
`-shm` file, and every fsync of every thread, traced by strace.

Sampling: the `-shm` file is the WAL index that SQLite maps into each connection (shared
memory backed by the file), so reading it from another process sees what SQLite sees without
taking a lock: `mxFrame` (frames in the log, i.e. its length in pages) at byte 16 and
`nBackfill` (frames already checkpointed into the database) at byte 96
(https://www.sqlite.org/walformat.html#the_wal_index_file_format).

Tracing: the server runs under `strace -f --seccomp-bpf -e trace=fsync,fdatasync -y`, which
stops the process only for those two calls and names the file of each. The event loop runs on
the server's main thread, whose thread id is the process id.
"""

from __future__ import annotations

import re
import struct
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SAMPLE_EVERY_S = 0.02
PAGE = 4096


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


@dataclass
class WalSampler:
    """Samples the WAL of `database` every 20 ms on a thread of its own while running."""

    database: Path
    samples: list[tuple[float, int, int, int]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> WalSampler:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        shm = self.database.with_name(self.database.name + "-shm")
        wal = self.database.with_name(self.database.name + "-wal")
        start = time.monotonic()
        while not self._stop.wait(SAMPLE_EVERY_S):
            index = wal_index(shm)
            if index is None:
                continue
            try:
                size = wal.stat().st_size
            except FileNotFoundError:
                size = 0
            self.samples.append((time.monotonic() - start, index[0], index[1], size))

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
