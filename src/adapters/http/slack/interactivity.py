"""`POST /slack/interactivity`: clicks in our DMs, Home tab and modals, and modal submissions.

The signature is checked on the raw body first (401, nothing read, when it is missing, wrong
or older than 5 minutes). The payload is then `adapters.slack.inbox.SlackInbox`'s, the same
code a Socket Mode `interactive` envelope runs (the Home tab's preferences, and everything
the `Interactions` dispatcher answers: who acted, which handler, which use case); this
handler verifies, hands over and answers: an empty 200 or a `response_action`, then what
follows the acknowledgement (notes and the clicked message's outcome through the
`response_url`). A signed body that is not an interaction payload is a 400. Never a 404/500.
"""

from __future__ import annotations

from typing import Any

from litestar import MediaType, Request, Response, post

from adapters.http.slack.door import Door
from adapters.http.slack.events import afterwards
from adapters.slack.actions.payloads import payload_of
from adapters.slack.inbound import MalformedEnvelope


@post("/slack/interactivity", status_code=200, include_in_schema=False)
async def slack_interactivity(request: Request[Any, Any, Any], door: Door) -> Response[Any]:
    raw = await request.body()
    if not door.signed(request.headers, raw):
        return Response({"error": "invalid_signature"}, status_code=401, media_type=MediaType.JSON)
    try:
        reply = await door.inbox.interaction(payload_of(raw))
    except MalformedEnvelope:
        return Response({"error": "malformed_interaction"}, status_code=400,
                        media_type=MediaType.JSON)  # fmt: skip
    later = afterwards(reply.later)
    if reply.body is None:
        return Response(b"", status_code=200, background=later)
    return Response(reply.body, status_code=200, media_type=MediaType.JSON, background=later)
