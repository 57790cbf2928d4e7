"""`POST /slack/events`: Slack's Events API, kept thin.

The signature is checked on the raw bytes before anything is parsed (401 and nothing touched
when it is missing, wrong or older than 5 minutes). `url_verification` is answered with its
challenge; `app_uninstalled` and `tokens_revoked` naming bot tokens mark the installation
removed from Slack's side (de-duplicated by `event_id` in the use case, so Slack's retries
change nothing; the two events racing each other both get a 200). `app_home_opened` gets its
200 at once and the person's Home is published right after (`views.publish`, in the
background: Slack waits 3 seconds at most). `team_join` and `user_change` update the
person's Slack identity at once (joined, new timezone or e-mail, deactivated; once per
`event_id`; nothing for an unknown workspace or a removed installation). Every other event, and
events for unknown teams, get a fast 200. A signed body that is not a Slack envelope is a 400
with `X-Slack-No-Retry: 1`: retrying it would not help. Reading the envelope is
`adapters.slack.inbound`'s; this handler verifies, runs the use case and answers.
"""

from __future__ import annotations

from typing import Any

from litestar import MediaType, Request, Response, post
from litestar.background_tasks import BackgroundTask

from adapters.http.dependencies import CurrentSlackApp, Homes, Runner
from adapters.slack.inbound import MalformedEnvelope, UrlVerification, read_event_request
from adapters.slack.signing import verify_slack_request
from application.actors import SYSTEM
from application.slack.directory_changes import SlackAccountChanged, slack_account_changed
from application.slack.home_publishing import HomeOpened
from application.slack.removal import workspace_removed_in_slack

_NO_RETRY = {"X-Slack-No-Retry": "1"}


def _answer(
    status: int,
    body: dict[str, Any],
    headers: dict[str, str] | None = None,
    background: BackgroundTask | None = None,
) -> Response[dict[str, Any]]:
    return Response(body, status_code=status, media_type=MediaType.JSON, headers=headers or {},
                    background=background)  # fmt: skip


@post("/slack/events", status_code=200, include_in_schema=False)
async def slack_events(
    request: Request[Any, Any, Any], runner: Runner, slack: CurrentSlackApp, homes: Homes
) -> Response[dict[str, Any]]:
    raw = await request.body()
    if not verify_slack_request(slack.signing_secret, request.headers, raw, runner.clock.now()):
        return _answer(401, {"error": "invalid_signature"})
    try:
        asked = read_event_request(raw)
    except MalformedEnvelope:
        return _answer(400, {"error": "malformed_event"}, _NO_RETRY)
    if isinstance(asked, UrlVerification):
        return _answer(200, {"challenge": asked.challenge})
    if isinstance(asked, HomeOpened):
        later = BackgroundTask(homes.opened, asked) if homes is not None else None
        return _answer(200, {"ok": True}, background=later)
    if isinstance(asked, SlackAccountChanged):
        await runner(slack_account_changed, asked, SYSTEM)
    elif asked is not None:
        await runner(workspace_removed_in_slack, asked, SYSTEM)
    return _answer(200, {"ok": True})
