"""Token rotation as MemorySlackGateway's Slack keeps it (the sandbox's `rotation` in memory):
expiring `xoxe.xoxb-` tokens, refresh tokens spent by their one use, `token_expired` once a
token's life is over."""

from __future__ import annotations

import secrets
from collections.abc import Callable

import attrs

from adapters.slack.memory_records import Install
from application.slack.gateway import OAuthGrant, RotatedToken, SlackError


class RotatingTokens:
    """Expiry and refresh tokens of the installs that rotate (None lifetime: none do)."""

    def __init__(self, lifetime: int | None, now: Callable[[], float]) -> None:
        self.lifetime = lifetime
        self._now = now
        self._expires: dict[str, float] = {}  # access token -> when it expires
        self._unspent: dict[str, Install] = {}  # refresh token -> its install
        self._current: dict[int, str] = {}  # id(install) -> its current refresh token

    def issue(self, install: Install, tokens: dict[str, Install]) -> None:
        """Give a rotating install a new pair (its previous refresh token is spent)."""
        if self.lifetime is None:
            return
        token = f"xoxe.xoxb-1-{secrets.token_urlsafe(30)}"
        tokens[token] = install
        install.token = token
        self._expires[token] = self._now() + self.lifetime
        self._unspent.pop(self._current.get(id(install), ""), None)
        refresh = f"xoxe-1-{secrets.token_urlsafe(40)}"
        self._unspent[refresh] = install
        self._current[id(install)] = refresh

    def with_rotation(self, grant: OAuthGrant, install: Install) -> OAuthGrant:
        """The grant as Slack answers it for a rotating install."""
        refresh = self._current.get(id(install))
        if refresh is None or self.lifetime is None:
            return grant
        left = max(0, round(self._expires[install.token] - self._now()))
        return attrs.evolve(grant, refresh_token=refresh, expires_in=left)

    def check(self, token: str) -> None:
        """Slack's answer to a token past its life."""
        expires = self._expires.get(token)
        if expires is not None and self._now() >= expires:
            raise SlackError("token_expired")

    def refresh(self, refresh_token: str, tokens: dict[str, Install]) -> RotatedToken:
        install = self._unspent.pop(refresh_token, None)
        if install is None or not install.active:
            raise SlackError("invalid_refresh_token")
        self.issue(install, tokens)
        assert self.lifetime is not None
        return RotatedToken(access_token=install.token,
                            refresh_token=self._current[id(install)], expires_in=self.lifetime)

    def forget(self, install: Install) -> None:
        """A removed install's refresh token is no good any more."""
        self._unspent.pop(self._current.pop(id(install), ""), None)
