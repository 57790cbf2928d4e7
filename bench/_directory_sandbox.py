"""The Slack sandbox as a separate process, with one big generated workspace, for
bench/directory_sync.py: start it, talk to its inspection API, stop it."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from bench._server import LoggedProcess, free_port

TEAM_ID = "T0BENCHDIR"
TEAM_NAME = "Bench Directory"
TEAM_DOMAIN = "bench-directory"
CLIENT_ID = "1000000000.2000000000"
CLIENT_SECRET = "bench-client-secret"  # the sandbox's own; a local benchmark
SCOPES = ("chat:write", "users:read", "users:read.email", "team:read")

_WORKSPACES_YAML = """\
workspaces:
  - id: {team_id}
    name: {name}
    domain: {domain}
    generate_users: {users}
"""


def generated_email(n: int) -> str:
    """The email of generated member `n` (the format in src/slack_sandbox/README.md)."""
    return f"user{n:05d}.{TEAM_DOMAIN}@generated.example"


def generated_user_id(n: int) -> str:
    """The Slack id of generated member `n` of the (non-Grid) bench workspace."""
    return f"U9{TEAM_ID[-4:].upper()}{n:06d}"


@dataclass
class SandboxProcess(LoggedProcess):
    """A running `python -m slack_sandbox` with rate limits on at time scale 1."""

    process: subprocess.Popen[bytes]
    url: str
    command: list[str]
    log: Path
    _log_file: IO[Any]

    @classmethod
    def start(cls, users: int, workdir: Path, *, timeout: float = 120.0) -> SandboxProcess:
        """Write the workspaces file, start the sandbox, wait until it answers."""
        workspaces = workdir / "workspaces.yaml"
        workspaces.write_text(
            _WORKSPACES_YAML.format(
                team_id=TEAM_ID, name=TEAM_NAME, domain=TEAM_DOMAIN, users=users
            )
        )
        port = free_port()
        command = [
            sys.executable, "-m", "slack_sandbox", "--port", str(port),
            "--workspaces", str(workspaces), "--time-scale", "1",
            "--client-id", CLIENT_ID, "--client-secret", CLIENT_SECRET,
            "--smtp-port", "0",  # no mail here; 3025 may be another sandbox's
        ]  # fmt: skip
        log = workdir / "sandbox.log"
        log_file = log.open("wb")
        process = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT)
        sandbox = cls(process, f"http://127.0.0.1:{port}", command, log, log_file)
        sandbox._wait_ready(timeout)
        return sandbox

    @property
    def api_url(self) -> str:
        """The Web API base URL the app's gateway points at."""
        return f"{self.url}/api/"

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the sandbox exited:\n{self.log_tail()}")
            try:
                self.get("/healthz")
                return
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the sandbox did not answer within {timeout:.0f} s")

    def get(self, path: str) -> dict[str, Any]:
        """GET a JSON document from the sandbox."""
        with urllib.request.urlopen(self.url + path, timeout=30) as response:
            body: dict[str, Any] = json.loads(response.read())
            return body

    def post(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        """POST a JSON document to the sandbox and return its JSON answer."""
        request = urllib.request.Request(
            self.url + path, data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
        )  # fmt: skip
        with urllib.request.urlopen(request, timeout=30) as response:
            body: dict[str, Any] = json.loads(response.read())
            return body

    def install(self) -> dict[str, Any]:
        """Install the app in the bench workspace; oauth.v2.access's answer (with the token)."""
        return self.post(
            "/_sandbox/installs",
            {"team_id": TEAM_ID, "scopes": list(SCOPES), "installer": generated_user_id(0)},
        )

    def call_counts(self) -> dict[str, int]:
        """Web API calls served so far per method (429 refusals included)."""
        counts: dict[str, int] = self.get("/_sandbox/calls")["counts"]
        return counts

    def ratelimited(self) -> dict[str, int]:
        """429s served so far per method."""
        totals: dict[str, int] = {}
        for row in self.get("/_sandbox/ratelimited")["ratelimited"]:
            totals[row["method"]] = totals.get(row["method"], 0) + int(row["count"])
        return totals
