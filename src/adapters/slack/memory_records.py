"""The records MemorySlackGateway keeps (what Slack itself remembers about an app) and its
opaque `users.list` cursors."""

from __future__ import annotations

import base64
import binascii

import attrs

from application.slack.gateway import SlackError


@attrs.frozen
class Grid:
    """An Enterprise Grid organization."""

    id: str
    name: str
    domain: str


@attrs.frozen
class Workspace:
    """A workspace (team), standalone or part of a Grid."""

    id: str
    name: str
    domain: str
    icon_url: str
    enterprise_id: str | None


@attrs.frozen
class Person:
    """A member of one or more workspaces."""

    id: str
    name: str
    email: str
    tz: str
    teams: tuple[str, ...]
    deleted: bool
    is_bot: bool


@attrs.define
class Code:
    """An OAuth code handed out by the consent page; redeemable once."""

    team_id: str | None
    enterprise_id: str | None
    scopes: tuple[str, ...]
    redirect_uri: str | None
    installer: str
    issued_at: float
    used: bool = False


@attrs.define
class Install:
    """The app in one workspace (or a whole Grid, org-wide) with its current bot token."""

    team_id: str | None
    enterprise_id: str | None
    scopes: set[str]
    bot_user_id: str
    bot_id: str
    installer: str
    token: str = attrs.field(default="", repr=False)
    active: bool = True


def cursor_for(user_id: str) -> str:
    """The cursor of the page that starts at `user_id`."""
    return base64.b64encode(f"user:{user_id}".encode()).decode()


def position_of(cursor: str, members: list[str]) -> int:
    """Where a cursor points in `members`; Slack's `invalid_cursor` when it points nowhere."""
    try:
        kind, _, user_id = base64.b64decode(cursor, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise SlackError("invalid_cursor") from exc
    if kind != "user" or user_id not in members:
        raise SlackError("invalid_cursor")
    return members.index(user_id)
