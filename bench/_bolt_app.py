"""The yardstick of `bench/interaction_ack.py`: slack-bolt's `AsyncApp` with an ack-only
handler for the same action, behind the same ASGI server (uvicorn, one process).

    python bench/_bolt_app.py --port 8123 --signing-secret SECRET
"""

from __future__ import annotations

import argparse
from typing import Any

import uvicorn
from slack_bolt.adapter.asgi.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult

ACTION = "mentor_request.accept"


async def authorize(enterprise_id: str | None, team_id: str | None, **_: Any) -> AuthorizeResult:
    """Bolt's multi-workspace authorization, answered from memory (as an installation store
    would, without a Slack call): the handler only acknowledges."""
    return AuthorizeResult(
        enterprise_id=enterprise_id, team_id=team_id, bot_token="xoxb-bench-yardstick",
        bot_user_id="U0BENCHBOT", bot_id="B0BENCH01",
    )  # fmt: skip


def build(signing_secret: str) -> Any:
    app = AsyncApp(signing_secret=signing_secret, authorize=authorize)

    @app.action(ACTION)
    async def acknowledge(ack: Any) -> None:
        await ack()

    return AsyncSlackRequestHandler(app, path="/slack/interactivity")  # as mentorlink's


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--signing-secret", required=True)
    args = parser.parse_args()
    uvicorn.run(build(args.signing_secret), host="127.0.0.1", port=args.port,
                log_level="warning", access_log=False)  # fmt: skip


if __name__ == "__main__":
    main()
