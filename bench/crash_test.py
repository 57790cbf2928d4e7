"""Kill the server mid-write, again and again: is every acknowledged write there exactly once?

    python -m bench crash_test [--db sqlite|postgres|both] [--kills 10] [--rate 200]

For each database: seed a fresh one (pending mentor requests, mentees with connections), then
`--kills` times: start `mentorlink serve`, drive mentor accepts and connection messages at a
fixed rate (each message body unique), and after a random 1-3 s SIGKILL the server with
requests in flight. Every request answered 2xx is *acknowledged*; one that got no answer is
*unknown* (it may or may not have happened, but at most once). Then check the database
directly:
* every acknowledged accept is accepted, every acknowledged message present exactly once,
  no unknown message twice;
* nothing half-applied: the cohort has exactly one connection and one
  `mentor_request.accepted` outbox row per accepted request, and one
  `connection.message_sent` outbox row per message;
* SQLite: `PRAGMA integrity_check` is "ok" after every restart.
A SIGKILL loses no page cache, so on SQLite this checks the transaction and recovery logic, not
the fsyncs (a power cut is what those are for: see `sqlite_wal` and the README).
Results: bench/results/crash_test.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from bench._databases import fresh_database, postgres_admin_url
from bench._server import Server
from bench.api_load import measure_this_checkout

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "crash_test.json"


@dataclass
class Outcomes:
    """What the clients were told, over every round."""

    acked_accepts: set[str] = field(default_factory=set)
    acked_messages: set[str] = field(default_factory=set)
    unknown_messages: set[str] = field(default_factory=set)
    unknown_accepts: int = 0
    refused: Counter[int] = field(default_factory=Counter)  # 4xx/5xx answers by status


async def _drive(
    url: str, accepts: list[tuple[str, str]], chats: list[tuple[str, str]], rate: float,
    seconds: float, server: Server, outcomes: Outcomes,
) -> int:  # fmt: skip
    """Send accepts and messages alternately at `rate` until SIGKILL at `seconds`; returns how
    many requests were in flight when the server died."""
    tasks: list[asyncio.Task[None]] = []

    async def send(method: str, path: str, token: str, body: Any, kind: str, key: str) -> None:
        headers = {"Authorization": f"Bearer {token}"}
        try:
            async with session.request(method, path, headers=headers, json=body) as response:
                await response.read()
                status = response.status
        except (aiohttp.ClientError, OSError):
            if kind == "message":
                outcomes.unknown_messages.add(key)
            else:
                outcomes.unknown_accepts += 1
            return
        if 200 <= status < 300:
            (outcomes.acked_messages if kind == "message" else outcomes.acked_accepts).add(key)
        else:
            outcomes.refused[status] += 1

    timeout = aiohttp.ClientTimeout(total=10)
    async with aiohttp.ClientSession(base_url=url, timeout=timeout) as session:
        loop = asyncio.get_running_loop()
        start, i = loop.time(), 0
        while loop.time() - start < seconds:
            if i % 2 == 0 and accepts:
                request_id, token = accepts.pop()
                path = f"/api/v1/mentor-requests/{request_id}/accept"
                tasks.append(
                    asyncio.create_task(send("POST", path, token, None, "accept", request_id))
                )
            else:
                token, connection_id = random.choice(chats)
                body = f"crash-{uuid.uuid4().hex}"
                path = f"/api/v1/connections/{connection_id}/messages"
                tasks.append(
                    asyncio.create_task(send("POST", path, token, {"body": body}, "message", body))
                )
            i += 1
            await asyncio.sleep(max(0.0, start + i / rate - loop.time()))
        in_flight = sum(1 for t in tasks if not t.done())
        server.process.kill()  # SIGKILL
        server.process.wait()
        await asyncio.gather(*tasks)
    return in_flight


async def _chats(url: str, tokens: list[str]) -> list[tuple[str, str]]:
    """(token, connection id) of each reader's connections."""
    found = []
    async with aiohttp.ClientSession(base_url=url) as session:
        for token in tokens:
            headers = {"Authorization": f"Bearer {token}"}
            async with session.get("/api/v1/me/connections", headers=headers) as response:
                area = await response.json()
            for connection in area.get("connections", []):
                found.append((token, connection["id"]))
    return found


async def _check(
    url: str, outcomes: Outcomes, program_of: str, before: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The checks above; `before` is this function's answer before the first kill."""
    from sqlalchemy import text

    from adapters.persistence.database import create_engine

    engine = create_engine(url)
    try:
        async with engine.connect() as db:

            async def rows(sql: str, **params: Any) -> list[Any]:
                return list((await db.execute(text(sql), params)).all())

            program = (
                await rows("SELECT program_id FROM mentor_requests WHERE id = :i", i=program_of)
            )[0][0]
            statuses = dict(
                await rows(
                    "SELECT id, status FROM mentor_requests WHERE program_id = :p", p=program
                )
            )
            accepted = {i for i, s in statuses.items() if s == "accepted"}
            connections = (
                await rows("SELECT count(*) FROM connections WHERE program_id = :p", p=program)
            )[0][0]
            topics: Counter[str] = Counter()
            for topic, count in await rows("SELECT topic, count(*) FROM outbox GROUP BY topic"):
                topics[topic] = count
            bodies: Counter[str] = Counter()
            for body, count in await rows(
                "SELECT body, count(*) FROM connection_messages"
                " WHERE body LIKE 'crash-%' GROUP BY body"
            ):
                bodies[body] = count
            all_messages = (await rows("SELECT count(*) FROM connection_messages"))[0][0]
            integrity = "n/a (PostgreSQL)"
            if url.startswith("sqlite"):
                integrity = (await rows("PRAGMA integrity_check"))[0][0]
    finally:
        await engine.dispose()
    sent = topics["connection.message_sent"] - (before or {}).get("_sent_rows", 0)
    stored = all_messages - (before or {}).get("_messages", 0)
    accepted_rows = topics["mentor_request.accepted"] - (before or {}).get("_accepted_rows", 0)
    return {
        "_sent_rows": topics["connection.message_sent"],
        "_messages": all_messages,
        "_accepted_rows": topics["mentor_request.accepted"],
        "acknowledged accepts": len(outcomes.acked_accepts),
        "acknowledged accepts missing": len(outcomes.acked_accepts - accepted),
        "accepted without acknowledgement (killed in flight)": len(
            accepted - outcomes.acked_accepts
        ),
        "accepted requests without exactly one connection": abs(connections - len(accepted)),
        "acknowledged messages": len(outcomes.acked_messages),
        "acknowledged messages missing": sum(1 for b in outcomes.acked_messages if bodies[b] == 0),
        "messages stored twice": sum(1 for n in bodies.values() if n > 1),
        "unknown messages stored": sum(1 for b in outcomes.unknown_messages if bodies[b] == 1),
        "unknown messages": len(outcomes.unknown_messages),
        "outbox rows missing or extra": abs(sent - stored) + abs(accepted_rows - len(accepted)),
        "integrity check": integrity,
    }


def run(kind: str, kills: int, rate: float) -> dict[str, Any]:
    from bench._seed import Seeder

    with tempfile.TemporaryDirectory(prefix=f"mentorlink-crash-{kind}-") as tmp:
        workdir = Path(tmp)
        with fresh_database(kind, workdir, postgres_admin_url()) as url:
            seeder = Seeder(url, concurrency=2 if kind == "sqlite" else 8)
            org = seeder.organization(readers=40)
            targets = seeder.pending_requests(int(rate * 3 * kills), mentors=100, label="crash")
            accepts = [(t.request_id, t.mentor_token) for t in reversed(targets)]
            outcomes = Outcomes()
            restarts, in_flight, integrity = [], [], []
            chats: list[tuple[str, str]] = []
            before = asyncio.run(_check(url, outcomes, targets[0].request_id))
            for round_ in range(kills):
                started = time.monotonic()
                server = Server.start(url, workdir / f"server-{round_}.log")
                restarts.append(time.monotonic() - started)
                if not chats:
                    chats = asyncio.run(_chats(server.url, list(org.reader_tokens)))
                seconds = random.uniform(1.0, 3.0)
                in_flight.append(
                    asyncio.run(_drive(server.url, accepts, chats, rate, seconds, server, outcomes))
                )
                server._log_file.close()
                if kind == "sqlite":
                    integrity.append(
                        asyncio.run(_check(url, outcomes, targets[0].request_id))["integrity check"]
                    )
            checked = asyncio.run(_check(url, outcomes, targets[0].request_id, before))
            checked = {k: v for k, v in checked.items() if not k.startswith("_")}
    checked.update(
        kills=kills,
        requests_in_flight_at_kill=sum(in_flight),
        refused=dict(outcomes.refused),
        unknown_accepts=outcomes.unknown_accepts,
        integrity_after_each_restart=sorted(set(integrity)) or "n/a",
        restart_seconds_max=round(max(restarts), 2),
    )
    must_be_zero = (
        "acknowledged accepts missing",
        "accepted requests without exactly one connection",
        "acknowledged messages missing",
        "messages stored twice",
        "outbox rows missing or extra",
    )
    bad = [k for k in must_be_zero if checked[k]]
    if kind == "sqlite" and (checked["integrity check"] != "ok" or integrity != ["ok"] * kills):
        bad.append("integrity check")
    checked["passed"] = not bad
    checked["failed checks"] = bad
    return checked


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench crash_test", description=__doc__)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args, _ = parser.parse_known_args([a for a in sys.argv[1:] if a != "crash_test"])
    measure_this_checkout()
    started = time.monotonic()
    kinds = ("sqlite", "postgres") if args.db == "both" else (args.db,)
    results = {}
    for kind in kinds:
        print(f"-- {kind}: {args.kills} SIGKILLs at {args.rate:.0f} req/s", flush=True)
        results[kind] = run(kind, args.kills, args.rate)
        for key, value in results[kind].items():
            print(f"  {kind:8} {key}: {value}", flush=True)
    command = "python -m bench crash_test " + " ".join(a for a in sys.argv[1:] if a != "crash_test")
    print(f"command: {command.strip()}   ({time.monotonic() - started:.0f} s)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"command": command.strip(), "databases": results}, indent=2))
    print(f"results: {args.out}")
    if not all(r["passed"] for r in results.values()):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
