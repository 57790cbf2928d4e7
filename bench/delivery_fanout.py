"""Delivery under load: an announcement fanned out to N members of one Slack workspace, and
commit-to-DM latency on an idle queue, against the Slack sandbox at its default limits.

    python -m bench delivery_fanout [--quick] [--members 5000] [--db sqlite|postgres|both]
                                    [--workers 1,3] [--samples 40]

Starts the Slack sandbox in its own process (rate limits on, time scale 1) with one
workspace of N generated members (bench/_directory_sandbox.py). For each database: a fresh
migrated database, seeded through the use cases (organization, Slack switched on, a global
administrator with an API token, the "All hands" program) and the domain: the organization's
working window is set to the whole week (`Organization.set_working_window`, every day
00:00-24:00) so quiet hours never hold the fan-out; the N users, their memberships and
their Slack identities are added as aggregates in one transaction (seconds, not minutes),
constructed without the "mentee joined" and "first found in Slack" events so the announcement
is the only thing delivered; the app is installed through the sandbox's
`POST /_sandbox/installs` and the installation stored as the OAuth callback does.
Then `mentorlink serve` runs (in-process worker on SQLite; off on PostgreSQL, with 1 and then
3 `mentorlink worker` processes) and the benchmark:

1. latency: one-person announcements on an idle queue, one at a time; commit to DM is the
   sandbox's message `ts` minus the moment the POST was sent (an upper bound: it includes
   the request's own handling); p50/p95/max;
2. fan-out: `POST /api/v1/programs/{id}/announcements` (audience all) to the N members;
   DMs per minute (first DM to last, from the sandbox's message `ts`) as a fraction of the
   sandbox's configured `post_message_workspace_per_minute`; chat.postMessage 429s as a
   share of its calls (the sandbox's counts); lost = N minus recipients the sandbox shows a
   DM to; duplicates = DMs carrying a delivery id (message metadata) already seen; worker
   RSS (VmRSS sampled every second from /proc, VmHWM at the end).

The host's busy share of all CPUs is recorded before and during each step (other work on a
shared machine skews the figures). Results: bench/results/delivery_fanout.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import random
import statistics
import sys
import tempfile
import time
import urllib.request
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import time as clock_time
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.settings import Settings
from adapters.slack.web_gateway import SlackWebGateway
from application.actors import SYSTEM, Actor
from application.running import UseCaseRunner
from application.usecases.access_tokens import IssueToken, issue_token
from application.usecases.organization_setup import (
    CreateOrganization,
    CreateProgram,
    create_organization,
    create_program,
)
from application.usecases.slack_switches import (
    SwitchSlackForOrganization,
    switch_slack_for_organization,
)
from bench import _directory_sandbox as sandbox_
from bench._databases import fresh_database, postgres_admin_url
from bench._directory_sandbox import TEAM_ID, SandboxProcess, generated_email, generated_user_id
from bench._directory_seed import SeededOrganization, install
from bench._server import BENCH_SECRET_KEY, LoggedProcess, Server, Worker, host_cpu_ticks
from bench.api_load import QUIET_HOST, _share, _wait_for_quiet_host
from bootstrap import create_container
from domain.ids import InstallationId, MemberId, OrganizationId, ProgramId, UserId, new_id
from domain.people import Member, ProgramRole, Role, User
from domain.slack.identity import SlackIdentity, identity_id
from domain.working_hours import WorkingWindow

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "delivery_fanout.json"

TARGET_FRACTION = 0.95  # of the sandbox's workspace ceiling for chat.postMessage
TARGET_429_SHARE = 0.01
TARGET_P95_MS = 250.0
TARGET_RSS_MB = 150
ROLES = (
    frozenset({ProgramRole.MENTEE}),
    frozenset({ProgramRole.MENTOR}),
    frozenset({ProgramRole.MENTEE}),
    frozenset({ProgramRole.MENTOR, ProgramRole.MENTEE}),
)
WHOLE_WEEK = WorkingWindow(days=frozenset(range(7)), start=clock_time(0), end=clock_time.max)
STALL_S = 90.0  # no delivery settled for this long: the step gives up


@dataclass(frozen=True)
class Config:
    """What one run measures."""

    members: int
    databases: tuple[str, ...]
    workers: tuple[int, ...]
    samples: int
    quick: bool
    postgres_admin_url: str
    out: Path


def parse_args(argv: Sequence[str]) -> Config:
    """Flags after `python -m bench delivery_fanout` (the module name itself is ignored)."""
    parser = argparse.ArgumentParser(
        prog="python -m bench delivery_fanout",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true", help="500 members, 20 latency samples")
    parser.add_argument("--members", type=int, help="announcement audience (5000; quick 500)")
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--workers", default="1,3", help="worker processes on PostgreSQL")
    parser.add_argument("--samples", type=int, help="latency samples (40; quick 20)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args([a for a in argv if a != "delivery_fanout"])
    members = args.members or (500 if args.quick else 5000)
    if members < 2:
        parser.error("--members must be at least 2")
    workers = tuple(sorted({int(w) for w in args.workers.split(",") if w}))
    if not workers or min(workers) < 1:
        parser.error("--workers takes counts of at least 1, e.g. 1,3")
    return Config(
        members=members,
        databases=("sqlite", "postgres") if args.db == "both" else (args.db,),
        workers=workers,
        samples=args.samples or (20 if args.quick else 40),
        quick=args.quick,
        postgres_admin_url=postgres_admin_url(),
        out=args.out,
    )


def command_line(config: Config) -> str:
    """The exact command that reproduces this run."""
    db = "both" if len(config.databases) == 2 else config.databases[0]
    out = "" if config.out == RESULTS else f" --out {config.out}"
    quick = " --quick" if config.quick else ""
    return (
        f"{sys.executable} -m bench delivery_fanout{quick} --members {config.members} "
        f"--db {db} --workers {','.join(map(str, config.workers))} "
        f"--samples {config.samples}{out}"
    )


@dataclass(frozen=True)
class Seeded:
    """The organization as the steps need it."""

    organization: OrganizationId
    admin_token: str
    program: ProgramId  # all N members
    latency_programs: tuple[ProgramId, ...]  # one member each: generated user i
    installation: InstallationId


async def seed(run: UseCaseRunner, config: Config, sandbox: SandboxProcess) -> Seeded:
    """Organization, admin, programs through the use cases; the whole-week working window
    through the domain; N users + members + Slack identities in one transaction."""
    org = await run(create_organization, CreateOrganization(name="Bench Fan-out Co"), SYSTEM)
    support = Actor(user_id=SYSTEM.user_id, organization_id=org.id, role=Role.SUPPORT)
    await run(
        switch_slack_for_organization,
        SwitchSlackForOrganization(organization_id=org.id, enabled=True),
        support,
    )
    issued = await run(
        issue_token,
        IssueToken(
            organization_id=org.id,
            email="admin@bench.example",
            name="Bench Admin",
            role=Role.GLOBAL_ADMIN,
        ),
        support,
    )
    admin = Actor(user_id=issued.user.id, organization_id=org.id, role=Role.GLOBAL_ADMIN)
    program = await run(create_program, CreateProgram(name="All hands"), admin)
    latency = [
        (await run(create_program, CreateProgram(name=f"Latency {i}"), admin)).id
        for i in range(config.samples)
    ]
    async with run.uow_factory() as uow:
        organization = await uow.organizations.get(org.id)
        organization.set_working_window(WHOLE_WEEK, timezone="UTC")
        await uow.commit()
    settings_gateway = SlackWebGateway(sandbox.api_url, sandbox_.CLIENT_ID, sandbox_.CLIENT_SECRET)
    installation_id = await install(
        run, SeededOrganization(id=org.id, admin=admin, user_ids=frozenset()), sandbox,
        settings_gateway,
    )  # fmt: skip
    now = run.clock.now()
    async with run.uow_factory() as uow:
        for n in range(config.members):
            user = User(id=UserId(new_id()), organization_id=org.id, email=generated_email(n),
                        name=f"Member {n:05d}", joined_at=now)  # fmt: skip
            await uow.users.add(user)
            programs = [program.id, latency[n]] if n < len(latency) else [program.id]
            for program_id in programs:
                await uow.members.add(
                    Member(id=MemberId(new_id()), organization_id=org.id, program_id=program_id,
                           user_id=user.id, name=user.name, roles=ROLES[n % len(ROLES)])
                )  # fmt: skip
            slack_user = generated_user_id(n)
            await uow.slack_identities.add(
                SlackIdentity(
                    id=identity_id(org.id, TEAM_ID, slack_user), organization_id=org.id,
                    user_id=user.id, directory_key=TEAM_ID, slack_user_id=slack_user,
                    installation_id=installation_id, email=generated_email(n), tz=None,
                    seen_at=now,
                )
            )  # fmt: skip
        await uow.commit()
    return Seeded(org.id, issued.secret, program.id, tuple(latency), installation_id)


def announce(server: Server, seeded: Seeded, program: ProgramId, words: str) -> dict[str, Any]:
    """The admin's announcement over the JSON API; its answer."""
    request = urllib.request.Request(
        f"{server.url}/api/v1/programs/{program}/announcements",
        data=json.dumps({"text": words, "audience": "all"}).encode(),
        headers={"Content-Type": "application/json",
                 "Authorization": f"Bearer {seeded.admin_token}"},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=30) as response:
        body: dict[str, Any] = json.loads(response.read())
        return body


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def tagged(sandbox: SandboxProcess, tag: str, user: str | None = None) -> list[dict[str, Any]]:
    """Bot messages (not ephemeral) whose text carries `tag`."""
    query = f"?user={user}" if user else ""
    rows = sandbox.get(f"/_sandbox/messages{query}")["messages"]
    return [m for m in rows if tag in m["text"] and not m.get("visible_to")]


def postmessage_counts(sandbox: SandboxProcess) -> tuple[int, int]:
    """(chat.postMessage calls, of which 429s) served by the sandbox so far."""
    calls = sandbox.call_counts().get("chat.postMessage", 0)
    return calls, sandbox.ratelimited().get("chat.postMessage", 0)


async def latency_step(
    db: str, server: Server, sandbox: SandboxProcess, seeded: Seeded, workers: str
) -> dict[str, Any]:
    """One-person announcements on an idle queue, one at a time, 0.5-1 s apart."""
    busy_before = await asyncio.to_thread(_wait_for_quiet_host)
    host = host_cpu_ticks()
    latencies: list[float] = []
    missing = 0
    for i, program in enumerate(seeded.latency_programs):
        await asyncio.sleep(random.uniform(0.5, 1.0))
        tag = f"latency-{uuid.uuid4().hex[:10]}"
        sent = time.time()
        await asyncio.to_thread(announce, server, seeded, program, f"Ping {tag}")
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            found = await asyncio.to_thread(tagged, sandbox, tag, generated_user_id(i))
            if found:
                latencies.append((float(found[0]["ts"]) - sent) * 1000)
                break
            await asyncio.sleep(0.05)
        else:
            missing += 1
    ms = latencies or [float("nan")]
    p95 = percentile(ms, 0.95)
    return {
        "db": db,
        "workers": workers,
        "samples": len(seeded.latency_programs),
        "missing": missing,
        "latency_ms": {
            "p50": round(percentile(ms, 0.5), 1),
            "p95": round(p95, 1),
            "max": round(max(ms), 1),
            "mean": round(statistics.fmean(ms), 1),
        },
        "host_cpu_share": _share(host, host_cpu_ticks()),
        "host_cpu_share_before": busy_before,
        "passed": missing == 0 and p95 <= TARGET_P95_MS,
    }


async def delivery_counts(engine: AsyncEngine, subject_key: str) -> dict[str, int]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT status, count(*) FROM deliveries WHERE subject_key = :k GROUP BY status"),
            {"k": subject_key},
        )
        return {str(status): int(n) for status, n in rows}


def settled(counts: dict[str, int]) -> int:
    return sum(n for status, n in counts.items() if status in ("sent", "dead", "unreachable"))


async def fanout_step(
    db: str,
    config: Config,
    server: Server,
    sandbox: SandboxProcess,
    seeded: Seeded,
    engine: AsyncEngine,
    workers: Sequence[LoggedProcess],
    label: str,
    ceiling: int,
) -> dict[str, Any]:
    """Announce to every member; follow the deliveries until all settle (or stall)."""
    busy_before = await asyncio.to_thread(_wait_for_quiet_host)
    calls_before, refused_before = await asyncio.to_thread(postmessage_counts, sandbox)
    cpu_before = [w.cpu_seconds() for w in workers]
    tag = f"fanout-{uuid.uuid4().hex[:10]}"
    host, started = host_cpu_ticks(), time.time()
    made = await asyncio.to_thread(
        announce, server, seeded, seeded.program, f"All hands on Friday ({tag})."
    )
    key = f"announcement:{made['id']}"
    peak_rss = [0] * len(workers)
    progress, last_change, counts = -1, time.monotonic(), {}
    deadline = time.monotonic() + config.members / ceiling * 60 * 2 + 120
    while time.monotonic() < deadline and time.monotonic() - last_change < STALL_S:
        for i, worker in enumerate(workers):
            peak_rss[i] = max(peak_rss[i], worker.memory_kb()["VmRSS"])
        counts = await delivery_counts(engine, key)
        done = settled(counts)
        if done != progress:
            progress, last_change = done, time.monotonic()
        if done >= config.members:
            break
        await asyncio.sleep(1.0)
    wall = time.time() - started
    host_share = _share(host, host_cpu_ticks())
    cpu = [w.cpu_seconds() - c for w, c in zip(workers, cpu_before, strict=True)]
    hwm = [w.memory_kb()["VmHWM"] for w in workers]
    calls_after, refused_after = await asyncio.to_thread(postmessage_counts, sandbox)
    dms = await asyncio.to_thread(tagged, sandbox, tag)
    ids = Counter(str((m.get("metadata") or {}).get("event_payload", {}).get("delivery_id"))
                  for m in dms)  # fmt: skip
    recipients = {m["user_id"] for m in dms}
    stamps = sorted(float(m["ts"]) for m in dms)
    span = stamps[-1] - stamps[0] if len(stamps) > 1 else 0.0
    per_minute = (len(stamps) - 1) / span * 60 if span else 0.0
    # the steady part: from the 10th percentile DM on (the app's and the sandbox's bursts out)
    tenth = stamps[len(stamps) // 10] if stamps else 0.0
    steady_n = sum(1 for s in stamps if s > tenth)
    steady = steady_n / (stamps[-1] - tenth) * 60 if stamps and stamps[-1] > tenth else 0.0
    calls, refused = calls_after - calls_before, refused_after - refused_before
    share_429 = refused / calls if calls else 0.0
    lost = config.members - len(recipients)
    duplicates = sum(n - 1 for n in ids.values())
    rss_mb = max(peak_rss, default=0) / 1024
    fraction = per_minute / ceiling
    return {
        "db": db,
        "workers": label,
        "members": config.members,
        "dms_seen": len(dms),
        "dms_per_minute": round(per_minute, 1),
        "steady_dms_per_minute": round(steady, 1),
        "ceiling_per_minute": ceiling,
        "fraction_of_ceiling": round(fraction, 3),
        "steady_fraction_of_ceiling": round(steady / ceiling, 3),
        "first_dm_after_s": round(stamps[0] - started, 2) if stamps else None,
        "dm_span_s": round(span, 1),
        "wall_s": round(wall, 1),
        "postmessage_calls": calls,
        "postmessage_429": refused,
        "share_429": round(share_429, 4),
        "lost": lost,
        "duplicates": duplicates,
        "delivery_status": counts,
        "worker_rss_peak_mb": [round(kb / 1024, 1) for kb in peak_rss],
        "worker_hwm_mb": [round(kb / 1024, 1) for kb in hwm],
        "worker_cpu_share": [round(c / wall, 3) for c in cpu],
        "host_cpu_share": host_share,
        "host_cpu_share_before": busy_before,
        "passed": {
            "rate": fraction >= TARGET_FRACTION,
            "429s": share_429 <= TARGET_429_SHARE,
            "lost": lost == 0,
            "duplicates": duplicates == 0,
            "rss": rss_mb <= TARGET_RSS_MB,
        },
    }


def app_env(sandbox: SandboxProcess, in_process: str) -> dict[str, str]:
    return {
        "MENTORLINK_SLACK_API_URL": sandbox.api_url,
        "MENTORLINK_IN_PROCESS_WORKER": in_process,
        "MENTORLINK_SMTP_URL": "",  # Slack only: every member has a Slack identity
    }


async def subject_version_too_narrow(engine: AsyncEngine) -> bool:
    """KNOWN BUG (reported): `deliveries.subject_version` is an Integer (tables.py, migration
    0005) but holds the event time in microseconds (`stories.version_of`, ~1.8e15). SQLite
    stores it; on PostgreSQL asyncpg refuses it as int4 ("value out of int32 range"), so no
    outbox row is ever expanded and nothing is delivered. (Widening the column alone does not
    help: SQLAlchemy binds the parameter as $n::INTEGER.) True when the schema still has it."""
    if engine.dialect.name != "postgresql":
        return False
    async with engine.connect() as conn:
        kind = await conn.scalar(text(
            "SELECT data_type FROM information_schema.columns "
            "WHERE table_name = 'deliveries' AND column_name = 'subject_version'"
        ))  # fmt: skip
    return kind == "integer"


async def run_database(
    db: str, url: str, config: Config, sandbox: SandboxProcess, workdir: Path, ceiling: int
) -> dict[str, Any]:
    """Seed, start the server (and workers), measure latency, then each fan-out."""
    settings = Settings(
        database_url=url, secret_keys=(BENCH_SECRET_KEY,), slack_api_url=sandbox.api_url,
        slack_client_id=sandbox_.CLIENT_ID, slack_client_secret=sandbox_.CLIENT_SECRET,
    )  # fmt: skip
    container = create_container(settings)
    engine: AsyncEngine = container.engine()
    if await subject_version_too_narrow(engine):
        await engine.dispose()
        reason = (
            "deliveries.subject_version is int4 but holds microsecond versions (~1.8e15): "
            "asyncpg refuses every delivery insert, nothing is delivered on PostgreSQL"
        )
        print(f"  {db}: BLOCKED: {reason}; skipped", flush=True)
        return {"blocked": reason, "latency": [], "fanout": []}
    started = time.perf_counter()
    seeded = await seed(container.runner(), config, sandbox)
    seed_seconds = time.perf_counter() - started
    print(f"  {db}: seeded {config.members:,} members in {seed_seconds:.1f} s", flush=True)
    steps: list[dict[str, Any]] = []
    latency: list[dict[str, Any]] = []
    workers: list[Worker] = []
    in_process = "on" if db == "sqlite" else "off"
    server = Server.start(url, workdir / f"server-{db}.log", env=app_env(sandbox, in_process))
    try:
        if db == "sqlite":
            label = "in-process"
            latency.append(await latency_step(db, server, sandbox, seeded, label))
            print(f"  {db}: latency {latency[-1]['latency_ms']}", flush=True)
            steps.append(await fanout_step(
                db, config, server, sandbox, seeded, engine, [server], label, ceiling
            ))  # fmt: skip
            print(f"  {db}: fan-out {steps[-1]['dms_per_minute']}/min", flush=True)
        else:
            for count in config.workers:
                while len(workers) < count:
                    log = workdir / f"worker-{db}-{len(workers)}.log"
                    workers.append(Worker.start(url, log, env=app_env(sandbox, "off")))
                await asyncio.sleep(3)  # imports, connections
                if dead := [w for w in workers if not w.alive()]:
                    raise RuntimeError(f"a worker exited:\n{dead[0].log_tail()}")
                if count == config.workers[0]:
                    latency.append(await latency_step(db, server, sandbox, seeded, str(count)))
                    print(f"  {db}: latency {latency[-1]['latency_ms']}", flush=True)
                steps.append(await fanout_step(
                    db, config, server, sandbox, seeded, engine, workers, str(count), ceiling
                ))  # fmt: skip
                print(f"  {db}: fan-out x{count} {steps[-1]['dms_per_minute']}/min", flush=True)
        server_memory = server.memory_kb()
    finally:
        for worker in workers:
            worker.stop()
        server.stop()
        await engine.dispose()
    return {
        "seed_seconds": round(seed_seconds, 1),
        "latency": latency,
        "fanout": steps,
        "server_memory_kb": server_memory,
    }


def table(result: dict[str, Any]) -> str:
    """Fan-out rows, then latency rows, aligned like api_load's."""
    head = ["db", "workers", "members", "DMs/min", "ceiling", "fraction", "steady", "429s",
            "lost", "dup", "RSS MB", "worker cpu", "host busy/before", "all targets"]  # fmt: skip
    lines = [head]
    for db in result["databases"].values():
        for s in db["fanout"]:
            lines.append([
                s["db"], s["workers"], f"{s['members']:,}", f"{s['dms_per_minute']:.0f}",
                str(s["ceiling_per_minute"]), f"{s['fraction_of_ceiling']:.2f}",
                f"{s['steady_fraction_of_ceiling']:.2f}", f"{s['share_429']:.1%}",
                str(s["lost"]), str(s["duplicates"]), f"{max(s['worker_rss_peak_mb']):.0f}",
                "/".join(f"{c:.0%}" for c in s["worker_cpu_share"]),
                f"{s['host_cpu_share']:.0%}/{s['host_cpu_share_before']:.0%}",
                "yes" if all(s["passed"].values())
                else "NO: " + ",".join(k for k, v in s["passed"].items() if not v),
            ])  # fmt: skip
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    out = ["  ".join(v.rjust(w) for v, w in zip(line, widths, strict=True)) for line in lines]
    lat_head = ["db", "workers", "samples", "p50 ms", "p95 ms", "max ms", "missing",
                "host busy/before", "p95<=250"]  # fmt: skip
    lat = [lat_head]
    for db in result["databases"].values():
        for s in db["latency"]:
            m = s["latency_ms"]
            lat.append([
                s["db"], s["workers"], str(s["samples"]), f"{m['p50']:.0f}", f"{m['p95']:.0f}",
                f"{m['max']:.0f}", str(s["missing"]),
                f"{s['host_cpu_share']:.0%}/{s['host_cpu_share_before']:.0%}",
                "yes" if s["passed"] else "NO",
            ])  # fmt: skip
    widths = [max(len(line[i]) for line in lat) for i in range(len(lat_head))]
    out.append("")
    out += ["  ".join(v.rjust(w) for v, w in zip(line, widths, strict=True)) for line in lat]
    return "\n".join(out)


def main() -> None:
    """Run the benchmark, print the figures, write bench/results/delivery_fanout.json."""
    config = parse_args(sys.argv[1:])
    print(f"command: {command_line(config)}", flush=True)
    result: dict[str, Any] = {"command": command_line(config), "databases": {}}
    with tempfile.TemporaryDirectory(prefix="mentorlink-fanout-") as tmp:
        workdir = Path(tmp)
        sandbox = SandboxProcess.start(config.members, workdir)
        try:
            sandbox_config = sandbox.get("/_sandbox/config")
            ceiling = int(sandbox_config["post_message_workspace_per_minute"])
            print(f"sandbox: {' '.join(sandbox.command)}; chat.postMessage ceiling "
                  f"{ceiling}/min per workspace", flush=True)  # fmt: skip
            for db in config.databases:
                with fresh_database(db, workdir, config.postgres_admin_url) as url:
                    result["databases"][db] = asyncio.run(
                        run_database(db, url, config, sandbox, workdir, ceiling)
                    )
        finally:
            sandbox.stop()
    result["sandbox_config"] = sandbox_config
    result["working_window"] = "every day 00:00-24:00 UTC (set for the benchmark)"
    result["targets"] = {
        "fraction_of_ceiling": TARGET_FRACTION, "share_429": TARGET_429_SHARE,
        "latency_p95_ms": TARGET_P95_MS, "worker_rss_mb": TARGET_RSS_MB,
    }  # fmt: skip
    result["host"] = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "platform": platform.platform(),
    }
    print(table(result))
    rows = [s for d in result["databases"].values() for s in (*d["latency"], *d["fanout"])]
    if noisy := sum(1 for s in rows if max(s["host_cpu_share_before"], 0) > QUIET_HOST):
        print(f"warning: {noisy} step(s) started while other work kept the host busy "
              f"(> {QUIET_HOST:.0%}); their figures are unreliable")  # fmt: skip
    config.out.parent.mkdir(parents=True, exist_ok=True)
    config.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"results: {config.out}")


if __name__ == "__main__":
    main()
