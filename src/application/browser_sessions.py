"""Sessions of the admin pages, held server-side so that signing out, revoking the sign-in
token, deactivating the user or changing their role ends them everywhere at once.

The web adapter owns what a session holds (`data`, opaque here); the store keeps it under the
SHA-256 of the session id (a stolen table holds no usable cookie) with the user and token it
belongs to, so every session of a user or a token can be ended in one call."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

import attrs


@attrs.frozen(kw_only=True)
class BrowserSession:
    """One browser's session. `user_id` and `token_id` are None before anyone signs in."""

    key_hash: str
    data: bytes = attrs.field(repr=False)
    user_id: str | None
    token_id: str | None
    started_at: datetime
    expires_at: datetime  # the idle deadline: moved forward each time the session is used
    ends_at: datetime  # the absolute deadline: never moved

    def alive(self, now: datetime) -> bool:
        return now < self.expires_at and now < self.ends_at


@attrs.frozen(kw_only=True)
class SessionPolicy:
    """How long a session lives: `idle` without use, `lifetime` at most."""

    idle: timedelta = timedelta(minutes=30)
    lifetime: timedelta = timedelta(hours=8)

    def __attrs_post_init__(self) -> None:
        if self.idle <= timedelta(0) or self.lifetime <= timedelta(0):
            raise ValueError("Session timeouts must be positive.")

    def start(
        self,
        key_hash: str,
        data: bytes,
        *,
        user_id: str | None,
        token_id: str | None,
        now: datetime,
    ) -> BrowserSession:
        return BrowserSession(
            key_hash=key_hash,
            data=data,
            user_id=user_id,
            token_id=token_id,
            started_at=now,
            expires_at=min(now + self.idle, now + self.lifetime),
            ends_at=now + self.lifetime,
        )

    def used(self, session: BrowserSession, data: bytes, now: datetime) -> BrowserSession:
        return attrs.evolve(session, data=data, expires_at=min(now + self.idle, session.ends_at))


class BrowserSessions(Protocol):
    """Where sessions live; every method is its own short transaction."""

    async def add(self, session: BrowserSession) -> None:
        """Store a new session (and forget sessions that are past their deadlines)."""
        ...

    async def get(self, key_hash: str) -> BrowserSession | None: ...

    async def replace(self, session: BrowserSession) -> bool:
        """Update a stored session's data and idle deadline; False (and nothing stored) when
        it no longer exists, so a request that outlived a sign-out cannot bring it back."""
        ...

    async def end(self, key_hash: str) -> None: ...

    async def end_for_token(self, token_id: str) -> int:
        """End every session signed in with this token; how many there were."""
        ...

    async def end_for_user(self, user_id: str) -> int: ...
