"""Admin page sessions held server-side (`application.browser_sessions`): Litestar's session
middleware with a server-side backend whose store is our database.

The cookie carries only a random id; the database keeps the session under the id's SHA-256.
Beyond Litestar's own server-side backend this one
- issues every id itself (a cookie naming an id we did not issue starts nothing: no fixation)
  and gives a new id whenever someone signs in or out (`rotate`);
- re-checks a signed-in session on every request (`SessionCheck`: the user still active with
  the same role, the sign-in token not revoked) and ends it, with every other session of that
  token, the moment the check fails;
- keeps an idle and an absolute deadline (`SessionPolicy`), and never writes a session back
  that was ended while a request was in flight.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.types import Empty, Message, ScopeSession

from application.browser_sessions import BrowserSession, BrowserSessions, SessionPolicy
from application.ports import Clock

SESSION_COOKIE = "mentorlink_session"
SessionCheck = Callable[[dict[str, Any]], Awaitable[Any | None]]
"""A signed-in session's data -> what the request may use of it (the account), or None when
the session must end."""

_ID = re.compile(r"[0-9a-f]{64}")
_LOADED = "mentorlink.session"  # scope key: the stored session this request loaded
_ROTATE = "mentorlink.rotate_session"  # scope key: answer with a new session id
_ENDED = "mentorlink.session_ended"  # scope key: a signed-in session just ended
ACCOUNT = "mentorlink.account"  # scope key: what `SessionCheck` returned


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def rotate(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    """Answer this request with a new session id and forget the old one (sign-in, sign-out)."""
    connection.scope[_ROTATE] = True  # type: ignore[literal-required]


def session_just_ended(connection: ASGIConnection[Any, Any, Any, Any]) -> bool:
    return bool(connection.scope.get(_ENDED))


class DatabaseSessionBackend(ServerSideSessionBackend):
    config: DatabaseSessionConfig

    def get_session_id(self, connection: ASGIConnection[Any, Any, Any, Any]) -> str:
        return ""  # ids are chosen in `store_in_message`, never taken from a cookie

    async def load_from_connection(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> dict[str, Any]:
        cookie = connection.cookies.get(self.config.key, "")
        if not _ID.fullmatch(cookie):
            return {}
        sessions, now = self.config.sessions, self.config.clock.now()
        stored = await sessions.get(_hash(cookie))
        if stored is None:  # ended: signed out, timed out, or ended with its token or user
            connection.scope[_ENDED] = True  # type: ignore[literal-required]
            return {}
        if not stored.alive(now):
            await sessions.end(stored.key_hash)
            connection.scope[_ENDED] = stored.user_id is not None  # type: ignore[literal-required]
            return {}
        try:
            data = self.deserialize_data(stored.data)
        except Exception:  # unreadable: no session
            await sessions.end(stored.key_hash)
            return {}
        if stored.user_id is not None:
            account = await self.config.check(data)
            if account is None:
                if stored.token_id is not None:
                    await sessions.end_for_token(stored.token_id)
                await sessions.end(stored.key_hash)
                connection.scope[_ENDED] = True  # type: ignore[literal-required]
                return {}
            connection.scope[ACCOUNT] = account  # type: ignore[literal-required]
        connection.scope[_LOADED] = stored  # type: ignore[literal-required]
        return data

    async def store_in_message(
        self,
        scope_session: ScopeSession,
        message: Message,
        connection: ASGIConnection[Any, Any, Any, Any],
    ) -> None:
        scope, sessions = connection.scope, self.config.sessions
        loaded: BrowserSession | None = scope.get(_LOADED)  # type: ignore[assignment]
        empty = scope_session is Empty or not scope_session
        fresh = loaded is None or bool(scope.get(_ROTATE))
        if loaded is not None and (fresh or empty):
            await sessions.end(loaded.key_hash)
        headers = MutableScopeHeaders.from_message(message)
        if empty:
            if connection.cookies.get(self.config.key):
                headers.add("Set-Cookie", self._cookie("null", gone=True))
            return
        assert isinstance(scope_session, dict)
        data, now = self.serialize_data(scope_session, scope), self.config.clock.now()
        if not fresh:
            assert loaded is not None
            if not await sessions.replace(self.config.policy.used(loaded, data, now)):
                headers.add("Set-Cookie", self._cookie("null", gone=True))  # ended meanwhile
            return
        session_id = secrets.token_hex(32)
        user_id, token_id = scope_session.get("user_id"), scope_session.get("tid")
        await sessions.add(
            self.config.policy.start(
                _hash(session_id),
                data,
                user_id=None if user_id is None else str(user_id),
                token_id=None if token_id is None else str(token_id),
                now=now,
            )
        )
        headers.add("Set-Cookie", self._cookie(session_id))

    def _cookie(self, value: str, *, gone: bool = False) -> str:
        c = self.config
        return Cookie(
            key=c.key, value=value, path=c.path, max_age=0 if gone else c.max_age,
            expires=0 if gone else None, secure=c.secure, httponly=c.httponly,
            samesite=c.samesite, domain=c.domain,
        ).to_header(header="")  # fmt: skip


def _unset() -> Any:
    raise TypeError("DatabaseSessionConfig needs sessions, clock, policy and check.")


@dataclass
class DatabaseSessionConfig(ServerSideSessionConfig):
    """Litestar's server-side session configuration, with our store and checks."""

    _backend_class = DatabaseSessionBackend
    sessions: BrowserSessions = field(default_factory=_unset)
    clock: Clock = field(default_factory=_unset)
    policy: SessionPolicy = field(default_factory=SessionPolicy)
    check: SessionCheck = field(default_factory=_unset)
