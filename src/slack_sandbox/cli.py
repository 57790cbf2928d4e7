"""`python -m slack_sandbox` / `mentorlink sandbox`: start the Slack sandbox."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from slack_sandbox.config import (
    DEFAULT_APP_URL,
    DEV_APP_TOKEN,
    DEV_CLIENT_ID,
    DEV_CLIENT_SECRET,
    DEV_SIGNING_SECRET,
    SandboxConfig,
)


def parser() -> argparse.ArgumentParser:
    """The command line (documented in the sandbox README)."""
    p = argparse.ArgumentParser(prog="slack-sandbox",
                                description="A local stand-in for Slack that talks to the app "
                                            "over HTTP.")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=3000)
    p.add_argument("--smtp-port", type=int, default=3025, metavar="PORT",
                   help="where the SMTP receiver listens (0: no receiver)")
    p.add_argument("--workspaces", type=Path, default=None, metavar="FILE",
                   help="YAML directory of grids, workspaces and users (default: built-in)")
    p.add_argument("--app-url", default=DEFAULT_APP_URL, metavar="URL",
                   help="where the app lives: events go to URL/slack/events, interactions "
                        "to URL/slack/interactivity")
    p.add_argument("--signing-secret", default=os.environ.get("SLACK_SIGNING_SECRET",
                                                              DEV_SIGNING_SECRET))
    p.add_argument("--client-id", default=os.environ.get("SLACK_CLIENT_ID", DEV_CLIENT_ID))
    p.add_argument("--client-secret", default=os.environ.get("SLACK_CLIENT_SECRET",
                                                             DEV_CLIENT_SECRET))
    p.add_argument("--socket-mode", action="store_true",
                   help="deliver events and interactions over Socket Mode only (the app "
                        "connects with apps.connections.open); nothing is posted to --app-url")
    p.add_argument("--app-token", default=os.environ.get("SLACK_APP_TOKEN", DEV_APP_TOKEN),
                   help="the app-level (xapp-) token apps.connections.open accepts")
    p.add_argument("--time-scale", type=float, default=1.0, metavar="X",
                   help="make every Slack window and delay X times shorter")
    p.add_argument("--no-rate-limits", action="store_true", help="never answer 429")
    p.add_argument("--token-rotation", action="store_true",
                   help="installs get expiring xoxe.xoxb- tokens with refresh tokens")
    p.add_argument("--generate-users", type=int, default=0, metavar="N",
                   help="add N generated members to the first workspace (benchmarks)")
    p.add_argument("--generate-users-in", default=None, metavar="TEAM_ID",
                   help="the workspace --generate-users fills (default: the first one)")
    p.add_argument("--public-url", default=None,
                   help="the sandbox's own URL when it is behind a proxy")
    p.add_argument("--state-file", type=Path, default=None, metavar="FILE",
                   help="keep installs, tokens, messages, views and mail in FILE, so a "
                        "restart is the same demo (default: in memory only)")
    p.add_argument("--log-level", default="warning")
    return p


def config_from(args: argparse.Namespace) -> SandboxConfig:
    """The sandbox configuration the parsed arguments describe."""
    generated: dict[str, int] = {}
    if args.generate_users > 0:
        generated["*" if args.generate_users_in is None else args.generate_users_in] = \
            args.generate_users
    if args.time_scale <= 0:
        raise SystemExit("--time-scale must be positive")
    if not args.app_token.startswith("xapp-"):
        raise SystemExit("--app-token must be an app-level token (xapp-...)")
    return SandboxConfig(host=args.host, port=args.port, workspaces_file=args.workspaces,
                         app_url=args.app_url, signing_secret=args.signing_secret,
                         client_id=args.client_id, client_secret=args.client_secret,
                         time_scale=args.time_scale, rate_limits=not args.no_rate_limits,
                         public_url=args.public_url, generated_users=generated,
                         smtp_port=args.smtp_port, state_file=args.state_file,
                         app_token=args.app_token, socket_mode=args.socket_mode,
                         token_rotation=args.token_rotation)


def main(argv: list[str] | None = None) -> int:
    """Parse `argv`, load the directory, serve until interrupted; returns the exit code."""
    import uvicorn

    from slack_sandbox.app import create_app
    from slack_sandbox.services import build_sandbox
    from slack_sandbox.workspaces import DirectoryError

    args = parser().parse_args(argv)
    config = config_from(args)
    try:
        sandbox = build_sandbox(config)
    except (DirectoryError, OSError) as exc:
        print(f"slack-sandbox: {exc}", file=sys.stderr)
        return 2
    state = sandbox.state
    print(f"Slack sandbox on {config.base_url} — {len(state.directory.workspaces)} workspaces, "
          f"{len(state.directory.users)} users; app at {config.app_url}; "
          f"time scale {config.time_scale}; rate limits {'on' if config.rate_limits else 'off'}"
          + ("; Socket Mode only" if config.socket_mode else "")
          + (f"; SMTP on {config.host}:{config.smtp_port}" if config.smtp_port else "")
          + (f"; state kept in {config.state_file}" if config.state_file else ""),
          flush=True)
    uvicorn.run(create_app(config, sandbox), host=config.host, port=config.port,
                log_level=args.log_level, access_log=False, ws="wsproto")
    return 0
