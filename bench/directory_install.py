"""A big Slack workspace installed: how soon its first person is reachable, and its last.

    .venv/bin/python -m bench directory_install [--users 10000] [--store sqlite|memory]
    .venv/bin/python -m bench directory_install --quick   # a smoke run: 1,000 people

Starts the Slack sandbox in its own process (rate limits on at Slack's default tiers, time
scale 1) with one workspace of N generated members; seeds an organization with N users
whose emails are theirs (bench/_directory_seed.py); installs the app (the sandbox's
inspection API, then the installation stored as the OAuth callback stores it) and runs the
directory sync that follows an install, through the runner and the real SlackWebGateway.
While it runs, a watcher asks the routing every 50 ms, in its own transactions, whether a
DM to the first generated member (on users.list's first page) and to the last one (on the
last page) would go through Slack. Reports the seconds from the install until each is
reachable and until the sync returns. Results: bench/results/directory_install.json.
`--quick` is a smoke check only (under a minute, nothing written unless `--out` is given);
figures come from full runs on a quiet host.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import platform
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from adapters.settings import Settings
from application.actors import SYSTEM
from application.delivery.model import Notification, NotificationKind, Subject
from application.delivery.routing import SlackRoute, route_for
from application.running import UseCaseRunner
from application.slack.directory import SyncDirectory, sync_slack_directory
from bench import _directory_sandbox as sandbox_
from bench._databases import migrate
from bench._directory_sandbox import SandboxProcess, generated_email
from bench._directory_seed import count_mapped, install, seed
from bench._server import BENCH_SECRET_KEY
from bootstrap import create_container
from domain.ids import UserId

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "directory_install.json"
QUICK_USERS = 1_000
POLL_SECONDS = 0.05


@dataclass(frozen=True)
class Config:
    users: int
    store: str
    quick: bool
    out: Path


def parse_args(argv: Sequence[str]) -> Config:
    parser = argparse.ArgumentParser(
        prog="python -m bench directory_install", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    parser.add_argument("--users", type=int, default=None, help="generated Slack members")
    parser.add_argument("--store", choices=("sqlite", "memory"), default="sqlite")
    parser.add_argument("--quick", action="store_true", help=f"smoke run: {QUICK_USERS} people")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args([a for a in argv if a != "directory_install"])
    users = args.users if args.users is not None else (QUICK_USERS if args.quick else 10_000)
    if users < 2:
        parser.error("--users must be at least 2")
    return Config(users=users, store=args.store, quick=args.quick, out=args.out)


def command_line(config: Config) -> str:
    quick = " --quick" if config.quick else ""
    return (f"{sys.executable} -m bench directory_install --users {config.users} "
            f"--store {config.store}{quick}")  # fmt: skip


async def reachable(run: UseCaseRunner, organization_id: str, user_id: UserId) -> bool:
    """Whether a DM to `user_id` would go through Slack now (the delivery routing's answer)."""
    probe = Notification(
        kind=NotificationKind.WELCOME, organization_id=organization_id, program_id=None,
        recipient_user_id=user_id, subject=Subject(kind="connection", id="bench"), facts={},
        outbox_id=0, created_at=datetime.now(UTC),
    )  # fmt: skip
    async with run.uow_factory() as uow:
        route = await route_for(probe, uow, mail_configured=False)  # type: ignore[arg-type]
    return isinstance(route, SlackRoute)


async def watch(run: UseCaseRunner, organization_id: str, who: dict[str, UserId],
                started: float, seen: dict[str, float]) -> None:  # fmt: skip
    """Note the seconds since `started` at which each of `who` first became reachable."""
    while len(seen) < len(who):
        for label, user_id in who.items():
            if label not in seen and await reachable(run, organization_id, user_id):
                seen[label] = round(time.perf_counter() - started, 2)
        await asyncio.sleep(POLL_SECONDS)


async def user_ids_by_email(run: UseCaseRunner, organization_id: str,
                            emails: Sequence[str]) -> dict[str, UserId]:  # fmt: skip
    async with run.uow_factory() as uow:
        found = {}
        for email in emails:
            user = await uow.users.find_by_email(organization_id, email)  # type: ignore[arg-type]
            assert user is not None, email
            found[email] = user.id
        return found


async def measure(config: Config, sandbox: SandboxProcess, database_url: str) -> dict[str, Any]:
    settings = Settings(
        database_url=database_url, secret_keys=(BENCH_SECRET_KEY,),
        slack_api_url=sandbox.api_url, slack_client_id=sandbox_.CLIENT_ID,
        slack_client_secret=sandbox_.CLIENT_SECRET,
    )  # fmt: skip
    container = create_container(settings)
    try:
        run = container.runner()
        organization = await seed(run, config.users)
        first, last = generated_email(0), generated_email(config.users - 1)
        ids = await user_ids_by_email(run, organization.id, [first, last])
        installation = await install(run, organization, sandbox, container.slack_gateway())
        started = time.perf_counter()
        seen: dict[str, float] = {}
        watcher = asyncio.create_task(
            watch(run, organization.id, {"first": ids[first], "last": ids[last]}, started, seen)
        )
        report = await run(sync_slack_directory, SyncDirectory(installation_id=installation),
                           SYSTEM)  # fmt: skip
        synced = round(time.perf_counter() - started, 2)
        with contextlib.suppress(TimeoutError):  # someone never reachable: reported as null
            await asyncio.wait_for(watcher, timeout=10)
        mapped, unmapped = await count_mapped(run, organization)
    finally:
        if not settings.uses_memory:
            await container.engine().dispose()
    return {
        "users": config.users, "store": config.store, "quick": config.quick,
        "first_reachable_seconds": seen.get("first"),
        "last_reachable_seconds": seen.get("last"),
        "sync_returned_seconds": synced,
        "users_list_calls": report.calls, "users_mapped": mapped,
        "seeded_users_unmapped": unmapped,
        "holds": seen.get("first") is not None and seen.get("last") is not None
        and unmapped == 0,
    }  # fmt: skip


def database(store: str, workdir: Path) -> str:
    if store == "memory":
        return "memory://"
    url = f"sqlite:///{workdir / 'directory.db'}"
    migrate(url)
    return url


def main() -> None:
    """Run the benchmark, print the figures, write bench/results/directory_install.json."""
    config = parse_args(sys.argv[1:])
    print(f"command: {command_line(config)}", flush=True)
    with tempfile.TemporaryDirectory(prefix="mentorlink-install-") as tmp:
        workdir = Path(tmp)
        sandbox = SandboxProcess.start(config.users, workdir)
        try:
            url = database(config.store, workdir)
            result = asyncio.run(measure(config, sandbox, url))
        finally:
            sandbox.stop()
    result["command"] = command_line(config)
    result["host"] = {"python": platform.python_version(), "machine": platform.machine()}
    print(f"{config.users:,} people ({config.store}): first reachable after "
          f"{result['first_reachable_seconds']} s, last after {result['last_reachable_seconds']}"
          f" s; the sync returned after {result['sync_returned_seconds']} s "
          f"({result['users_list_calls']} Slack calls, {result['users_mapped']:,} mapped)")
    if config.quick and config.out == RESULTS:
        print("--quick: a smoke run, no figures kept (give --out to keep them anyway)")
        return
    config.out.parent.mkdir(parents=True, exist_ok=True)
    config.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"results: {config.out}")


if __name__ == "__main__":
    main()
