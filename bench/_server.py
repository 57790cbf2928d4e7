"""The server under test: `mentorlink serve` (one uvicorn worker) in its own process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

# The benchmarks' own secret (sealed tokens, sessions); `MENTORLINK_SECRET_KEY` overrides.
BENCH_SECRET_KEY = "mentorlink-benchmark-secret-key-not-for-production"


def bench_env(database_url: str, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment a benchmark's `mentorlink` process runs with (`extra` on top)."""
    return {
        **os.environ,
        "MENTORLINK_SECRET_KEY": os.environ.get("MENTORLINK_SECRET_KEY") or BENCH_SECRET_KEY,
        "MENTORLINK_DATABASE_URL": database_url,
        **(extra or {}),
    }


_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def host_cpu_ticks() -> tuple[int, int]:
    """(busy, total) clock ticks of every CPU so far, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


def mentorlink_command() -> list[str]:
    """The `mentorlink` console script of the running interpreter's environment."""
    script = Path(sys.executable).with_name("mentorlink")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from bootstrap import main; sys.exit(main())"]


class LoggedProcess:
    """What the benchmarks' child processes share: a log to show on failure, a clean stop,
    their memory and CPU time read from /proc. (Mixed into dataclasses that have `process`,
    `log` and `_log_file`.)"""

    process: subprocess.Popen[bytes]
    log: Path
    _log_file: IO[Any]

    def log_tail(self, lines: int = 30) -> str:
        self._log_file.flush()
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        """Ask it to shut down (SIGINT, as uvicorn expects); kill it if it does not."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log_file.close()

    def _status(self) -> dict[str, str]:
        fields: dict[str, str] = {}
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            fields[key] = value.strip()
        return fields

    def memory_kb(self) -> dict[str, int]:
        """Resident set size now (VmRSS) and its peak so far (VmHWM), in kB."""
        status = self._status()
        return {key: int(status[key].split()[0]) for key in ("VmRSS", "VmHWM")}

    def cpu_seconds(self) -> float:
        """User + system CPU time of the whole process (every thread) so far."""
        stat = Path(f"/proc/{self.process.pid}/stat").read_text()
        fields = stat[stat.rindex(")") + 2 :].split()
        return (int(fields[11]) + int(fields[12])) / _TICKS


@dataclass
class Server(LoggedProcess):
    """A running `mentorlink serve`."""

    process: subprocess.Popen[bytes]
    url: str
    log: Path
    _log_file: IO[Any]

    @classmethod
    def start(
        cls,
        database_url: str,
        log: Path,
        *,
        workers: int = 1,
        prefix: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
    ) -> Server:
        """Start it (`prefix` wraps the command, e.g. in strace; `env` adds to its
        environment) and wait until healthy."""
        port = free_port()
        env = bench_env(database_url, env)
        log_file = log.open("wb")
        command = [
            *prefix, *mentorlink_command(), "serve",
            "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
        ]  # fmt: skip
        process = subprocess.Popen(command, env=env, stdout=log_file, stderr=subprocess.STDOUT)
        server = cls(process, f"http://127.0.0.1:{port}", log, log_file)
        server.wait_healthy()
        return server

    def wait_healthy(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited; see {self.log}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"/healthz did not answer within {timeout:.0f} s:\n{self.log_tail()}")


@dataclass
class Worker(LoggedProcess):
    """A running `mentorlink worker` (delivery) process."""

    process: subprocess.Popen[bytes]
    log: Path
    _log_file: IO[Any]

    @classmethod
    def start(cls, database_url: str, log: Path, *, env: Mapping[str, str] | None = None) -> Worker:
        log_file = log.open("wb")
        process = subprocess.Popen(
            [*mentorlink_command(), "worker"],
            env=bench_env(database_url, env), stdout=log_file, stderr=subprocess.STDOUT,
        )  # fmt: skip
        return cls(process, log, log_file)

    def alive(self) -> bool:
        return self.process.poll() is None
