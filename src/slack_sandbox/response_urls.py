"""`response_url` posts: replace or delete the original message, or post a new one.

A response_url works 5 times within 30 minutes (time-scaled). Without `replace_original` a
new message is posted, ephemeral unless `response_type` is `in_channel` (Slack's default).
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Response, post

from slack_sandbox import dms
from slack_sandbox.errors import SlackError
from slack_sandbox.records import JSON, ResponseUrl
from slack_sandbox.services import Sandbox

MAX_USES = 5
LIFETIME_SECONDS = 1800.0


def _flag(body: JSON, key: str) -> bool:
    value = body.get(key)
    return value in (True, "true", "1", 1)


def respond(sandbox: Sandbox, hook: ResponseUrl, body: JSON) -> None:
    """Apply one response_url post (raises SlackError for Slack's refusals)."""
    state = sandbox.state
    if hook.uses >= MAX_USES:
        raise SlackError("used_url", status=404)
    if state.now() - hook.created_at > state.tunables.scaled(LIFETIME_SECONDS):
        raise SlackError("expired_url", status=404)
    install = state.installs.get(hook.install_id)
    dm = state.channels.get(hook.channel)
    if install is None or not install.active or dm is None:
        raise SlackError("channel_not_found", status=404)
    hook.uses += 1
    original = dm.messages.get(hook.message_ts)
    if _flag(body, "delete_original"):
        if original is not None:
            original.deleted = True
            dm.messages.pop(original.ts, None)
            state.changed()
        return
    text, blocks = dms.checked_content(body.get("text"), body.get("blocks"))
    if _flag(body, "replace_original") and original is not None:
        dms.edit(state, original, text=text, blocks=blocks, metadata=None)
        return
    visible_to = None if body.get("response_type") == "in_channel" else hook.user_id
    dms.post(state, install, dm, hook.team_id, text, blocks, visible_to=visible_to,
             thread_ts=body.get("thread_ts"))


@post("/hooks/actions/{team_id:str}/{hook_id:str}", status_code=200)
async def response_url_post(request: Request[Any, Any, Any]) -> Response[JSON]:
    """The endpoint behind every response_url the sandbox hands out."""
    sandbox: Sandbox = request.app.state.sandbox
    team_id, hook_id = request.path_params["team_id"], request.path_params["hook_id"]
    hook = sandbox.state.response_urls.get(hook_id)
    try:
        if hook is None or hook.team_id != team_id:
            raise SlackError("invalid_url", status=404)
        raw = await request.body()
        try:
            body = msgspec.json.decode(raw) if raw else {}
        except msgspec.DecodeError as exc:
            raise SlackError("invalid_payload", status=400) from exc
        if not isinstance(body, dict):
            raise SlackError("invalid_payload", status=400)
        respond(sandbox, hook, body)
    except SlackError as exc:
        status = exc.status if exc.status != 200 else 400
        return Response(exc.body(), status_code=status)
    return Response({"ok": True})
