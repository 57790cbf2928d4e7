"""`POST /slack/events`: Slack's Events API, kept thin.

The signature is checked on the raw bytes before anything is parsed (401 and nothing touched
when it is missing, wrong or older than 5 minutes). `url_verification` is answered with its
challenge; `app_uninstalled` and `tokens_revoked` naming bot tokens mark the installation
removed from Slack's side (de-duplicated by `event_id` in the use case, so Slack's retries
change nothing; the two events racing each other both get a 200). Every other event, and
events for unknown teams, get a fast 200. A signed body that is not a Slack envelope is a 400
with `X-Slack-No-Retry: 1`: retrying it would not help.
"""

from __future__ import annotations

import json
from typing import Any

from litestar import MediaType, Request, Response, post

from adapters.http.admin.slack_page_controller import CurrentSlackApp
from adapters.http.dependencies import Runner
from adapters.slack.signing import verify_slack_request
from application.actors import SYSTEM
from application.usecases.slack_removal import WorkspaceRemovedInSlack, workspace_removed_in_slack

_NO_RETRY = {"X-Slack-No-Retry": "1"}


def _answer(
    status: int, body: dict[str, Any], headers: dict[str, str] | None = None
) -> Response[dict[str, Any]]:
    return Response(body, status_code=status, media_type=MediaType.JSON, headers=headers or {})


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def removal_of(envelope: dict[str, Any]) -> WorkspaceRemovedInSlack | None:
    """The removal an `event_callback` announces, or None when it announces none."""
    event = envelope.get("event")
    if envelope.get("type") != "event_callback" or not isinstance(event, dict):
        return None
    kind = event.get("type")
    if kind == "tokens_revoked":
        tokens = event.get("tokens")
        if not isinstance(tokens, dict) or not tokens.get("bot"):
            return None  # only user tokens were revoked: the bot still works
    elif kind != "app_uninstalled":
        return None
    authorizations = envelope.get("authorizations")
    first = authorizations[0] if isinstance(authorizations, list) and authorizations else None
    org_wide = isinstance(first, dict) and first.get("is_enterprise_install") is True
    event_id = _text(envelope.get("event_id"))
    if event_id is None:
        raise ValueError("an event without an event_id")
    return WorkspaceRemovedInSlack(
        event_id=event_id,
        enterprise_id=_text(envelope.get("enterprise_id")),
        team_id=_text(envelope.get("team_id")),
        is_enterprise_install=org_wide,
    )


@post("/slack/events", status_code=200, include_in_schema=False)
async def slack_events(
    request: Request[Any, Any, Any], runner: Runner, slack: CurrentSlackApp
) -> Response[dict[str, Any]]:
    raw = await request.body()
    if not verify_slack_request(slack.signing_secret, request.headers, raw, runner.clock.now()):
        return _answer(401, {"error": "invalid_signature"})
    try:
        envelope = json.loads(raw)
        if not isinstance(envelope, dict):
            raise ValueError("not a JSON object")
        if envelope.get("type") == "url_verification":
            challenge = envelope.get("challenge")
            if not isinstance(challenge, str):
                raise ValueError("a url_verification without a challenge")
            return _answer(200, {"challenge": challenge})
        removal = removal_of(envelope)
    except ValueError:  # json.JSONDecodeError and UnicodeDecodeError are ValueErrors
        return _answer(400, {"error": "malformed_event"}, _NO_RETRY)
    if removal is not None:
        await runner(workspace_removed_in_slack, removal, SYSTEM)
    return _answer(200, {"ok": True})
