"""What the core needs to know about Slack to connect workspaces: the shapes Slack answers
with, and the gateway port that talks to it. No Slack SDK here — adapters translate."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import attrs


class SlackError(Exception):
    """Slack refused a call (`code` is Slack's error code, e.g. `invalid_code`)."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"Slack answered {code}" + (f": {detail}" if detail else ""))
        self.code = code
        self.detail = detail


class SlackUnavailable(SlackError):
    """Slack could not be reached or kept rate-limiting us; nothing was changed."""

    def __init__(self, detail: str = "") -> None:
        super().__init__("unavailable", detail)


# Error codes that mean "this token is already dead": removal can go ahead.
DEAD_TOKEN_CODES = frozenset({"token_revoked", "invalid_auth", "account_inactive", "not_authed"})


@attrs.frozen(kw_only=True)
class OAuthGrant:
    """The answer of `oauth.v2.access` (a bot install)."""

    access_token: str = attrs.field(repr=False)
    scopes: tuple[str, ...]
    bot_user_id: str
    app_id: str
    team_id: str | None
    team_name: str | None
    enterprise_id: str | None
    enterprise_name: str | None
    is_enterprise_install: bool
    authed_user_id: str


@attrs.frozen(kw_only=True)
class TeamProfile:
    """`auth.test` + `team.info`: who the bot is and what the workspace looks like."""

    bot_id: str
    team_name: str
    domain: str
    icon_url: str


@attrs.frozen(kw_only=True)
class SlackUser:
    """One member of a workspace's directory."""

    id: str
    name: str
    email: str | None
    tz: str | None
    team_id: str | None
    deleted: bool = False
    is_bot: bool = False


@attrs.frozen(kw_only=True)
class UsersPage:
    users: Sequence[SlackUser]
    next_cursor: str | None


class SlackGateway(Protocol):
    """Slack's Web API, as the install and directory use cases need it. Implementations raise
    SlackError for Slack's refusals and SlackUnavailable when Slack cannot be reached."""

    async def exchange_code(self, code: str, redirect_uri: str) -> OAuthGrant:
        """`oauth.v2.access` with the app's client id and secret."""
        ...

    async def describe(self, token: str, team_id: str | None) -> TeamProfile:
        """`auth.test` then `team.info` (of `team_id`, or the token's own team)."""
        ...

    async def revoke(self, token: str) -> None:
        """`auth.revoke`; a token that is already dead counts as revoked."""
        ...

    async def list_users(
        self, token: str, *, team_id: str | None, cursor: str | None, limit: int = 200
    ) -> UsersPage:
        """One page of `users.list`."""
        ...

    async def lookup_by_email(self, token: str, email: str) -> SlackUser | None:
        """`users.lookupByEmail`; None when nobody has that email (`users_not_found`)."""
        ...
