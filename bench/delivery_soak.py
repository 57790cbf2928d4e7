"""Crash soak: the delivery fan-out while workers are SIGKILLed and PostgreSQL restarts.

    python -m bench delivery_soak [--quick] [--members 5000] [--workers 3] [--kills 10]
                                  [--no-postgres-restart]

On PostgreSQL (where separate `mentorlink worker` processes scale out): the same organization
and Slack sandbox as `delivery_fanout` (one workspace of N members, the sandbox's default rate
limits), `mentorlink serve` without its in-process worker, and `--workers` worker processes.
An announcement goes to all N members; while it is delivered, a script SIGKILLs a random
worker and starts a new one `--kills` times, spread over the expected fan-out, and restarts
PostgreSQL once half-way (`pg_ctlcluster ... restart`; it briefly interrupts anything else
using this machine's PostgreSQL). Then it waits until every delivery has settled.

Reports: lost = members without a DM; duplicates = DMs beyond one per delivery id (only
possible when a worker dies between Slack's answer and its commit: counted, not hidden), and
members with more than one DM; deliveries by status (a delivery that ended every worker that
tried it is dead with that reason); kills and restarts done. Results:
bench/results/delivery_soak.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.settings import Settings
from bench import _directory_sandbox as sandbox_
from bench._databases import fresh_database, postgres_admin_url
from bench._directory_sandbox import SandboxProcess
from bench._server import BENCH_SECRET_KEY, Server, Worker
from bench.delivery_fanout import (
    Config,
    announce,
    app_env,
    delivery_counts,
    seed,
    settled,
    tagged,
)
from bootstrap import create_container

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "delivery_soak.json"
STALL_S = 120.0  # nothing settled for this long (kills and a restart included): give up


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench delivery_soak", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    parser.add_argument("--quick", action="store_true", help="500 members")
    parser.add_argument("--members", type=int, help="announcement audience (5000; quick 500)")
    parser.add_argument("--workers", type=int, default=3, help="worker processes")
    parser.add_argument("--kills", type=int, default=10, help="SIGKILLs of a random worker")
    parser.add_argument("--no-postgres-restart", action="store_true")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args([a for a in argv if a != "delivery_soak"])
    args.members = args.members or (500 if args.quick else 5000)
    return args


def restart_postgres() -> float:
    """Restart this machine's PostgreSQL cluster; seconds it took."""
    version = sorted(p.name for p in Path("/etc/postgresql").iterdir())[-1]
    started = time.monotonic()
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
        check=True, capture_output=True,
    )  # fmt: skip
    return time.monotonic() - started


async def soak(args: argparse.Namespace, url: str, sandbox: SandboxProcess, workdir: Path,
               ceiling: int) -> dict[str, Any]:  # fmt: skip
    settings = Settings(
        database_url=url, secret_keys=(BENCH_SECRET_KEY,), slack_api_url=sandbox.api_url,
        slack_client_id=sandbox_.CLIENT_ID, slack_client_secret=sandbox_.CLIENT_SECRET,
    )  # fmt: skip
    container = create_container(settings)
    engine: AsyncEngine = container.engine()
    config = Config(
        members=args.members, databases=("postgres",), workers=(args.workers,), samples=0,
        quick=args.quick, postgres_admin_url=postgres_admin_url(), out=args.out,
    )  # fmt: skip
    seeded = await seed(container.runner(), config, sandbox)
    await engine.dispose()  # the soak restarts PostgreSQL: reconnect when reading counts
    env = app_env(sandbox, "off")
    server = Server.start(url, workdir / "server.log", env=env)
    started_workers = 0

    def new_worker() -> Worker:
        nonlocal started_workers
        started_workers += 1
        return Worker.start(url, workdir / f"worker-{started_workers}.log", env=env)

    workers = [new_worker() for _ in range(args.workers)]
    await asyncio.sleep(3)  # imports, connections
    events: list[dict[str, Any]] = []
    try:
        tag = f"soak-{uuid.uuid4().hex[:10]}"
        started = time.monotonic()
        made = await asyncio.to_thread(
            announce, server, seeded, seeded.program, f"Soak test ({tag})."
        )
        key = f"announcement:{made['id']}"
        expected_s = args.members / ceiling * 60
        kill_at = [expected_s * (i + 1) / (args.kills + 1) for i in range(args.kills)]
        restart_at = None if args.no_postgres_restart else expected_s / 2
        progress, last_change, counts = -1, time.monotonic(), {}
        while time.monotonic() - last_change < STALL_S:
            elapsed = time.monotonic() - started
            if kill_at and elapsed >= kill_at[0]:
                kill_at.pop(0)
                victim = random.randrange(len(workers))
                workers[victim].process.kill()
                workers[victim].process.wait()
                workers[victim].stop()
                workers[victim] = new_worker()
                events.append({"at_s": round(elapsed, 1), "event": f"SIGKILL worker {victim}"})
            if restart_at is not None and elapsed >= restart_at:
                took = await asyncio.to_thread(restart_postgres)
                events.append({"at_s": round(elapsed, 1),
                               "event": f"PostgreSQL restarted ({took:.1f} s)"})  # fmt: skip
                restart_at = None
            try:
                counts = await delivery_counts(engine, key)
            except Exception:  # PostgreSQL restarting: try again in a moment
                await engine.dispose()
                await asyncio.sleep(1)
                continue
            done = settled(counts)
            if done != progress:
                progress, last_change = done, time.monotonic()
            if done >= args.members and not kill_at and restart_at is None:
                break
            await asyncio.sleep(1.0)
        wall = time.monotonic() - started
        dms = await asyncio.to_thread(tagged, sandbox, tag)
    finally:
        for worker in workers:
            worker.stop()
        server.stop()
        await engine.dispose()
    per_delivery = Counter(
        str((m.get("metadata") or {}).get("event_payload", {}).get("delivery_id")) for m in dms
    )
    per_member = Counter(m["user_id"] for m in dms)
    return {
        "members": args.members,
        "workers": args.workers,
        "events": events,
        "kills": sum(1 for e in events if "SIGKILL" in e["event"]),
        "postgres_restarts": sum(1 for e in events if "PostgreSQL" in e["event"]),
        "dms_seen": len(dms),
        "lost": args.members - len(per_member),
        "duplicate_dms_per_delivery": sum(n - 1 for n in per_delivery.values()),
        "members_with_more_than_one_dm": sum(1 for n in per_member.values() if n > 1),
        "delivery_status": counts,
        "wall_s": round(wall, 1),
        "ceiling_per_minute": ceiling,
    }


def main() -> None:
    args = parse_args(sys.argv[1:])
    command = (f"{sys.executable} -m bench delivery_soak --members {args.members} "
               f"--workers {args.workers} --kills {args.kills}"
               + (" --no-postgres-restart" if args.no_postgres_restart else ""))  # fmt: skip
    print(f"command: {command}", flush=True)
    with tempfile.TemporaryDirectory(prefix="mentorlink-soak-") as tmp:
        workdir = Path(tmp)
        sandbox = SandboxProcess.start(args.members, workdir)
        try:
            ceiling = int(sandbox.get("/_sandbox/config")["post_message_workspace_per_minute"])
            with fresh_database("postgres", workdir, postgres_admin_url()) as url:
                result = asyncio.run(soak(args, url, sandbox, workdir, ceiling))
        finally:
            sandbox.stop()
    result["command"] = command
    for event in result["events"]:
        print(f"  {event['at_s']:>6} s  {event['event']}")
    print(
        f"  {result['members']} members, {result['workers']} workers: lost {result['lost']}, "
        f"duplicate DMs {result['duplicate_dms_per_delivery']}, members with 2+ DMs "
        f"{result['members_with_more_than_one_dm']}; statuses {result['delivery_status']}; "
        f"{result['kills']} kills, {result['postgres_restarts']} PostgreSQL restart(s), "
        f"{result['wall_s']} s"
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"results: {args.out}")


if __name__ == "__main__":
    main()
