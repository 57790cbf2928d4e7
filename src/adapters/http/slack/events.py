"""`POST /slack/events`: Slack's Events API, kept thin.

The signature is checked on the raw bytes before anything is parsed (401 and nothing touched
when it is missing, wrong or older than 5 minutes). What the envelope asks for is
`adapters.slack.inbox.SlackInbox`'s, the same code a Socket Mode envelope runs:
`url_verification` is answered with its challenge; `app_uninstalled` and `tokens_revoked`
naming bot tokens mark the installation removed from Slack's side (de-duplicated by
`event_id` in the use case, so Slack's retries change nothing; the two events racing each
other both get a 200). `app_home_opened` gets its 200 at once and the person's Home is
published right after (`views.publish`, in the background: Slack waits 3 seconds at most).
`team_join` and `user_change` update the person's Slack identity at once (joined, new timezone
or e-mail, deactivated; once per `event_id`; nothing for an unknown workspace or a removed
installation). Every other event, and events for unknown teams, get a fast 200. A signed body
that is not a Slack envelope is a 400 with `X-Slack-No-Retry: 1`: retrying it would not help.
This handler verifies, hands over and answers.
"""

from __future__ import annotations

from typing import Any

from litestar import MediaType, Request, Response, post
from litestar.background_tasks import BackgroundTask, BackgroundTasks

from adapters.http.slack.door import Door
from adapters.slack.actions.dispatch import Later
from adapters.slack.inbound import MalformedEnvelope, envelope_of

_NO_RETRY = {"X-Slack-No-Retry": "1"}


async def after(step: Later) -> None:
    """Run one thing that follows Slack's answer."""
    await step()


def afterwards(later: list[Later] | tuple[Later, ...] | Any) -> BackgroundTasks | None:
    """What follows the answer, as Litestar's background tasks (None when nothing does)."""
    steps = [BackgroundTask(after, step) for step in later]
    return BackgroundTasks(steps) if steps else None


@post("/slack/events", status_code=200, include_in_schema=False)
async def slack_events(request: Request[Any, Any, Any], door: Door) -> Response[dict[str, Any]]:
    raw = await request.body()
    if not door.signed(request.headers, raw):
        return Response({"error": "invalid_signature"}, status_code=401,
                        media_type=MediaType.JSON)  # fmt: skip
    try:
        reply = await door.inbox.event(envelope_of(raw))
    except MalformedEnvelope:
        return Response({"error": "malformed_event"}, status_code=400,
                        media_type=MediaType.JSON, headers=_NO_RETRY)  # fmt: skip
    return Response(reply.body or {"ok": True}, status_code=200, media_type=MediaType.JSON,
                    background=afterwards(reply.later))  # fmt: skip
