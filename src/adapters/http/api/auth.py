"""Bearer tokens in, Actors out: a guard on every /api route and the `actor` dependency.

The guard runs before the body is read, so a request without a valid token is refused with
401 whatever else is wrong with it. The secret is only handed to `authenticate`; it is never
logged or echoed back.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException
from litestar.handlers.base import BaseRouteHandler
from litestar.types import Guard

from adapters.http.dependencies import Authenticate
from application.actors import Actor

CurrentActor = NamedDependency[Actor]
"""The caller, resolved from the bearer token by `bearer_guard`."""

_MAX_SECRET = 512
_STATE_KEY = "actor"


def _refuse(detail: str, error: str) -> NotAuthorizedException:
    challenge = f'Bearer realm="mentorlink", error="{error}"'
    return NotAuthorizedException(detail=detail, headers={"WWW-Authenticate": challenge})


def bearer_guard(authenticate: Authenticate) -> Guard:
    """A guard that resolves the bearer token to an Actor, or refuses with 401."""

    async def require_bearer_token(
        connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
    ) -> None:
        header = connection.headers.get("authorization")
        if not header:
            raise _refuse(
                "Send your API token as 'Authorization: Bearer <token>'.", "invalid_request"
            )
        scheme, _, secret = header.strip().partition(" ")
        secret = secret.strip()
        if scheme.lower() != "bearer" or not secret or " " in secret or len(secret) > _MAX_SECRET:
            raise _refuse("The Authorization header must be 'Bearer <token>'.", "invalid_request")
        actor = await authenticate(secret)
        if actor is None:
            raise _refuse("That API token is unknown or was revoked.", "invalid_token")
        connection.state[_STATE_KEY] = actor

    return require_bearer_token


def provide_actor(request: Request[Any, Any, Any]) -> Actor:
    """The Actor the guard authenticated for this request."""
    actor = request.state.get(_STATE_KEY)
    if not isinstance(actor, Actor):  # only reachable if a route forgot the guard
        raise _refuse("This route needs an API token.", "invalid_request")
    return actor
