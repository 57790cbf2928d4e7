"""The bot's direct messages: resolving a channel, posting, editing, ephemeral notes.

Shared by chat.* methods and response_url posts. Content is checked with the Block Kit
validator before anything is stored, so an invalid message is never shown.
"""

from __future__ import annotations

from typing import Any

from slack_sandbox.blockkit import BlockKitError, check_message, with_generated_ids
from slack_sandbox.errors import SlackError
from slack_sandbox.records import JSON, DmChannel, Install, Message
from slack_sandbox.state import SandboxState
from slack_sandbox.web_api.params import blockkit_error


def resolve_dm(state: SandboxState, install: Install, channel: str | None,
               *, allow_user_id: bool = True) -> tuple[DmChannel, str]:
    """The DM channel (and the workspace it is seen from) for a user id or D... id."""
    teams = state.teams_of(install)
    if not channel:
        raise SlackError("channel_not_found")
    if channel[0] in "UW" and allow_user_id:
        user = state.directory.user_in(channel, teams)
        if user is None:
            raise SlackError("channel_not_found")
        if user.is_bot:
            raise SlackError("cannot_dm_bot")
        team_id = next(t for t in user.workspaces if t in teams)
        dm = state.dm_channel(team_id, user.id)
        assert dm is not None
        return dm, team_id
    dm = state.channels.get(channel)
    if dm is None or dm.scope_key not in {state.dm_scope(t) for t in teams}:
        raise SlackError("channel_not_found")
    user = state.directory.users[dm.user_id]
    return dm, next(t for t in user.workspaces if t in teams)


def checked_content(text: str | None, blocks: Any) -> tuple[str, list[JSON]]:
    """Validate like Slack; returns the text and blocks with Slack's generated block ids."""
    if blocks is not None and not isinstance(blocks, list):
        raise SlackError("invalid_blocks_format")
    try:
        check_message(text, blocks)
    except BlockKitError as exc:
        raise blockkit_error(exc) from exc
    return text or "", name_blocks(blocks or [])


def name_blocks(blocks: list[JSON]) -> list[JSON]:
    """Give every block and interactive element an id, as Slack does when one is missing."""
    return with_generated_ids(blocks)


def post(state: SandboxState, install: Install, dm: DmChannel, team_id: str, text: str,
         blocks: list[JSON], *, metadata: JSON | None = None, thread_ts: str | None = None,
         visible_to: str | None = None) -> Message:
    """Store a new message (or an ephemeral one when `visible_to` is set)."""
    message = Message(channel=dm.id, ts=state.next_ts(dm), text=text, blocks=blocks,
                      install_id=install.id, bot_user_id=install.bot_user_id,
                      bot_id=install.bot_id, team_id=team_id, metadata=metadata,
                      thread_ts=thread_ts, visible_to=visible_to)
    if visible_to is None:
        dm.messages[message.ts] = message
    else:
        dm.ephemerals.append(message)
    state.changed()
    return message


def edit(state: SandboxState, message: Message, *, text: str | None,
         blocks: list[JSON] | None, metadata: JSON | None) -> Message:
    """Replace a message's content, keeping the previous version in `edits`."""
    message.edits.append({"text": message.text, "blocks": message.blocks,
                          "metadata": message.metadata, "replaced_at": state.now()})
    if text is not None:
        message.text = text
    if blocks is not None:
        message.blocks = blocks
        message.picked = {}  # the new blocks start from their own initial values
    if metadata is not None:
        message.metadata = metadata
    message.edited_ts = f"{state.now():.6f}"
    state.changed()
    return message


def find_message(state: SandboxState, install: Install, dm: DmChannel, ts: str | None) -> Message:
    """A message this app may change (`message_not_found` / `cant_update_message`)."""
    message = dm.messages.get(ts or "")
    if message is None or message.deleted:
        raise SlackError("message_not_found")
    if message.bot_id != install.bot_id and message.install_id != install.id:
        raise SlackError("cant_update_message")
    return message
