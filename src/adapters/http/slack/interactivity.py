"""`POST /slack/interactivity`: clicks in our DMs, Home tab and modals, and modal submissions.

The signature is checked on the raw body first (401, nothing read, when it is missing, wrong
or older than 5 minutes). Every interaction, the Home tab's preference elements included, is
read by `adapters.slack.actions.payloads` and answered by the `Interactions` dispatcher (who
acted, which handler, which use case); this handler verifies, calls, answers: an empty 200
or a `response_action`, then what follows the acknowledgement (notes and the clicked
message's outcome through the `response_url`, the person's Home published again). A signed
body that is not an interaction payload is a 400. Never a 404/500.
"""

from __future__ import annotations

from typing import Any

from litestar import MediaType, Request, Response, post
from litestar.background_tasks import BackgroundTask, BackgroundTasks

from adapters.http.dependencies import CurrentSlackApp, Runner, SlackInteractions
from adapters.slack.actions.dispatch import Later
from adapters.slack.actions.payloads import read_interaction
from adapters.slack.inbound import MalformedEnvelope
from adapters.slack.signing import verify_slack_request


async def _after(step: Later) -> None:
    await step()


@post("/slack/interactivity", status_code=200, include_in_schema=False)
async def slack_interactivity(
    request: Request[Any, Any, Any],
    runner: Runner,
    slack: CurrentSlackApp,
    interactions: SlackInteractions,
) -> Response[Any]:
    raw = await request.body()
    if not verify_slack_request(slack.signing_secret, request.headers, raw, runner.clock.now()):
        return Response({"error": "invalid_signature"}, status_code=401, media_type=MediaType.JSON)
    try:
        asked = read_interaction(raw)
    except MalformedEnvelope:
        return Response({"error": "malformed_interaction"}, status_code=400,
                        media_type=MediaType.JSON)  # fmt: skip
    if asked is None:
        return Response(b"", status_code=200)
    answer = await interactions.handle(asked)
    steps = [BackgroundTask(_after, step) for step in answer.later]
    later = BackgroundTasks(steps) if steps else None
    if answer.body is None:
        return Response(b"", status_code=200, background=later)
    return Response(answer.body, status_code=200, media_type=MediaType.JSON, background=later)
