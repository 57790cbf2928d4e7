"""The bot's direct messages in MemorySlackGateway: what `chat.postMessage` and `chat.update`
leave behind, with the checks Slack makes before it keeps a message.

One DM channel per (workspace or Grid, person), opened on the first post like Slack does; a
message's `ts` is unique and increasing within its channel. Block Kit is checked only as far
as a fake honestly can (a list of typed blocks, at most 50); the sandbox's validator is the
strict one, and the contract suite keeps both answering `invalid_blocks` for the same input.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from adapters.slack.memory_records import Person
from application.slack.gateway import PostedMessage, SlackError

MAX_BLOCKS = 50
_BLOCK_TYPES = frozenset({"section", "divider", "image", "actions", "context", "input", "header",
                          "rich_text", "video", "file", "markdown"})


@attrs.define
class Dm:
    """One message the app posted, as it reads now (`edits` keeps earlier versions)."""

    channel: str
    ts: str
    user_id: str
    owner: str  # the install (workspace or Grid) whose bot posted it
    text: str
    blocks: list[dict[str, Any]]
    metadata: dict[str, Any] | None
    team_id: str | None
    edits: list[tuple[str, list[dict[str, Any]]]] = attrs.field(factory=list)


def _checked(text: str, blocks: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    if not text and not blocks:
        raise SlackError("no_text")
    if len(blocks) > MAX_BLOCKS or any(b.get("type") not in _BLOCK_TYPES for b in blocks):
        raise SlackError("invalid_blocks")
    return [dict(b) for b in blocks]


@attrs.define
class DmLedger:
    """Every DM channel and message, by channel id and `ts`."""

    channels: dict[tuple[str, str], str] = attrs.field(factory=dict)  # (scope, user) -> D id
    messages: dict[tuple[str, str], Dm] = attrs.field(factory=dict)  # (channel, ts) -> Dm
    _serial: itertools.count[int] = attrs.field(factory=lambda: itertools.count(1))

    def channel_for(self, scope: str, user_id: str) -> str:
        """The bot's DM with `user_id` (shared across a Grid), opened on first use."""
        key = (scope, user_id)
        if key not in self.channels:
            self.channels[key] = f"D{next(self._serial):08d}"
        return self.channels[key]

    def recipient(self, channel: str, people: Mapping[str, Person], scopes: Mapping[str, str]
                  ) -> tuple[str, str]:
        """(D… id, user id) of a user id or a DM's D… id; `scopes` maps each workspace the
        token reaches to where its DMs live (its Grid, else itself)."""
        if channel[:1] in ("U", "W"):
            person = people.get(channel)
            team = next((t for t in person.teams if t in scopes), None) if person else None
            if person is None or team is None:
                raise SlackError("channel_not_found")
            if person.is_bot:
                raise SlackError("cannot_dm_bot")
            return self.channel_for(scopes[team], person.id), person.id
        user_id = next((user for (scope, user), id in self.channels.items()
                        if id == channel and scope in scopes.values()), None)
        if user_id is None:
            raise SlackError("channel_not_found")
        return channel, user_id

    def scope_of(self, channel: str) -> str | None:
        """The workspace or Grid a DM channel belongs to (None: no such channel)."""
        return next((scope for (scope, _), id in self.channels.items() if id == channel), None)

    def post(self, *, owner: str, channel: str, user_id: str, text: str,
             blocks: Sequence[Mapping[str, Any]], metadata: Mapping[str, Any] | None,
             team_id: str | None) -> PostedMessage:
        """Keep a new message in `channel`."""
        checked = _checked(text, blocks)
        if metadata is not None and "event_type" not in metadata:
            raise SlackError("invalid_metadata_format")
        ts = f"{1_700_000_000 + next(self._serial)}.000100"
        self.messages[(channel, ts)] = Dm(
            channel=channel, ts=ts, user_id=user_id, owner=owner, text=text,
            blocks=checked, metadata=dict(metadata) if metadata is not None else None,
            team_id=team_id)
        return PostedMessage(channel=channel, ts=ts)

    def update(self, *, owner: str, reachable: set[str], channel: str, ts: str, text: str,
               blocks: Sequence[Mapping[str, Any]]) -> None:
        """Edit a message `owner`'s bot posted, in a channel of the `reachable` scopes."""
        if self.scope_of(channel) not in reachable:
            raise SlackError("channel_not_found")
        message = self.messages.get((channel, ts))
        if message is None:
            raise SlackError("message_not_found")
        if message.owner != owner:
            raise SlackError("cant_update_message")
        checked = _checked(text, blocks)
        message.edits.append((message.text, message.blocks))
        message.text, message.blocks = text, checked

    def to(self, user_id: str) -> list[Dm]:
        """The messages in the bot's DMs with `user_id`, oldest first."""
        return [m for m in self.messages.values() if m.user_id == user_id]
