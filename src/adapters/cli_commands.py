"""The operator commands of `mentorlink` (seed, expire, organizations, tokens, keys,
deliveries, the Slack app manifest, Slack workspaces), each a function of the parsed arguments
that returns the exit code; `cli.py` parses the command line and hands them over."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import TypeVar

from adapters.settings import Settings
from application.running import UseCaseRunner
from domain.people import Role

Connect = Callable[[Settings], AbstractAsyncContextManager[UseCaseRunner]]
Work = Callable[[Settings, int, asyncio.Event, int | None], Awaitable[None]]
"""Deliver with `int` loops until the event is set; serve `/metrics` on the port if given."""
T = TypeVar("T")
METRICS_HOST = "127.0.0.1"  # a scrape target: not for the public internet


def settings_from_env() -> Settings:
    return Settings.from_env()


def with_runner(args: argparse.Namespace, task: Callable[[UseCaseRunner], Awaitable[T]]) -> T:
    """Run `task` with a use case runner on the configured database, then close it."""
    connect: Connect | None = args.connect
    if connect is None:
        raise RuntimeError("this command runs use cases: start it as `mentorlink` (bootstrap.main)")

    async def run() -> T:
        async with connect(settings_from_env()) as runner:
            return await task(runner)

    return asyncio.run(run())


def deliver(args: argparse.Namespace) -> int:
    """`mentorlink worker`: deliver until SIGTERM or Ctrl-C; the delivery in hand is finished."""
    settings = settings_from_env()
    settings.checked_secret_keys()
    stop = asyncio.Event()

    async def run() -> None:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        await args.work(settings, args.concurrency, stop, args.metrics_port)

    print(f"delivering notifications ({args.concurrency} loop(s)); Ctrl-C stops", flush=True)
    if args.metrics_port:
        print(f"metrics at http://{METRICS_HOST}:{args.metrics_port}/metrics", flush=True)
    asyncio.run(run())
    return 0


def seed(args: argparse.Namespace) -> int:
    from adapters.local import seed_if_empty

    created = with_runner(args, seed_if_empty)
    print("seeded the demo organization" if created else "database not empty; nothing seeded")
    return 0


def expire(args: argparse.Namespace) -> int:
    from adapters.local import expire_overdue_now

    requests, meetings = with_runner(args, expire_overdue_now)
    print(f"expired {requests} mentor requests and {meetings} meeting proposals")
    return 0


def create_org(args: argparse.Namespace) -> int:
    from adapters.local import create_org

    print(with_runner(args, lambda run: create_org(run, args.name)))
    return 0


def list_orgs(args: argparse.Namespace) -> int:
    from adapters.local import list_orgs

    for line in with_runner(args, list_orgs):
        print(line)
    return 0


def create_token(args: argparse.Namespace) -> int:
    from adapters.local import create_token

    secret = with_runner(
        args, lambda run: create_token(run, args.org, args.email, args.name, Role(args.role))
    )
    print(secret)
    return 0


def revoke_token(args: argparse.Namespace) -> int:
    from adapters.local import revoke_api_token

    label = with_runner(args, lambda run: revoke_api_token(run, args.token_id))
    print(f"revoked {args.token_id} ({label}); it stops working within seconds")
    return 0


def rotate_keys(_: argparse.Namespace) -> int:
    from adapters.local import rotate_keys

    count = asyncio.run(rotate_keys(settings_from_env()))
    print(f"re-sealed {count} Slack bot tokens with the newest key")
    return 0


def manifest(args: argparse.Namespace) -> int:
    from adapters.slack.manifest import manifest_yaml

    public_url = settings_from_env().public_url
    if not public_url.startswith("https://") and not args.socket_mode:
        print("warning: Slack accepts only https:// request URLs", file=sys.stderr)
    print(manifest_yaml(public_url, socket_mode=args.socket_mode), end="")
    return 0


def slack_list(args: argparse.Namespace) -> int:
    from adapters.local import list_installations

    for line in with_runner(args, list_installations):
        print(line)
    return 0


def slack_sync(args: argparse.Namespace) -> int:
    """`mentorlink slack sync`: a progress bar on a terminal (sync_progress.py), then one line
    of what was matched (no internal counts); Slack's refusals on stderr (a domain refusal,
such as "needs reconnecting", is printed by the command's caller)."""
    from adapters.local import sync_directory
    from adapters.sync_progress import SyncProgressBar
    from application.slack.gateway import SlackError

    bar = SyncProgressBar()
    try:
        with bar.running():
            report = with_runner(
                args, lambda run: sync_directory(run, args.installation, args.newcomers, bar)
            )
            bar.finish()
    except SlackError as error:
        print(f"error: Slack could not do it ({error.code}); nothing was changed", file=sys.stderr)
        return 1
    across = f" across {report.workspaces} workspaces" if report.workspaces > 1 else ""
    print(f"matched {report.matched} of {report.slack_users} Slack members{across}")
    return 0


def demo_env(args: argparse.Namespace) -> int:
    """Shell exports for the README's examples (fresh tokens each time: they are shown once)."""
    import shlex

    from adapters.local import demo_exports

    values = with_runner(args, demo_exports)
    api = f"{settings_from_env().public_url}/api/v1"
    print(f"export API={shlex.quote(api)}")
    for name, value in values.items():
        print(f"export {name}={shlex.quote(value)}")
    return 0


def deliveries(args: argparse.Namespace) -> int:
    """`mentorlink deliveries [--status dead]`: the latest deliveries of every organization,
    one a line: created, organization, status, channel, kind, attempts, id, reason."""
    from application.actors import SYSTEM
    from application.delivery.health import ListDeliveries, list_deliveries
    from application.delivery.model import DeliveryStatus

    status = DeliveryStatus(args.status) if args.status else None
    command = ListDeliveries(status=status, limit=args.limit)
    found = with_runner(args, lambda run: run(list_deliveries, command, SYSTEM))
    for organization, d in found:
        channel = d.channel.value if d.channel else "-"
        print(
            f"{d.notification.created_at.isoformat()}\t{organization}\t{d.status.value}\t"
            f"{channel}\t{d.notification.kind.value}\t{d.attempts}\t{d.id}\t{d.last_error or ''}"
        )
    if not found:
        print("no deliveries" + (f" with status {status.value}" if status else ""), file=sys.stderr)
    return 0
