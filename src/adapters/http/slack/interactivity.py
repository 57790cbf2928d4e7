"""`POST /slack/interactivity`: clicks in our DMs (and, later, modal submissions).

The signature is checked on the raw body first (401, nothing read, when it is missing, wrong
or older than 5 minutes). Until the in-Slack actions issue wires the buttons, every
`block_actions` gets a 200 at once and an ephemeral "coming soon" through its
`response_url` (after the answer is sent); other interaction kinds get an empty 200 (a
modal closes). The Home tab's preference elements get an empty 200 and the change is
applied right after (`adapters.slack.preference_actions`). A signed body that is not an
interaction payload is a 400. Never a 404/500.
"""

from __future__ import annotations

from typing import Any

from litestar import MediaType, Request, Response, post
from litestar.background_tasks import BackgroundTask

from adapters.http.dependencies import CurrentSlackApp, Homes, Runner
from adapters.slack.inbound import BlockActions, MalformedEnvelope, read_interaction
from adapters.slack.preference_actions import handle_preference_action, read_preference_action
from adapters.slack.responses import COMING_SOON, answer_coming_soon
from adapters.slack.signing import verify_slack_request


@post("/slack/interactivity", status_code=200, include_in_schema=False)
async def slack_interactivity(
    request: Request[Any, Any, Any], runner: Runner, slack: CurrentSlackApp, homes: Homes
) -> Response[Any]:
    raw = await request.body()
    if not verify_slack_request(slack.signing_secret, request.headers, raw, runner.clock.now()):
        return Response({"error": "invalid_signature"}, status_code=401, media_type=MediaType.JSON)
    try:
        asked = read_interaction(raw)
    except MalformedEnvelope:
        return Response({"error": "malformed_interaction"}, status_code=400,
                        media_type=MediaType.JSON)  # fmt: skip
    if not isinstance(asked, BlockActions):
        return Response(b"", status_code=200)
    # -- Home tab preferences (issue 11, point 6): until the actions registry routes them ----
    chosen = read_preference_action(raw)
    if chosen is not None and homes is not None:
        applied = BackgroundTask(handle_preference_action, chosen, runner, homes)
        return Response(b"", status_code=200, background=applied)
    # -- end of Home tab preferences ---------------------------------------------------------
    later = BackgroundTask(answer_coming_soon, asked.response_url) if asked.response_url else None
    body = {"response_type": "ephemeral", "replace_original": False, "text": COMING_SOON}
    return Response(body, status_code=200, media_type=MediaType.JSON, background=later)
