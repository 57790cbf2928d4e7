"""What the core needs to know about Slack to connect workspaces: the shapes Slack answers
with, and the gateway port that talks to it. No Slack SDK here — adapters translate."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

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


class SlackRateLimited(SlackError):
    """Slack answered 429 for this method in this workspace: nobody should call it there
    again for `retry_after` seconds. Raised instead of sleeping, so that a worker can release
    what it holds and share the pause with every other worker."""

    def __init__(self, retry_after: float, detail: str = "") -> None:
        super().__init__("ratelimited", detail or f"Retry-After {retry_after:g} s")
        self.retry_after = retry_after


# Error codes that mean "this token is already dead": removal can go ahead.
DEAD_TOKEN_CODES = frozenset({"token_revoked", "invalid_auth", "account_inactive", "not_authed"})
# Slack's answers to a token it no longer accepts: outside a removal, the installation needs
# reconnecting (`not_authed` is not among them: it means no token was sent at all).
# `invalid_refresh_token`: token rotation could not renew the token (bot_tokens.py).
LOST_TOKEN_CODES = frozenset(
    {"token_revoked", "invalid_auth", "account_inactive", "invalid_refresh_token"}
)


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
    #: With token rotation on: the refresh token and the access token's life in seconds.
    refresh_token: str | None = attrs.field(default=None, repr=False)
    expires_in: int | None = None


@attrs.frozen(kw_only=True)
class RotatedToken:
    """`oauth.v2.access` with a refresh token: the next token pair (the old one is spent)."""

    access_token: str = attrs.field(repr=False)
    refresh_token: str = attrs.field(repr=False)
    expires_in: int


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
class PostedMessage:
    """Where `chat.postMessage` put a message: the DM's channel id (D…) and the message's
    `ts`, both needed to update it later."""

    channel: str
    ts: str


@attrs.frozen(kw_only=True)
class SlackTeam:
    """A workspace an org-wide (Grid) install was granted (`auth.teams.list`)."""

    id: str
    name: str


@attrs.frozen(kw_only=True)
class UsersPage:
    users: Sequence[SlackUser]
    next_cursor: str | None


class SlackGateway(Protocol):
    """Slack's Web API, as the install, directory and delivery use cases need it.
    Implementations raise SlackError for Slack's refusals and SlackUnavailable when Slack
    cannot be reached (or answers 5xx, or times out)."""

    async def exchange_code(self, code: str, redirect_uri: str) -> OAuthGrant:
        """`oauth.v2.access` with the app's client id and secret."""
        ...

    async def rotate_token(self, refresh_token: str) -> RotatedToken:
        """`oauth.v2.access` with `grant_type=refresh_token`: spends the refresh token (Slack
        refuses a second use with `invalid_refresh_token`) for a new token pair. Never retried:
        a retry could spend the refresh token twice."""
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

    async def list_teams(self, token: str) -> Sequence[SlackTeam]:
        """`auth.teams.list`, every page: the workspaces an org-wide token may act in."""
        ...

    async def post_message(
        self,
        token: str,
        *,
        channel: str,
        text: str,
        blocks: Sequence[Mapping[str, Any]],
        metadata: Mapping[str, Any] | None = None,
        team_id: str | None = None,
    ) -> PostedMessage:
        """`chat.postMessage`; a user id as `channel` is the bot's DM with that person.
        `team_id` names the workspace for an org-wide (Grid) token. Never retried nor slept
        through: a 429 raises SlackRateLimited at once, 5xx/timeouts SlackUnavailable (the
        message may or may not have been posted)."""
        ...

    async def update_message(
        self,
        token: str,
        *,
        channel: str,
        ts: str,
        text: str,
        blocks: Sequence[Mapping[str, Any]],
        team_id: str | None = None,
    ) -> None:
        """`chat.update` of a message the app posted (`channel` is the D… id Slack returned);
        `blocks=[]` removes the blocks. Errors as for `post_message`."""
        ...

    async def publish_view(
        self,
        token: str,
        *,
        user_id: str,
        view: Mapping[str, Any],
        team_id: str | None = None,
    ) -> None:
        """`views.publish`: the person's Home tab becomes `view` (a `home` view of at most
        100 blocks). Errors as for `post_message`."""
        ...
