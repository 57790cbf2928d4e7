"""conversations.open: the bot's DM channel with one user."""

from __future__ import annotations

from slack_sandbox import dms
from slack_sandbox.errors import SlackError
from slack_sandbox.records import JSON
from slack_sandbox.web_api import params as p
from slack_sandbox.web_api.method import Call, Method


def conversations_open(call: Call) -> JSON:
    """Open (or find) a DM. Group DMs are not modelled: more than one user is refused."""
    channel = p.text(call.params, "channel")
    users = [u.strip() for u in (p.text(call.params, "users") or "").split(",") if u.strip()]
    if channel is None and not users:
        raise SlackError("users_list_not_supplied")
    if len(users) > 1:
        raise SlackError("not_supported")
    dm, _ = dms.resolve_dm(call.state, call.install, channel or users[0])
    body: JSON = {"id": dm.id}
    if p.flag(call.params, "return_im"):
        body.update(is_im=True, user=dm.user_id, created=int(call.state.now()),
                    is_user_deleted=call.state.directory.users[dm.user_id].deleted)
    return {"ok": True, "channel": body}


METHODS = [Method("conversations.open", conversations_open, scopes=("im:write",))]
