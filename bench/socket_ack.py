"""Acknowledgement latency over Socket Mode vs over HTTP, same app, same payloads, same run.

    python -m bench socket_ack [--quick] [--count N] [--rate R]

One `mentorlink serve` (SQLite, SLACK_APP_TOKEN set, so it holds a Socket Mode connection and
serves `/slack/events` and `/slack/interactivity` too) and one Slack sandbox process. The
sandbox is switched between its two roads (`socket_mode` in `/_sandbox/config`) and sends, at
`--rate` per second, N clicks on a DM button and N `app_home_opened` events each way. The
latency is the sandbox's own measure of each delivery: from sending the signed request or the
envelope until the 200 or the `envelope_id` ack came back. The workspace is known to the
sandbox only, so the app answers the click with a note after the ack and the event with
nothing to publish: what is compared is the road (signature check and HTTP vs the WebSocket
envelope and ack), not the use cases. Results: bench/results/socket_ack.json (not with
--quick, a smoke check that runs in well under a minute).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench._databases import migrate
from bench._server import Server, free_port

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "socket_ack.json"
SECRET = "bench-signing-secret"
APP_TOKEN = "xapp-1-A0MENTORLNK-1-bench-app-token"
TEAM, USER = "T0ACMEENG", "W0MARIASA"
BUTTON = {"type": "actions", "block_id": "bench", "elements": [{
    "type": "button", "action_id": "bench.nothing", "value": "1",
    "text": {"type": "plain_text", "text": "Click"}}]}


def _sandbox(port: int, log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "slack_sandbox", "--port", str(port), "--smtp-port", "0",
               "--no-rate-limits", "--signing-secret", SECRET, "--app-token", APP_TOKEN]
    process = subprocess.Popen(command, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"the sandbox did not start; see {log}")


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return {"count": len(ordered), "p50_ms": round(statistics.median(ordered), 2),
            "p99_ms": round(p99, 2), "max_ms": round(ordered[-1], 2)}


def _paced(count: int, rate: float, send: Any) -> None:
    start = time.monotonic()
    for i in range(count):
        wait = start + i / rate - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        send()


def _road(http: httpx.Client, socket_mode: bool, count: int, rate: float) -> dict[str, Any]:
    http.post("/_sandbox/config", json={"socket_mode": socket_mode})
    token = http.post("/_sandbox/installs", json={
        "team_id": TEAM, "scopes": ["chat:write"], "installer": USER}).json()["access_token"]
    posted = http.post("/api/chat.postMessage", headers={"Authorization": f"Bearer {token}"},
                       json={"channel": USER, "text": "bench", "blocks": [BUTTON]}).json()
    click = {"team_id": TEAM, "user_id": USER, "action_id": "bench.nothing",
             "channel": posted["channel"], "ts": posted["ts"]}
    _paced(count, rate, lambda: http.post("/_sandbox/actions/click", json=click))
    _paced(count, rate, lambda: http.post("/_sandbox/actions/open_tab",
                                          json={"team_id": TEAM, "user_id": USER}))
    http.post("/_sandbox/drain", json={"timeout": 30}, timeout=40)
    result: dict[str, Any] = {}
    for kind in ("interactions", "events"):
        rows = http.get(f"/_sandbox/{kind}").json()["deliveries"]
        first = [d["attempts"][0] for d in rows if d["attempts"]]
        failed = [a for a in first if a["reason"] is not None]
        if failed or any(bool(a["envelope_id"]) != socket_mode for a in first):
            raise RuntimeError(f"{kind} over {'socket' if socket_mode else 'http'}: {failed[:3]}")
        result[kind] = _percentiles([a["duration_ms"] for a in first])
    http.post("/_sandbox/reset")
    return result


def run(count: int, rate: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        database = f"sqlite:///{work / 'bench.db'}"
        migrate(database)
        sandbox_port = free_port()
        sandbox = _sandbox(sandbox_port, work / "sandbox.log")
        sandbox_url = f"http://127.0.0.1:{sandbox_port}"
        server = Server.start(database, work / "server.log", env={
            "SLACK_SIGNING_SECRET": SECRET, "SLACK_APP_TOKEN": APP_TOKEN,
            "MENTORLINK_SLACK_API_URL": f"{sandbox_url}/api/"})
        try:
            with httpx.Client(base_url=sandbox_url, timeout=10) as http:
                deadline = time.monotonic() + 20
                while not http.get("/_sandbox/socket").json()["connections"]:
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"no Socket Mode connection:\n{server.log_tail()}")
                    time.sleep(0.1)
                roads = {}
                for name, socket_mode in (("http", False), ("socket_mode", True)):
                    http.post("/_sandbox/config", json={"app_url": server.url})
                    roads[name] = _road(http, socket_mode, count, rate)  # resets afterwards
        finally:
            server.stop()
            sandbox.terminate()
            sandbox.wait(timeout=10)
    return {"at": datetime.now(UTC).isoformat(timespec="seconds"), "count": count,
            "rate_per_second": rate, "roads": roads}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench socket_ack", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a smoke check: 30 of each")
    parser.add_argument("--count", type=int, default=1000, help="clicks and events per road")
    parser.add_argument("--rate", type=float, default=50.0, help="per second, each kind")
    given = sys.argv[1:] if argv is None else argv
    args = parser.parse_args([a for a in given if a != "socket_ack"])
    count = 30 if args.quick else args.count
    result = run(count, args.rate)
    print(json.dumps(result, indent=2))
    if not args.quick:
        RESULTS.parent.mkdir(exist_ok=True)
        RESULTS.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
