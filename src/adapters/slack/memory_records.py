"""The records MemorySlackGateway keeps (what Slack itself remembers about an app) and its
opaque `users.list` cursors."""

from __future__ import annotations

import base64
import binascii
import secrets

import attrs

from application.slack.gateway import OAuthGrant, SlackError, SlackUser

SLACKBOT = "USLACKBOT"


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


def grant_of(install: Install, app_id: str, team: Workspace | None, grid: Grid | None
             ) -> OAuthGrant:
    """What `oauth.v2.access` answers for an install (`team` is None when org-wide)."""
    return OAuthGrant(
        access_token=install.token, scopes=tuple(sorted(install.scopes)),
        bot_user_id=install.bot_user_id, app_id=app_id,
        team_id=team.id if team else None, team_name=team.name if team else None,
        enterprise_id=grid.id if grid else None, enterprise_name=grid.name if grid else None,
        is_enterprise_install=install.team_id is None, authed_user_id=install.installer)


def user_of(member: str, team: str, install: Install, person: Person | None, app_name: str,
            *, with_email: bool) -> SlackUser:
    """A `users.list` member as Slack shows it: Slackbot, the app's bot user, or a person."""
    if member == SLACKBOT:
        return SlackUser(id=SLACKBOT, name="Slackbot", email=None, tz="America/Los_Angeles",
                         team_id=team)
    if member == install.bot_user_id or person is None:
        return SlackUser(id=member, name=app_name, email=None, tz=None, team_id=team,
                         is_bot=True)
    return SlackUser(id=person.id, name=person.name, email=person.email if with_email else None,
                     tz=person.tz, team_id=team, deleted=person.deleted, is_bot=person.is_bot)


def install_from(code: Code, installs: list[Install], tokens: dict[str, Install]) -> Install:
    """Redeem a code: one bot token per app per workspace (or Grid, org-wide); reinstalling
    adds scopes; after a removal a new token is issued. `tokens` learns any new token."""
    for install in installs:
        if (install.team_id, install.enterprise_id) == (code.team_id, code.enterprise_id):
            if not install.active:
                install.token, install.scopes = _new_token(install, tokens), set()
            install.active = True
            install.scopes |= set(code.scopes)
            install.installer = code.installer
            return install
    # A Grid's user ids are Grid-wide, so is the app's bot user.
    anchor = code.enterprise_id or code.team_id or ""
    install = Install(team_id=code.team_id, enterprise_id=code.enterprise_id,
                      scopes=set(code.scopes), bot_user_id=f"U{anchor[1:]}BOT",
                      bot_id=f"B{(code.team_id or anchor)[1:]}", installer=code.installer)
    install.token = _new_token(install, tokens)
    installs.append(install)
    return install


def _new_token(install: Install, tokens: dict[str, Install]) -> str:
    token = (f"xoxb-{secrets.randbelow(10**12):012d}-{secrets.randbelow(10**13):013d}-"
             f"{secrets.token_urlsafe(18)}")
    tokens[token] = install
    return token
