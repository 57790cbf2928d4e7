# Over 300 lines: the parser of every command and the three that start processes (serve, run-local).
"""The `mentorlink` command: migrate, serve, seed, tokens, the sandbox, the Slack app manifest,
and `run-local`. The composition root (`bootstrap.main`) hands it `connect`, which opens a use
case runner on the configured database for the commands that run use cases."""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeAlias

from adapters import cli_commands as commands
from adapters.cli_commands import Connect, Work
from adapters.cli_commands import settings_from_env as _settings
from adapters.cli_commands import with_runner as _with_runner
from adapters.local_env import load_env_file
from adapters.settings import AppTokenInvalid, SecretKeyMissing
from application.delivery.model import DeliveryStatus
from domain.errors import DomainError
from domain.people import Role

Parser = argparse.ArgumentParser
# argparse's own name for what add_subparsers returns
Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
Runs = Callable[[argparse.Namespace], int]


class _Help(argparse.ArgumentDefaultsHelpFormatter):
    """Each option's help ends with its default."""


# Development credentials shared by the app and the sandbox that `make run` starts.
DEV_SIGNING_SECRET = "mentorlink-sandbox-signing-secret"
DEV_CLIENT_ID = "1000000000.2000000000"
DEV_CLIENT_SECRET = "mentorlink-sandbox-client-secret"
DEV_APP_TOKEN = "xapp-1-A0MENTORLNK-1-mentorlink-sandbox-app-token"


def main(
    argv: Sequence[str] | None = None, *, connect: Connect | None = None, work: Work | None = None
) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["sandbox"]:
        from slack_sandbox.cli import main as sandbox_main  # the sandbox stands alone

        return sandbox_main(args[1:])
    load_env_file()  # `.env` (written by run-local); the environment wins
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
    except (SecretKeyMissing, AppTokenInvalid) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mentorlink", description=__doc__, formatter_class=_Help)
    sub = parser.add_subparsers(metavar="COMMAND")

    def command(name: str, about: str, run: Callable[[argparse.Namespace], int]) -> Parser:
        found = sub.add_parser(name, help=about, description=about, formatter_class=_Help)
        found.set_defaults(command=run)
        return found

    def group(name: str, about: str) -> Subparsers:
        parent = sub.add_parser(name, help=about, description=about, formatter_class=_Help)
        return parent.add_subparsers(metavar="COMMAND")

    def member(of: Subparsers, name: str, about: str, run: Runs) -> Parser:
        found = of.add_parser(name, help=about, description=about, formatter_class=_Help)
        found.set_defaults(command=run)
        return found

    command("migrate", "apply the database migrations (idempotent)", _migrate)
    serve = command("serve", "run the web app (JSON API, admin pages, Slack endpoints)", _serve)
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on")
    serve.add_argument(
        "--workers", type=int, default=1, help="server processes (more than 1 needs PostgreSQL)"
    )
    worker = command("worker", "deliver notifications (Slack DMs, e-mail) until stopped",
                     commands.deliver)  # fmt: skip
    worker.add_argument("--concurrency", type=int, default=1, help="delivery loops in this process")
    worker.add_argument(
        "--metrics-port", type=int, default=None, metavar="PORT",
        help="serve this worker's /metrics (its Slack calls and 429s, and the queue) on "
        "127.0.0.1:PORT for Prometheus (default: none)",
    )  # fmt: skip
    command("seed", "seed the demo organization, only into an empty database", commands.seed)
    command("expire", "expire overdue mentor requests and meeting proposals", commands.expire)
    org = group("org", "organizations")
    member(
        org, "create", "create an organization and print its id", commands.create_org
    ).add_argument("name", help="the organization's name")
    member(org, "list", "list organizations: id, Slack on/off, name", commands.list_orgs)
    token = group("token", "API tokens")
    create = member(token, "create", "create a bearer token; printed once", commands.create_token)
    create.add_argument("--org", required=True, help="organization id (see `org list`)")
    create.add_argument("--email", required=True, help="the user's email (created if new)")
    create.add_argument("--name", required=True, help="the user's display name")
    create.add_argument(
        "--role", required=True, choices=[r.value for r in Role], help="what the token may do"
    )
    revoke = member(token, "revoke", "revoke a token by its id", commands.revoke_token)
    revoke.add_argument("token_id", help="the token's id (GET /api/v1/me/tokens lists them)")
    keys = group("keys", "secret keys")
    member(keys, "rotate", "re-seal stored Slack tokens with the first MENTORLINK_SECRET_KEY",
           commands.rotate_keys)  # fmt: skip
    slack = group("slack", "connected Slack workspaces")
    member(slack, "list", "list installations: id, status, last directory sync, organization,"
           " workspace", commands.slack_list)  # fmt: skip
    sync = member(slack, "sync", "map the organization's users to Slack users by email",
                  commands.slack_sync)  # fmt: skip
    sync.add_argument("--installation", required=True, help="installation id (see `slack list`)")
    sync.add_argument(
        "--newcomers", action="store_true", help="only users added since the last full sync"
    )
    listed = command("deliveries", "the latest deliveries of every organization: created,"
                     " organization, status, channel, kind, attempts, id, reason",
                     commands.deliveries)  # fmt: skip
    listed.add_argument("--status", choices=[s.value for s in DeliveryStatus],
                        help="only deliveries with this status (e.g. dead)")  # fmt: skip
    listed.add_argument("--limit", type=int, default=100, help="at most this many per organization")
    demo = group("demo", "the demo organization `make run` seeds")
    member(demo, "env", "print shell exports (API, T, ORG, PROGRAM, MENTOR, MENTOR_TOKEN) for the"
           " README's examples: eval \"$(mentorlink demo env)\"", commands.demo_env)  # fmt: skip
    local = command("run-local", "what `make run` does: write .env on first start, migrate,"
                    " seed, start the Slack sandbox and the app", _run_local)  # fmt: skip
    local.add_argument("--port", type=int, default=8000, help="the app's port")
    local.add_argument("--sandbox-port", type=int, default=3000, help="the Slack sandbox's port")
    local.add_argument(
        "--socket-mode", action="store_true",
        help="the sandbox delivers events and interactions over Socket Mode only, and the app"
        " connects with SLACK_APP_TOKEN (default: a development xapp- token)",
    )  # fmt: skip
    sub.add_parser("sandbox", help="start the local Slack stand-in (`mentorlink sandbox -h`)")
    manifest = command("manifest", "print the Slack app manifest (YAML) for"
                       " MENTORLINK_PUBLIC_URL", commands.manifest)  # fmt: skip
    manifest.add_argument(
        "--socket-mode", action="store_true",
        help="events and interactions over Socket Mode (SLACK_APP_TOKEN): "
        "socket_mode_enabled, no request URLs",
    )  # fmt: skip
    return parser


def _migrate(_: argparse.Namespace) -> int:
    from adapters.persistence.migrate import upgrade

    upgrade(_settings().database_url)
    print("database is up to date")
    return 0


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from adapters.persistence.sqlite_checkpoints import sqlite_file

    settings = _settings()
    settings.checked_secret_keys()  # refuse before uvicorn starts a worker that would fail
    if settings.socket_mode:
        settings.checked_app_token()
        if args.workers > 1:
            print(
                "error: Socket Mode (SLACK_APP_TOKEN) runs in one server process: each process"
                " would open its own connection and only that process remembers the envelopes"
                " it handled; use --workers 1, or unset SLACK_APP_TOKEN to receive Slack over"
                " HTTP",
                file=sys.stderr,
            )
            return 2
    if args.workers > 1 and sqlite_file(settings.database_url):
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
        access_log=False,  # not logged at "warning" anyway; off, each request skips its fields
    )
    return 0


def _exit_cleanly(signum: int, frame: object) -> None:
    raise SystemExit(0)


def _keep_local_env(args: argparse.Namespace) -> None:
    """Write what the other shells' commands need into the `.env` file (on first start; see
    adapters/local_env.py), and use it here where the environment says nothing."""
    from adapters.local import legacy_secret_key
    from adapters.local_env import keep_local_settings, new_secret_key

    settings = _settings()
    values = {"MENTORLINK_DATABASE_URL": settings.database_url}
    if not os.environ.get("MENTORLINK_SECRET_KEY", "").strip():
        key = legacy_secret_key(settings.database_url) or new_secret_key()
        values["MENTORLINK_SECRET_KEY"] = key
    if not settings.talks_to_real_slack:
        sandbox_url = f"http://127.0.0.1:{args.sandbox_port}"
        values |= {
            "MENTORLINK_PUBLIC_URL": f"http://127.0.0.1:{args.port}",
            "MENTORLINK_SLACK_API_URL": f"{sandbox_url}/api/",
            "MENTORLINK_SLACK_OAUTH_URL": f"{sandbox_url}/oauth/v2/authorize",
            "SLACK_CLIENT_ID": settings.slack_client_id or DEV_CLIENT_ID,
            "SLACK_CLIENT_SECRET": settings.slack_client_secret or DEV_CLIENT_SECRET,
            "SLACK_SIGNING_SECRET": settings.slack_signing_secret or DEV_SIGNING_SECRET,
        }
    keep_local_settings(values)
    for name, value in values.items():
        if not os.environ.get(name, "").strip():
            os.environ[name] = value


def sandbox_smtp(smtp_url: str, sandbox_port: int) -> tuple[int, str]:
    """Where `run-local`'s sandbox receives the app's e-mail: next to its web port (3025
    beside 3000, so two local stacks never fight over one port) and the app's SMTP URL for it;
    no receiver (port 0) when MENTORLINK_SMTP_URL already names a server."""
    if smtp_url:
        return 0, smtp_url
    port = _free(sandbox_port + 25)
    return port, f"smtp://127.0.0.1:{port}"


def sandbox_state_file(database_url: str) -> Path:
    """Where `run-local`'s sandbox keeps its state: beside the SQLite database
    (`mentorlink.db` -> `mentorlink.sandbox.json`), else in the working directory."""
    from adapters.persistence.sqlite_checkpoints import sqlite_file

    database = sqlite_file(database_url)
    if database is None:
        return Path("mentorlink.sandbox.json").resolve()
    return Path(database).resolve().with_suffix(".sandbox.json")


def _free(port: int) -> int:
    """`port` when nothing listens there, else any free one (a busy port would stop the
    sandbox from starting at all)."""
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _run_local(args: argparse.Namespace) -> int:
    from adapters.local import admin_token, seed_if_empty
    from adapters.persistence.migrate import upgrade

    _keep_local_env(args)
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
        smtp_port, smtp_url = sandbox_smtp(settings.smtp_url, args.sandbox_port)
        env.setdefault("MENTORLINK_SMTP_URL", smtp_url)
        socket_mode: list[str] = []
        if args.socket_mode:
            env["SLACK_APP_TOKEN"] = settings.slack_app_token or DEV_APP_TOKEN
            socket_mode = ["--socket-mode", "--app-token", env["SLACK_APP_TOKEN"]]
        sandbox = subprocess.Popen(
            [sys.executable, "-m", "slack_sandbox", "--port", str(args.sandbox_port),
             "--app-url", app_url, "--signing-secret", secret, "--smtp-port", str(smtp_port),
             "--client-id", client_id, "--client-secret", client_secret,
             "--state-file", str(sandbox_state_file(settings.database_url)), *socket_mode],
            env=env,
        )  # fmt: skip
        lines.append(f"Slack sandbox  {sandbox_url}"
                     + ("  (Socket Mode only)" if args.socket_mode else ""))
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
