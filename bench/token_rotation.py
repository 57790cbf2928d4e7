"""Token rotation under a fan-out: N DMs sent by several workers while the bot token expires
again and again (issue 13: 5,000 DMs across 3 workers).

    python -m bench token_rotation [--quick] [--dms 5000] [--workers 3] [--lifetime 5]
                                   [--db sqlite|postgres|both]

Starts the Slack sandbox in its own process with token rotation on, rate limits off and a
time scale that makes Slack's 12-hour tokens live `--lifetime` seconds; installs the app; for
each database, queues the DMs and runs the workers (on PostgreSQL each its own process; on
SQLite, which allows one writing process, each its own sender on the one engine). Reports:
DMs sent, lost (queued minus what the sandbox holds), duplicates, renewals (refresh calls),
refused renewals (a refresh token spent twice would show here), `token_expired` answers, and
the run's seconds. `--quick` is a smoke check (300 DMs, 2-second tokens), not a figure.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

from adapters.persistence.database import create_engine
from adapters.persistence.sealing import TokenSealer
from adapters.persistence.sql_deliveries import SqlDeliveryStore
from adapters.persistence.sql_uow import SqlUnitOfWork
from bench import _rotation_fanout as fanout
from bench._databases import fresh_database, postgres_admin_url
from bench._directory_sandbox import (
    CLIENT_ID,
    CLIENT_SECRET,
    TEAM_ID,
    SandboxProcess,
    generated_user_id,
)

SLACK_TOKEN_LIFE = 43_200


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench token_rotation")
    parser.add_argument("--quick", action="store_true", help="300 DMs, 2-second tokens")
    parser.add_argument("--dms", type=int, help="DMs to send (5000; quick 300)")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--people", type=int, default=50, help="recipients, DMs in turn")
    parser.add_argument("--lifetime", type=int, help="seconds a token lives (5; quick 2)")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    args, _ = parser.parse_known_args()
    dms = args.dms or (300 if args.quick else 5000)
    lifetime = args.lifetime or (2 if args.quick else 5)
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    quick = " --quick" if args.quick else ""
    print(f"command: python -m bench token_rotation{quick} --dms {dms} --workers {args.workers}"
          f" --lifetime {lifetime} --db {args.db}")
    with tempfile.TemporaryDirectory() as workdir:
        sandbox = SandboxProcess.start(args.people, Path(workdir))
        try:
            for kind in kinds:
                with fresh_database(kind, Path(workdir), postgres_admin_url()) as url:
                    report = asyncio.run(run(kind, url, sandbox, dms, args.workers,
                                             args.people, lifetime))
                print(f"{kind}: " + ", ".join(f"{k} {v}" for k, v in report.items()))
        finally:
            sandbox.stop()


async def run(kind: str, url: str, sandbox: SandboxProcess, dms: int, workers: int,
              people: int, lifetime: int) -> dict[str, Any]:
    sandbox.post("/_sandbox/reset", {})
    sandbox.post("/_sandbox/config", {"token_rotation": True, "rate_limits": False,
                                      "time_scale": SLACK_TOKEN_LIFE / lifetime})
    grant = sandbox.install()
    ahead = timedelta(seconds=lifetime * 0.4)
    engine = create_engine(url)
    sealer = TokenSealer([fanout.SECRET])
    try:
        seeded = await fanout.seed(lambda: SqlUnitOfWork(engine, sealer),
                                   fanout.sql_outbox_rows(engine), SqlDeliveryStore(engine),
                                   grant, TEAM_ID,
                                   [generated_user_id(n) for n in range(people)], dms)
        started = time.monotonic()
        if kind == "postgres":
            renewed = await fanout.in_processes(workers, url, sandbox.api_url, CLIENT_ID,
                                                CLIENT_SECRET, ahead)
        else:
            senders = [fanout.sql_sender(engine, sandbox.api_url, CLIENT_ID, CLIENT_SECRET, ahead)
                       for _ in range(workers)]
            renewed = list(await asyncio.gather(*(fanout.drain(s) for s in senders)))
        seconds = time.monotonic() - started - 20 * 0.05  # the workers' idle polls at the end
    finally:
        await engine.dispose()
    held = Counter(
        m["metadata"]["event_payload"]["id"]
        for m in sandbox.get("/_sandbox/messages")["messages"] if m.get("metadata")
    )
    calls = sandbox.get("/_sandbox/calls?method=oauth.v2.access")["calls"]
    counts = sandbox.get("/_sandbox/calls")
    expired = sum(1 for c in counts["calls"] if c["error"] == "token_expired")
    return {
        "DMs": dms,
        "lost": sum(1 for i in seeded.delivery_ids if i not in held),
        "duplicates": sum(n - 1 for n in held.values() if n > 1),
        "renewals": len(calls),
        "renewals by worker": renewed,
        "refused renewals": sum(1 for c in calls if not c["ok"]),
        "token_expired answers": expired,
        "seconds": round(seconds, 1),
    }


if __name__ == "__main__":
    main()
