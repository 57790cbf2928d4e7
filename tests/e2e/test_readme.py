"""The README runs as written: every ```sh block is executed by bash, in order, against a live
`mentorlink run-local`, from a second shell that knows nothing but the `.env` file run-local
wrote (no MENTORLINK_ or SLACK_ variable of its own). Blocks that are not meant to run are
fenced as ```text."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.processes import base_env, free_port, running, wait_until_up

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
# Any HTTP error fails the block, and so does any failing command.
PRELUDE = 'set -euo pipefail\ncurl() { command curl --fail-with-body "$@"; }\n'


def shell_blocks() -> list[str]:
    return re.findall(r"^```sh\n(.*?)^```", (ROOT / "README.md").read_text(), re.S | re.M)


def test_the_readme_has_blocks_to_run() -> None:
    blocks = shell_blocks()
    assert blocks, "no ```sh block in the README"
    assert any("demo env" in block for block in blocks)


def test_the_readmes_shell_blocks_run_against_a_live_server(tmp_path: Path) -> None:
    port, sandbox_port = free_port(), free_port()
    env = base_env(tmp_path)
    del env["MENTORLINK_SECRET_KEY"]  # run-local makes one and keeps it in .env
    with running(env, "run-local", "--port", str(port), "--sandbox-port", str(sandbox_port),
                 cwd=tmp_path):  # fmt: skip
        wait_until_up(f"http://127.0.0.1:{port}/healthz")
        second_shell = {k: v for k, v in env.items() if not k.startswith(("MENTORLINK_", "SLACK_"))}
        second_shell["MENTORLINK_ENV_FILE"] = str(tmp_path / ".env")
        venv_bin = Path(sys.executable).parent  # this test run's own `mentorlink`
        for number, block in enumerate(shell_blocks(), start=1):
            script = PRELUDE + block.replace(".venv/bin/", f"{venv_bin}/")
            done = subprocess.run(["bash", "-c", script], cwd=ROOT, env=second_shell,
                                  capture_output=True, text=True, timeout=120)  # fmt: skip
            assert done.returncode == 0, f"block {number}:\n{done.stdout}\n{done.stderr}"
