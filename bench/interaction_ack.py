"""Interaction acknowledgement under load: a mentor's "Accept" click, as Slack sends it.

    python -m bench interaction_ack [--quick] [--db sqlite|postgres|both] [--duration S]

Signed `block_actions` payloads (Slack's shape; `X-Slack-Signature` computed with the
signing secret as Slack does) with `action_id` `mentor_request.accept`, each for its own
pending request, leave at a fixed rate from a separate process (bench/_open_loop.py) for
`POST /slack/interactivity`: signature check -> Slack identity -> the accept use case ->
commit -> 200. One `mentorlink serve` process per database, seeded through the use cases
(pending requests in cohorts, bench/_seed.py), with Slack switched on, an installation and
a Slack identity per mentor. A local sink stands in for Slack's Web API and for the
`response_url`s (every call answers `{"ok": true}` at once), so the follow-ups after the
acknowledgement and the in-process delivery worker run as they would, against a Slack that
never slows down.

The yardstick: slack-bolt's `AsyncApp` with an ack-only handler for the same action, behind
the same ASGI server (bench/_bolt_app.py), driven by the same payloads. For each target the
rate climbs (200, then the ladder) until p99 exceeds 50 ms or a request fails; the highest
passing rate is reported, and ours as a ratio to bolt's (target >= 1.0). Server CPU and RSS
are read from /proc. Results: bench/results/interaction_ack.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from slack_sdk.signature import SignatureVerifier

from bench._databases import fresh_database, postgres_admin_url
from bench._seed import AcceptTarget, Seeder
from bench._server import BENCH_SECRET_KEY, LoggedProcess, Server, free_port
from bench.api_load import OPEN_LOOP, TARGET_P99_MS, _wait_for_quiet_host

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "interaction_ack.json"
BOLT_APP = HERE / "_bolt_app.py"
SIGNING_SECRET = "bench-signing-secret"
TEAM, APP = "T0BENCH01", "A0BENCH01"
ACTION = "mentor_request.accept"
TARGET_RATE = 200
TARGET_RSS_MB = 150
LADDER = (300, 400, 600, 800, 1200)
QUICK_LADDER = (400, 800)
MENTORS = 200


@dataclass
class Config:
    databases: tuple[str, ...]
    ladder: tuple[int, ...]
    warmup_s: float
    duration_s: float


def parse_args(argv: Sequence[str]) -> Config:
    parser = argparse.ArgumentParser(
        prog="python -m bench interaction_ack", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    parser.add_argument("--quick", action="store_true", help="two ladder rungs, 5 s steps")
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--duration", type=float, help="seconds per step (10; quick 5)")
    args = parser.parse_args([a for a in argv if a != "interaction_ack"])
    return Config(
        databases=("sqlite", "postgres") if args.db == "both" else (args.db,),
        ladder=QUICK_LADDER if args.quick else LADDER,
        warmup_s=1.0 if args.quick else 2.0,
        duration_s=args.duration or (5.0 if args.quick else 10.0),
    )


class _SlackSink(BaseHTTPRequestHandler):
    """Slack's Web API and every response_url, answering at once, on kept-alive connections
    as Slack's own servers do (HTTP/1.0 would make every call open a new one)."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body leave at once, not after a delayed ACK

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.dumps({"ok": True, "channel": "D0BENCH01", "ts": f"{time.time():.6f}"})
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body.encode())
        except OSError:  # the caller gave up (it was stopped): nothing to answer
            pass

    def log_message(self, format: str, *args: Any) -> None:
        return None


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        return None  # a caller hanging up mid-answer is no news here


def start_sink() -> tuple[ThreadingHTTPServer, str]:
    server = _QuietServer(("127.0.0.1", free_port()), _SlackSink)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def slack_user_of(index: int) -> str:
    return f"W0M{index:06d}"


async def attach_slack(url: str, targets: Sequence[AcceptTarget]) -> dict[str, str]:
    """Slack on for the organization, an installation, and one Slack identity per mentor of
    `targets`; returns request id -> the mentor's Slack user id."""
    from adapters.settings import Settings
    from application.actors import SYSTEM, Actor
    from application.usecases.slack_switches import (
        SwitchSlackForOrganization,
        switch_slack_for_organization,
    )
    from bootstrap import create_container
    from domain.ids import InstallationId, MentorRequestId, OrganizationId, UserId, new_id
    from domain.people import Role
    from domain.slack.identity import SlackIdentity, identity_id
    from domain.slack.installation import (
        BotCredentials,
        SlackWorkspace,
        WorkspaceInstallation,
    )

    container = create_container(Settings(database_url=url, secret_keys=(BENCH_SECRET_KEY,)))
    run = container.runner()
    now = datetime.now(UTC)
    try:
        async with run.uow_factory() as uow:
            first = await uow.mentor_requests.get(MentorRequestId(targets[0].request_id))
            organization_id = OrganizationId(first.organization_id)
        support = Actor(user_id=SYSTEM.user_id, organization_id=organization_id, role=Role.SUPPORT)
        switch = SwitchSlackForOrganization(organization_id=organization_id, enabled=True)
        await run(switch_slack_for_organization, switch, support)
        mentors: dict[str, str] = {}  # mentor user id -> Slack user id
        by_request: dict[str, str] = {}
        async with run.uow_factory() as uow:
            installation = WorkspaceInstallation.install(
                id=InstallationId(new_id()), organization_id=organization_id,
                workspace=SlackWorkspace(team_id=TEAM, team_name="Bench Workspace"),
                bot=BotCredentials(token="xoxb-bench-sink", bot_user_id="U0BENCHBOT",
                                   bot_id="B0BENCH01", app_id=APP, scopes=("chat:write",)),
                installed_by=UserId(SYSTEM.user_id), installer_slack_user_id="W0ADMIN01",
                now=now,
            )  # fmt: skip
            await uow.installations.add(installation)
            for target in targets:
                request = await uow.mentor_requests.get(MentorRequestId(target.request_id))
                mentor = await uow.members.get(request.mentor_id)
                if mentor.user_id not in mentors:
                    slack_user = slack_user_of(len(mentors))
                    mentors[mentor.user_id] = slack_user
                    user = await uow.users.get(mentor.user_id)
                    await uow.slack_identities.add(SlackIdentity(
                        id=identity_id(organization_id, TEAM, slack_user),
                        organization_id=organization_id, user_id=mentor.user_id,
                        directory_key=TEAM, slack_user_id=slack_user,
                        installation_id=installation.id, email=user.email, tz="UTC",
                        seen_at=now,
                    ))  # fmt: skip
                by_request[target.request_id] = mentors[mentor.user_id]
            await uow.commit()
        return by_request
    finally:
        await container.engine().dispose()


def signed_click(request_id: str, slack_user: str, sink: str) -> list[Any]:
    """One open-loop plan entry: Slack's `block_actions` form post for Accept, signed now."""
    now = time.time()
    payload = {
        "type": "block_actions", "api_app_id": APP, "token": "legacy-verification-token",
        "trigger_id": f"{int(now)}.1.{uuid.uuid4().hex[:12]}",
        "team": {"id": TEAM, "domain": "bench"}, "enterprise": None,
        "is_enterprise_install": False,
        "user": {"id": slack_user, "username": slack_user.lower(), "team_id": TEAM},
        "container": {"type": "message", "message_ts": "1700000000.000100",
                      "channel_id": "D0BENCH01", "is_ephemeral": False},
        "channel": {"id": "D0BENCH01", "name": "directmessage"},
        "message": {"type": "message", "ts": "1700000000.000100", "text": "A request",
                    "blocks": []},
        "response_url": f"{sink}/response/{uuid.uuid4().hex}",
        "actions": [{"type": "button", "action_id": ACTION, "block_id": "request",
                     "value": request_id, "text": {"type": "plain_text", "text": "Accept"},
                     "action_ts": f"{now:.6f}"}],
    }  # fmt: skip
    body = "payload=" + urllib.parse.quote(json.dumps(payload, separators=(",", ":")))
    stamp = str(int(now))
    signature = SignatureVerifier(SIGNING_SECRET).generate_signature(timestamp=stamp, body=body)
    headers = {"Content-Type": "application/x-www-form-urlencoded",
               "X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature}  # fmt: skip
    return ["accept", "POST", "/slack/interactivity", "", body, headers]


@dataclass
class BoltServer(LoggedProcess):
    process: subprocess.Popen[bytes]
    url: str
    log: Path
    _log_file: Any

    @classmethod
    def start(cls, log: Path) -> BoltServer:
        port = free_port()
        log_file = log.open("wb")
        process = subprocess.Popen(
            [sys.executable, str(BOLT_APP), "--port", str(port),
             "--signing-secret", SIGNING_SECRET],
            stdout=log_file, stderr=subprocess.STDOUT,
        )  # fmt: skip
        server = cls(process, f"http://127.0.0.1:{port}", log, log_file)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                import urllib.request

                urllib.request.urlopen(f"{server.url}/", timeout=1)
            except urllib.error.HTTPError:
                return server  # bolt answers 404 on GET /: it is up
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"bolt did not start:\n{server.log_tail()}")


def run_step(target: Any, plan: list[list[Any]], rate: int, config: Config, workdir: Path,
             label: str, seeder: Seeder | None = None) -> dict[str, Any]:  # fmt: skip
    plan_file, out = workdir / f"plan-{label}-{rate}.json", workdir / f"result-{label}-{rate}.json"
    plan_file.write_text(json.dumps({"requests": plan}))
    backlog = seeder.wait_for_worker() if seeder is not None else 0
    busy_before = _wait_for_quiet_host()
    cpu, wall = target.cpu_seconds(), time.monotonic()
    subprocess.run(
        [sys.executable, str(OPEN_LOOP), "--url", target.url, "--plan", str(plan_file),
         "--rate", str(rate), "--duration", str(config.duration_s),
         "--warmup", str(config.warmup_s), "--out", str(out)],
        check=True,
    )  # fmt: skip
    cpu, wall = target.cpu_seconds() - cpu, time.monotonic() - wall
    result: dict[str, Any] = json.loads(out.read_text())
    overall = result["overall"]
    passed = bool(not result["aborted"] and overall["failures"] == 0
                  and overall["latency_ms"]["p99"] <= TARGET_P99_MS
                  and overall["achieved_rps"] >= 0.95 * rate)  # fmt: skip
    row = {
        "target": label, "rate": rate, "achieved": overall["achieved_rps"],
        "p50_ms": overall["latency_ms"]["p50"], "p99_ms": overall["latency_ms"]["p99"],
        "failures": overall["failures"], "statuses": overall.get("statuses"),
        "server_cpu_share": round(cpu / wall, 3), "host_busy_before": busy_before,
        "delivery_backlog_at_start": backlog,
        "rss_mb": round(target.memory_kb()["VmRSS"] / 1024, 1), "passed": passed,
    }  # fmt: skip
    print(f"  {label:>16} {rate:>5}/s  p50 {row['p50_ms']:>7.1f}  p99 {row['p99_ms']:>7.1f} ms"
          f"  failed {row['failures']:>4}  cpu {row['server_cpu_share']:.0%}"
          f"  rss {row['rss_mb']} MB  {'ok' if passed else 'NO'}", flush=True)  # fmt: skip
    return row


def ladder(target: Any, plans: Any, config: Config, workdir: Path, label: str,
           seeder: Seeder | None = None) -> tuple[list[dict[str, Any]], int | None]:  # fmt: skip
    rows, best = [], None
    for rate in (TARGET_RATE, *config.ladder):
        row = run_step(target, plans(rate), rate, config, workdir, label, seeder)
        rows.append(row)
        if not row["passed"]:
            break
        best = rate
    return rows, best


class Clicks:
    """The plans of successive steps: each request is accepted once, in seeding order."""

    def __init__(self, targets: Sequence[AcceptTarget], slack_user: Any, sink: str,
                 config: Config) -> None:  # fmt: skip
        self._pending, self._slack_user = iter(targets), slack_user
        self._sink, self._config = sink, config

    def __call__(self, rate: int) -> list[list[Any]]:
        chosen = [next(self._pending) for _ in range(steps_total(rate, self._config))]
        return [signed_click(t.request_id, self._slack_user(t.request_id), self._sink)
                for t in chosen]  # fmt: skip


def steps_total(rate: int, config: Config) -> int:
    return round(rate * (config.warmup_s + config.duration_s))


def main() -> None:
    config = parse_args(sys.argv[1:])
    need = sum(steps_total(r, config) for r in (TARGET_RATE, *config.ladder))
    results: dict[str, Any] = {"targets": {"p99_ms": TARGET_P99_MS, "rate": TARGET_RATE,
                                           "rss_mb": TARGET_RSS_MB}}  # fmt: skip
    sink, sink_url = start_sink()
    with tempfile.TemporaryDirectory(prefix="mentorlink-ack-") as tmp:
        workdir = Path(tmp)
        best: dict[str, int | None] = {}
        for db in config.databases:
            with fresh_database(db, workdir, postgres_admin_url()) as url:
                seeder = Seeder(url, concurrency=2 if db == "sqlite" else 8)
                seeder.organization(readers=5)
                targets = seeder.pending_requests(need, mentors=MENTORS, label="ack")
                slack_users = asyncio.run(attach_slack(url, targets))
                print(f"-- {db}: seeded {len(targets)} pending requests in "
                      f"{seeder.seconds:.0f} s", flush=True)  # fmt: skip
                env = {"SLACK_SIGNING_SECRET": SIGNING_SECRET,
                       "MENTORLINK_SLACK_API_URL": f"{sink_url}/api/"}  # fmt: skip
                server = Server.start(url, workdir / f"server-{db}.log", env=env)
                clicks = Clicks(targets, slack_users.__getitem__, sink_url, config)
                try:
                    # On PostgreSQL `mentorlink worker` processes deliver (none runs here):
                    # a step waits only for the in-process worker of SQLite's server.
                    rows, best[db] = ladder(
                        server, clicks, config, workdir, f"mentorlink {db}",
                        seeder if db == "sqlite" else None,
                    )  # fmt: skip
                finally:
                    server.stop()
                results[db] = {"steps": rows, "highest_rate": best[db]}
        bolt = BoltServer.start(workdir / "bolt.log")
        try:
            fake = [AcceptTarget(request_id=uuid.uuid4().hex, mentor_token="") for _ in range(need)]
            clicks = Clicks(fake, lambda _: slack_user_of(0), sink_url, config)
            rows, best["bolt"] = ladder(bolt, clicks, config, workdir, "slack-bolt ack-only")
        finally:
            bolt.stop()
        results["bolt"] = {"steps": rows, "highest_rate": best["bolt"]}
    sink.shutdown()
    print("highest rate with p99 <= 50 ms and no failure (ladder "
          f"{', '.join(map(str, (TARGET_RATE, *config.ladder)))}):")
    for name, rate in best.items():
        ratio = ""
        if name != "bolt" and rate and best.get("bolt"):
            ratio = f"  = {rate / best['bolt']:.2f} x bolt"  # type: ignore[operator]
        print(f"  {name:>10}: {rate or 'none'} req/s{ratio}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"results: {RESULTS}")


if __name__ == "__main__":
    main()
