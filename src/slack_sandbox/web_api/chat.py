"""chat.postMessage, chat.update and chat.postEphemeral."""

from __future__ import annotations

from typing import Any

from slack_sandbox import dms
from slack_sandbox.errors import SlackError
from slack_sandbox.records import JSON
from slack_sandbox.web_api import params as p
from slack_sandbox.web_api.method import Call, Method


def _metadata(params: dict[str, Any], *, removable: bool = False) -> JSON | None:
    """The message's metadata: {event_type, event_payload}. With `removable` (chat.update)
    an empty object means "remove the metadata" and comes back as `{}`."""
    metadata = p.structured(params, "metadata", "invalid_metadata_format")
    if metadata is None:
        return None
    if removable and metadata == {}:
        return {}
    if not isinstance(metadata, dict) or "event_type" not in metadata:
        raise SlackError("invalid_metadata_format")
    return metadata


def _blocks(params: dict[str, Any]) -> Any:
    return p.structured(params, "blocks", "invalid_blocks_format")


def post_message(call: Call) -> JSON:
    """Post to a user id (the bot's DM with them, opened on demand) or a D... channel."""
    dm, team_id = dms.resolve_dm(call.state, call.install, p.text(call.params, "channel"))
    text, blocks = dms.checked_content(p.text(call.params, "text"), _blocks(call.params))
    message = dms.post(call.state, call.install, dm, team_id, text, blocks,
                       metadata=_metadata(call.params),
                       thread_ts=p.text(call.params, "thread_ts"))
    return {"ok": True, "channel": dm.id, "ts": message.ts,
            "message": message.as_slack(call.state.config.app_id)}


def update(call: Call) -> JSON:
    """Edit one of the app's messages; omitted blocks (and metadata) stay, `[]` removes the
    blocks and `{}` the metadata, as Slack documents."""
    dm, _ = dms.resolve_dm(call.state, call.install, p.text(call.params, "channel"),
                           allow_user_id=False)
    message = dms.find_message(call.state, call.install, dm, p.text(call.params, "ts"))
    raw_blocks = _blocks(call.params)
    text = p.text(call.params, "text")
    if text is None and raw_blocks is None:
        raise SlackError("no_text")
    checked_text, blocks = dms.checked_content(
        text if text is not None else message.text,
        raw_blocks if raw_blocks is not None else message.blocks)
    dms.edit(call.state, message, text=checked_text, blocks=blocks,
             metadata=_metadata(call.params, removable=True))
    return {"ok": True, "channel": dm.id, "ts": message.ts, "text": message.text,
            "message": message.as_slack(call.state.config.app_id)}


def post_ephemeral(call: Call) -> JSON:
    """A message only `user` sees, in the bot's DM with them."""
    user_id = p.required_text(call.params, "user", error="user_not_in_channel")
    dm, team_id = dms.resolve_dm(call.state, call.install, p.text(call.params, "channel"))
    if dm.user_id != user_id:
        raise SlackError("user_not_in_channel")
    text, blocks = dms.checked_content(p.text(call.params, "text"), _blocks(call.params))
    message = dms.post(call.state, call.install, dm, team_id, text, blocks, visible_to=user_id)
    return {"ok": True, "message_ts": message.ts}


METHODS = [
    Method("chat.postMessage", post_message, scopes=("chat:write",)),
    Method("chat.update", update, scopes=("chat:write",)),
    Method("chat.postEphemeral", post_ephemeral, scopes=("chat:write",)),
]
