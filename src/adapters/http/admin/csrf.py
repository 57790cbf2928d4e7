"""CSRF protection bound to the session (the synchronizer token pattern).

Each session holds one random token; every page's forms carry it (`csrf_token()` in the
templates creates it on first use), and every unsafe request to the pages must send it back
(form field `_csrf_token` or header `X-CSRFToken`). A token from another session, or none,
is refused with the friendly 403 page and nothing runs."""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from typing import Any

from litestar import Request
from litestar.enums import RequestEncodingType, ScopeType
from litestar.exceptions import PermissionDeniedException
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

CSRF_FAILED = "CSRF token verification failed"
FIELD = "_csrf_token"
HEADER = "x-csrftoken"
_KEY = "csrf"  # in the session
_SAFE = frozenset({"GET", "HEAD", "OPTIONS"})


def csrf_token(context: Mapping[str, Any], /) -> str:
    """The session's token for a form (a template callable); starts the session if needed."""
    request: Request[Any, Any, Any] = context["request"]
    session = dict(request.session) if request.scope.get("session") else {}
    token = session.get(_KEY)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.set_session({**session, _KEY: token})
    return token


class SessionCsrf(ASGIMiddleware):
    """Runs after the session middleware, on every route that is not excluded."""

    scopes = (ScopeType.HTTP,)

    def __init__(self, exclude: list[str]) -> None:
        excluded = re.compile("|".join(exclude))
        self.should_bypass_for_scope = lambda scope: bool(excluded.match(scope["path"]))

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        request: Request[Any, Any, Any] = scope["litestar_app"].request_class(scope, receive)
        if request.method not in _SAFE:
            session = scope.get("session")
            expected = session.get(_KEY) if isinstance(session, dict) else None
            given = request.headers.get(HEADER)
            content_type, _ = request.content_type
            if not given and content_type in {
                RequestEncodingType.URL_ENCODED,
                RequestEncodingType.MULTI_PART,
            }:
                given = (await request.form()).get(FIELD)
            if not (
                isinstance(expected, str)
                and isinstance(given, str)
                and secrets.compare_digest(given.encode(), expected.encode())
            ):
                raise PermissionDeniedException(CSRF_FAILED)
        await next_app(scope, receive, send)
