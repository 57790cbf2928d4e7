"""Start the real `mentorlink` processes for end-to-end tests, on free ports, and stop them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

MENTORLINK = str(Path(sys.executable).with_name("mentorlink"))
SRC = Path(__file__).resolve().parents[2] / "src"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(url: str, timeout: float = 90.0) -> None:
    """Until `url` answers 200; a busy machine can take a while to migrate, seed and start."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{url} did not come up in {timeout} s")


def cli(env: dict[str, str], *args: str) -> str:
    """Run one `mentorlink` command to completion and return its standard output."""
    done = subprocess.run(
        [MENTORLINK, *args], env=env, capture_output=True, text=True, timeout=60, check=True
    )
    return done.stdout.strip()


@contextmanager
def running(env: dict[str, str], *args: str, cwd: Path) -> Iterator[subprocess.Popen[str]]:
    """A long-running `mentorlink` command; its output is collected in `cwd/output.txt`."""
    log = (cwd / "output.txt").open("w")
    process = subprocess.Popen(
        [MENTORLINK, *args], env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, text=True
    )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


E2E_SECRET_KEY = "e2e-tests-secret-key-of-forty-or-more-characters"


def base_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MENTORLINK_", "SLACK_"))}
    env["MENTORLINK_DATABASE_URL"] = f"sqlite:///{tmp_path / 'mentorlink.db'}"
    env["MENTORLINK_SECRET_KEY"] = E2E_SECRET_KEY
    env["MENTORLINK_ENV_FILE"] = str(tmp_path / ".env")  # never a developer's own .env
    # Run this checkout's code whatever the venv's editable install points at.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH", "")]))
    env.update(extra)
    return env
