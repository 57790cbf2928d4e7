"""`mentorlink worker` as operators run it: its own `/metrics` scrape target with
`--metrics-port`, and a prompt, clean stop on SIGTERM (what a service manager sends)."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import httpx

from tests.e2e.processes import base_env, cli, free_port, running, wait_until_up


def test_a_worker_serves_its_metrics_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    env = base_env(tmp_path)
    cli(env, "migrate")
    port = free_port()
    with running(env, "worker", "--metrics-port", str(port), cwd=tmp_path) as worker:
        url = f"http://127.0.0.1:{port}/metrics"
        wait_until_up(url)
        scraped = httpx.get(url, timeout=5)
        assert scraped.headers["content-type"].startswith("text/plain")
        assert "mentorlink_delivery_queue_depth 0.0" in scraped.text
        assert "# HELP mentorlink_slack_calls_total Slack Web API calls" in scraped.text
        worker.send_signal(signal.SIGTERM)
        started = time.monotonic()
        try:
            code = worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            raise AssertionError("the worker did not stop on SIGTERM") from None
        assert code == 0, (tmp_path / "output.txt").read_text()
        assert time.monotonic() - started < 10
    assert "metrics at http://127.0.0.1" in (tmp_path / "output.txt").read_text()
