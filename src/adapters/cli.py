# Over 300 lines: one command table and its short handlers, read together (split when it grows).
"""The `mentorlink` command: migrate, serve, seed, tokens, the sandbox, the Slack app manifest,
and `run-local`. The composition root (`bootstrap.main`) hands it `connect`, which opens a use
case runner on the configured database for the commands that run use cases."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import TypeVar

from adapters.settings import SecretKeyMissing, Settings
from application.running import UseCaseRunner
from domain.errors import DomainError
from domain.people import Role

# Development credentials shared by the app and the sandbox that `make run` starts.
DEV_SIGNING_SECRET = "mentorlink-sandbox-signing-secret"
DEV_CLIENT_ID = "1000000000.2000000000"
DEV_CLIENT_SECRET = "mentorlink-sandbox-client-secret"

Connect = Callable[[Settings], AbstractAsyncContextManager[UseCaseRunner]]
Work = Callable[[Settings, int, asyncio.Event], Awaitable[None]]
T = TypeVar("T")


def main(
    argv: Sequence[str] | None = None, *, connect: Connect | None = None, work: Work | None = None
) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["sandbox"]:
        from slack_sandbox.cli import main as sandbox_main  # the sandbox stands alone

        return sandbox_main(args[1:])
    parsed = _parser().parse_args(args)
    if not hasattr(parsed, "command"):
        _parser().print_help()
        return 2
    parsed.connect, parsed.work = connect, work
    try:
        return int(parsed.command(parsed) or 0)
    except DomainError as error:
        print(f"error: {error.message}", file=sys.stderr)
        return 1
    except SecretKeyMissing as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mentorlink", description=__doc__)
    sub = parser.add_subparsers()
    sub.add_parser("migrate", help="apply database migrations").set_defaults(command=_migrate)
    serve = sub.add_parser("serve", help="run the web app (JSON API, Slack endpoints)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(command=_serve)
    worker = sub.add_parser("worker", help="deliver notifications (Slack DMs, e-mail)")
    worker.add_argument("--concurrency", type=int, default=1,
                        help="delivery loops in this process (default: 1)")  # fmt: skip
    worker.set_defaults(command=_worker)
    sub.add_parser("seed", help="seed the demo organization into an empty database").set_defaults(
        command=_seed
    )
    sub.add_parser("expire", help="expire overdue requests and meetings").set_defaults(
        command=_expire
    )
    org = sub.add_parser("org", help="organizations").add_subparsers()
    create_org = org.add_parser("create", help="create an organization, print its id")
    create_org.add_argument("name")
    create_org.set_defaults(command=_create_org)
    org.add_parser("list", help="list organizations: id, Slack on/off, name").set_defaults(
        command=_list_orgs
    )
    token = sub.add_parser("token", help="API tokens").add_subparsers()
    create = token.add_parser("create", help="create a bearer token; it is printed once")
    create.add_argument("--org", required=True, help="organization id")
    create.add_argument("--email", required=True)
    create.add_argument("--name", required=True)
    create.add_argument("--role", required=True, choices=[r.value for r in Role])
    create.set_defaults(command=_create_token)
    revoke = token.add_parser("revoke", help="revoke a token by its id (GET /api/v1/me/tokens)")
    revoke.add_argument("token_id")
    revoke.set_defaults(command=_revoke_token)
    keys = sub.add_parser("keys", help="secret keys").add_subparsers()
    keys.add_parser(
        "rotate", help="re-seal stored Slack tokens with the first MENTORLINK_SECRET_KEY"
    ).set_defaults(command=_rotate_keys)
    slack = sub.add_parser("slack", help="connected Slack workspaces").add_subparsers()
    slack.add_parser(
        "list", help="list installations: id, status, last directory sync, organization, workspace"
    ).set_defaults(command=_slack_list)
    sync = slack.add_parser("sync", help="map the organization's users to Slack users by email")
    sync.add_argument("--installation", required=True, help="installation id (see `slack list`)")
    sync.add_argument(
        "--newcomers", action="store_true", help="only users added since the last full sync"
    )
    sync.set_defaults(command=_slack_sync)
    local = sub.add_parser("run-local", help="what `make run` does: migrate, seed, sandbox, app")
    local.add_argument("--port", type=int, default=8000)
    local.add_argument("--sandbox-port", type=int, default=3000)
    local.set_defaults(command=_run_local)
    sub.add_parser("sandbox", help="start the local Slack stand-in (see `mentorlink sandbox -h`)")
    sub.add_parser(
        "manifest", help="print the Slack app manifest (YAML) for MENTORLINK_PUBLIC_URL"
    ).set_defaults(command=_manifest)
    return parser


def _settings() -> Settings:
    return Settings.from_env()


def _with_runner(args: argparse.Namespace, task: Callable[[UseCaseRunner], Awaitable[T]]) -> T:
    """Run `task` with a use case runner on the configured database, then close it."""
    connect: Connect | None = args.connect
    if connect is None:
        raise RuntimeError("this command runs use cases: start it as `mentorlink` (bootstrap.main)")

    async def run() -> T:
        async with connect(_settings()) as runner:
            return await task(runner)

    return asyncio.run(run())


def _migrate(_: argparse.Namespace) -> int:
    from adapters.persistence.migrate import upgrade

    upgrade(_settings().database_url)
    print("database is up to date")
    return 0


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from adapters.persistence.sqlite_checkpoints import sqlite_file

    _settings().checked_secret_keys()  # refuse before uvicorn starts a worker that would fail
    if args.workers > 1 and sqlite_file(_settings().database_url):
        print(
            "error: SQLite serves from one worker process (its statements run on the event loop,"
            " and several workers would stall each other waiting for the write lock); use"
            " PostgreSQL for more than one worker",
            file=sys.stderr,
        )
        return 2
    uvicorn.run(
        "bootstrap:create_server_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level="warning",
    )
    return 0


def _worker(args: argparse.Namespace) -> int:
    settings = _settings()
    settings.checked_secret_keys()
    stop = asyncio.Event()

    async def deliver() -> None:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        await args.work(settings, args.concurrency, stop)

    print(f"delivering notifications ({args.concurrency} loop(s)); Ctrl-C stops", flush=True)
    asyncio.run(deliver())
    return 0


def _seed(args: argparse.Namespace) -> int:
    from adapters.local import seed_if_empty

    created = _with_runner(args, seed_if_empty)
    print("seeded the demo organization" if created else "database not empty; nothing seeded")
    return 0


def _expire(args: argparse.Namespace) -> int:
    from adapters.local import expire_overdue_now

    requests, meetings = _with_runner(args, expire_overdue_now)
    print(f"expired {requests} mentor requests and {meetings} meeting proposals")
    return 0


def _create_org(args: argparse.Namespace) -> int:
    from adapters.local import create_org

    print(_with_runner(args, lambda run: create_org(run, args.name)))
    return 0


def _list_orgs(args: argparse.Namespace) -> int:
    from adapters.local import list_orgs

    for line in _with_runner(args, list_orgs):
        print(line)
    return 0


def _create_token(args: argparse.Namespace) -> int:
    from adapters.local import create_token

    secret = _with_runner(
        args, lambda run: create_token(run, args.org, args.email, args.name, Role(args.role))
    )
    print(secret)
    return 0


def _revoke_token(args: argparse.Namespace) -> int:
    from adapters.local import revoke_api_token

    label = _with_runner(args, lambda run: revoke_api_token(run, args.token_id))
    print(f"revoked {args.token_id} ({label}); it stops working within seconds")
    return 0


def _rotate_keys(_: argparse.Namespace) -> int:
    from adapters.local import rotate_keys

    count = asyncio.run(rotate_keys(_settings()))
    print(f"re-sealed {count} Slack bot tokens with the newest key")
    return 0


def _manifest(_: argparse.Namespace) -> int:
    from adapters.slack.manifest import manifest_yaml

    public_url = _settings().public_url
    if not public_url.startswith("https://"):
        print("warning: Slack accepts only https:// request URLs", file=sys.stderr)
    print(manifest_yaml(public_url), end="")
    return 0


def _slack_list(args: argparse.Namespace) -> int:
    from adapters.local import list_installations

    for line in _with_runner(args, list_installations):
        print(line)
    return 0


def _slack_sync(args: argparse.Namespace) -> int:
    from adapters.local import sync_directory
    from application.slack.gateway import SlackError

    try:
        report = _with_runner(
            args, lambda run: sync_directory(run, args.installation, args.newcomers)
        )
    except SlackError as error:
        print(f"error: Slack could not do it ({error.code}); nothing was changed", file=sys.stderr)
        return 1
    print(
        f"matched {report.matched} of {report.slack_users} Slack members "
        f"in {report.calls} Slack calls"
    )
    return 0


def _exit_cleanly(signum: int, frame: object) -> None:
    raise SystemExit(0)


def _run_local(args: argparse.Namespace) -> int:
    from adapters.local import admin_token, local_secret_key, seed_if_empty
    from adapters.persistence.migrate import upgrade

    if not os.environ.get("MENTORLINK_SECRET_KEY", "").strip():
        os.environ["MENTORLINK_SECRET_KEY"] = local_secret_key(_settings().database_url)
    settings = _settings()
    upgrade(settings.database_url)
    _with_runner(args, seed_if_empty)
    token = _with_runner(args, admin_token)
    env = dict(os.environ)
    app_url = f"http://127.0.0.1:{args.port}"
    env.setdefault("MENTORLINK_PUBLIC_URL", app_url)
    sandbox: subprocess.Popen[bytes] | None = None
    lines = [f"mentorlink     {app_url}  (API docs: {app_url}/schema)"]
    if not settings.talks_to_real_slack:
        sandbox_url = f"http://127.0.0.1:{args.sandbox_port}"
        secret = settings.slack_signing_secret or DEV_SIGNING_SECRET
        client_id = settings.slack_client_id or DEV_CLIENT_ID
        client_secret = settings.slack_client_secret or DEV_CLIENT_SECRET
        env["SLACK_SIGNING_SECRET"] = secret
        env["SLACK_CLIENT_ID"] = client_id
        env["SLACK_CLIENT_SECRET"] = client_secret
        env["MENTORLINK_SLACK_API_URL"] = f"{sandbox_url}/api/"
        env["MENTORLINK_SLACK_OAUTH_URL"] = f"{sandbox_url}/oauth/v2/authorize"
        smtp_port = 0 if settings.smtp_url else args.sandbox_port + 25  # 3025 next to 3000
        env.setdefault("MENTORLINK_SMTP_URL", f"smtp://127.0.0.1:{smtp_port}")
        sandbox = subprocess.Popen(
            [sys.executable, "-m", "slack_sandbox", "--port", str(args.sandbox_port),
             "--app-url", app_url, "--signing-secret", secret, "--smtp-port", str(smtp_port),
             "--client-id", client_id, "--client-secret", client_secret],
            env=env,
        )  # fmt: skip
        lines.append(f"Slack sandbox  {sandbox_url}")
    lines.append(f"admin token    {token}")
    lines.append(f'try: curl -H "Authorization: Bearer {token}" {app_url}/api/v1/programs')
    print("\n".join(lines), flush=True)
    # uvicorn re-raises SIGTERM once it has shut down; turning it into SystemExit lets the
    # `finally` below stop the sandbox instead of leaving it orphaned.
    signal.signal(signal.SIGTERM, _exit_cleanly)
    try:
        os.environ.update(env)
        return _serve(argparse.Namespace(host="127.0.0.1", port=args.port, workers=1))
    finally:
        if sandbox is not None:
            sandbox.terminate()
            sandbox.wait(timeout=10)
