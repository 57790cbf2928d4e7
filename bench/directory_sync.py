"""The Slack directory sync against a big workspace, at Slack's default rate limits.

    .venv/bin/python -m bench directory_sync [--users 10000] [--store sqlite|memory]

Starts the Slack sandbox in its own process (rate limits on, time scale 1) with one
workspace of N generated members; seeds an organization (a migrated SQLite file in a
temporary directory by default, or the in-memory store) with N users whose emails are the
generated members' and a global administrator; installs the app through the sandbox's
inspection API and stores the WorkspaceInstallation; then times `sync_slack_directory`
through the real SlackWebGateway. Reports Slack calls per method (the sandbox's own
counts), 429s served and waited out, users mapped and wall time, against one
`users.lookupByEmail` per user. Acceptance (issue 4, point 10): all N mapped with at most
60 Slack calls. Results: bench/results/directory_sync.json.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import math
import platform
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adapters.settings import Settings
from adapters.slack.web_gateway import SlackWebGateway
from application.slack.directory import SyncDirectory, sync_slack_directory
from bench import _directory_sandbox as sandbox_
from bench._databases import migrate
from bench._directory_sandbox import SandboxProcess
from bench._directory_seed import count_mapped, install, seed
from bench._server import BENCH_SECRET_KEY
from bootstrap import create_container

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "directory_sync.json"
MAX_CALLS = 60
PAGE = 200  # what the use case asks users.list for
TIER_2, TIER_3 = 20, 50  # calls per minute: users.list, users.lookupByEmail
EXTRA_MEMBERS = 2  # Slackbot and the app's bot user are listed too, as in Slack


@dataclass(frozen=True)
class Config:
    """What one run measures."""

    users: int
    store: str
    out: Path


def parse_args(argv: Sequence[str]) -> Config:
    """Flags after `python -m bench directory_sync` (the module name itself is ignored)."""
    parser = argparse.ArgumentParser(
        prog="python -m bench directory_sync",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--users", type=int, default=10_000, help="generated Slack members")
    parser.add_argument("--store", choices=("sqlite", "memory"), default="sqlite")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args([a for a in argv if a != "directory_sync"])
    if args.users < 1:
        parser.error("--users must be at least 1")
    return Config(users=args.users, store=args.store, out=args.out)


def command_line(config: Config) -> str:
    """The exact command that reproduces this run."""
    out = "" if config.out == RESULTS else f" --out {config.out}"
    return (
        f"{sys.executable} -m bench directory_sync --users {config.users} "
        f"--store {config.store}{out}"
    )


@dataclass(frozen=True)
class Waits:
    """How the 429s went, read from the sandbox's call log (slack-sdk logs its retries only
    at DEBUG, which the gateway never enables, so the log is the evidence)."""

    waited: int  # 429s after which the same page was asked for again
    seconds: float  # time between those 429s and their retries
    most_for_one_page: int  # the gateway allows 3 per call (rate_limit_retries)
    slack_span_seconds: float  # first users.list request to the last one


def waits(rows: Sequence[dict[str, Any]]) -> Waits:
    """Pair each 429 with the next request: a retry asks for the same cursor again."""
    waited, seconds = 0, 0.0
    per_page: Counter[str] = Counter()
    for refused, following in itertools.pairwise(rows):
        if refused["status"] != 429:
            continue
        cursor = refused["params"].get("cursor") or ""
        if following["params"].get("cursor", "") == cursor:
            waited += 1
            seconds += following["at"] - refused["at"]
            per_page[cursor] += 1
    span = rows[-1]["at"] - rows[0]["at"] if rows else 0.0
    most = max(per_page.values(), default=0)
    return Waits(waited=waited, seconds=seconds, most_for_one_page=most, slack_span_seconds=span)


def diff(after: dict[str, int], before: dict[str, int]) -> dict[str, int]:
    """Per-key increase, keeping only keys that grew."""
    grown = {k: v - before.get(k, 0) for k, v in after.items()}
    return {k: v for k, v in sorted(grown.items()) if v}


def predicted(users: int) -> dict[str, Any]:
    """What the limits imply: pages at T2 (a minute's burst, then one per 3 s) vs lookups at
    T3 (a burst of 50, then 50 a minute)."""
    pages = math.ceil((users + EXTRA_MEMBERS) / PAGE)
    return {
        "users_list_pages": pages,
        "users_list_floor_seconds": max(0, pages - TIER_2) * 60 / TIER_2,
        "lookup_calls": users,
        "lookup_minutes": users / TIER_3,
        "lookup_minutes_after_burst": max(0, users - TIER_3) / TIER_3,
    }


async def measure(config: Config, sandbox: SandboxProcess, database_url: str) -> dict[str, Any]:
    """Seed, install, then time one full directory sync."""
    settings = Settings(
        database_url=database_url,
        secret_keys=(BENCH_SECRET_KEY,),
        slack_api_url=sandbox.api_url,
        slack_client_id=sandbox_.CLIENT_ID,
        slack_client_secret=sandbox_.CLIENT_SECRET,
    )
    container = create_container(settings)
    try:
        run = container.runner()
        started = time.perf_counter()
        organization = await seed(run, config.users)
        seed_seconds = time.perf_counter() - started
        gateway = SlackWebGateway(
            settings.slack_api_url, settings.slack_client_id, settings.slack_client_secret
        )
        installation = await install(run, organization, sandbox, gateway)

        calls_before = await asyncio.to_thread(sandbox.call_counts)
        refused_before = await asyncio.to_thread(sandbox.ratelimited)
        started = time.perf_counter()
        try:
            report = await sync_slack_directory(
                SyncDirectory(installation_id=installation),
                organization.admin,
                run.uow_factory(),
                run.clock,
                gateway,
            )
        finally:
            wall = time.perf_counter() - started
        calls = diff(await asyncio.to_thread(sandbox.call_counts), calls_before)
        refused = diff(await asyncio.to_thread(sandbox.ratelimited), refused_before)
        log = await asyncio.to_thread(sandbox.get, "/_sandbox/calls?method=users.list")
        listed = calls.get("users.list", 0)
        paging = waits(log["calls"][-listed:] if listed else [])
        mapped, unmapped = await count_mapped(run, organization)
    finally:
        if not settings.uses_memory:
            await container.engine().dispose()
    answered = sum(calls.values()) - sum(refused.values())
    holds = mapped == config.users and not unmapped and answered <= MAX_CALLS
    return {
        "users": config.users,
        "store": config.store,
        "seed_seconds": round(seed_seconds, 2),
        "wall_seconds": round(wall, 2),
        "report": {
            "slack_users": report.slack_users,
            "matched": report.matched,
            "calls": report.calls,
        },
        "slack_requests_by_method": calls,
        "ratelimited_served_by_method": refused,
        "ratelimited_waited": paging.waited,
        "ratelimited_wait_seconds": round(paging.seconds, 2),
        "most_429s_for_one_page": paging.most_for_one_page,
        "users_list_span_seconds": round(paging.slack_span_seconds, 2),
        "slack_calls_answered": answered,
        "http_requests_including_429": sum(calls.values()),
        "users_mapped": mapped,
        "seeded_users_unmapped": unmapped,
        "predicted": predicted(config.users),
        "acceptance": f"all {config.users} mapped with <= {MAX_CALLS} Slack calls",
        "holds": holds,
    }


def database(store: str, workdir: Path) -> str:
    """A fresh, migrated SQLite file (`mentorlink migrate`), or the memory store."""
    if store == "memory":
        return "memory://"
    url = f"sqlite:///{workdir / 'directory.db'}"
    migrate(url)
    return url


def summary(result: dict[str, Any]) -> list[str]:
    """The figures, one per line, ending with the verdict."""
    n, p = result["users"], result["predicted"]
    served = sum(result["ratelimited_served_by_method"].values())
    requests = result["http_requests_including_429"]
    verdict = "HOLDS" if result["holds"] else "DOES NOT HOLD"
    lines = [
        f"store: {result['store']}; seeding {n:,} users + admin took {result['seed_seconds']} s",
        f"users mapped: {result['users_mapped']:,} of {n:,} "
        f"(seeded users left unmapped: {result['seeded_users_unmapped']}); "
        f"use case report: {result['report']}",
        f"Slack requests by method (sandbox): {result['slack_requests_by_method']}",
        f"429s served (sandbox): {served} {result['ratelimited_served_by_method']}; "
        f"waited out and retried by the gateway: {result['ratelimited_waited']} "
        f"({result['ratelimited_wait_seconds']} s in all; at most "
        f"{result['most_429s_for_one_page']} for one page, the gateway allows 3)",
        f"Slack calls answered: {result['slack_calls_answered']} "
        f"(+ {served} refused with 429 = {requests} HTTP requests)",
        f"wall time of sync_slack_directory: {result['wall_seconds']} s, of which "
        f"{result['users_list_span_seconds']} s from the first users.list to the last "
        f"({p['users_list_pages']} pages at T2 need at least "
        f"{p['users_list_floor_seconds']:.0f} s)",
        f"one users.lookupByEmail per user instead: {p['lookup_calls']:,} calls at T3 = "
        f"{p['lookup_minutes']:.0f} min ({p['lookup_minutes_after_burst']:.0f} min after "
        f"the first minute's burst of {TIER_3}) - computed, not run",
        f"acceptance '{result['acceptance']}' (calls Slack answered): {verdict}",
    ]
    if requests > MAX_CALLS:
        lines.append(
            f"note: counting the {served} refused requests too, {requests} > {MAX_CALLS}: "
            "the use case pages as fast as it can and lets the gateway wait out each 429"
        )
    return lines


def main() -> None:
    """Run the benchmark, print the figures, write bench/results/directory_sync.json."""
    config = parse_args(sys.argv[1:])
    print(f"command: {command_line(config)}", flush=True)
    with tempfile.TemporaryDirectory(prefix="mentorlink-directory-") as tmp:
        workdir = Path(tmp)
        started = time.perf_counter()
        sandbox = SandboxProcess.start(config.users, workdir)
        print(
            f"sandbox: {' '.join(sandbox.command)} (up in {time.perf_counter() - started:.1f} s)",
            flush=True,
        )
        try:
            sandbox_config = sandbox.get("/_sandbox/config")
            url = database(config.store, workdir)
            result = asyncio.run(measure(config, sandbox, url))
        finally:
            sandbox.stop()
    result["sandbox_config"] = {k: sandbox_config.get(k) for k in ("rate_limits", "time_scale")}
    result["command"] = command_line(config)
    result["host"] = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "platform": platform.platform(),
    }
    print("\n".join(summary(result)))
    config.out.parent.mkdir(parents=True, exist_ok=True)
    config.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"results: {config.out}")


if __name__ == "__main__":
    main()
