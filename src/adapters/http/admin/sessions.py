"""Who is signed in to the admin pages.

The session (held server-side, see `session_store`) holds the user, organization and role the
sign-in token resolved to, the token's id, and a random id that binds Slack's OAuth `state`
to this browser. The session backend re-checks a signed-in session against the database on
every request (`signed_in_account`), so signing out, a deactivated user, a changed role or
the revocation of the token used to sign in ends the session at once; the role guards and the
`viewer` dependency then only read what it found.
"""

from __future__ import annotations

import secrets
from typing import Any

import attrs
from litestar import Request
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.types import Guard

from adapters.http.admin.session_store import ACCOUNT, rotate, session_just_ended
from application.actors import Actor
from application.running import UseCaseRunner
from application.usecases.my_account import Account, WhoAmI, who_am_i
from domain.errors import NotAllowed, NotFound
from domain.ids import OrganizationId, UserId
from domain.people import Role


class SignInRequired(NotAuthorizedException):
    """No (valid) session: the HTML error handlers send the browser to the sign-in page."""


@attrs.frozen(kw_only=True)
class Viewer:
    """The signed-in person, as the pages show and use them."""

    actor: Actor
    session_id: str = attrs.field(repr=False)
    name: str
    organization_name: str
    slack_enabled: bool

    @property
    def role(self) -> Role:
        return self.actor.role


def start_session(request: Request[Any, Any, Any], actor: Actor) -> None:
    """A fresh session (and session id) for whoever just proved who they are."""
    if actor.token_id is None:
        raise ValueError("A session is only started with the token that proved who it is.")
    rotate(request)
    request.set_session(
        {
            "user_id": actor.user_id,
            "organization_id": actor.organization_id,
            "role": actor.role.value,
            "tid": actor.token_id,
            "sid": secrets.token_urlsafe(32),
        }
    )


def end_session(request: Request[Any, Any, Any]) -> None:
    """Forget who was signed in, here and in the database (a new, empty session, so a flash
    message can still follow)."""
    rotate(request)
    request.set_session({})


def _actor_of(data: dict[str, Any]) -> Actor:
    return Actor(
        user_id=UserId(str(data["user_id"])),
        organization_id=OrganizationId(str(data["organization_id"])),
        role=Role(data["role"]),
        token_id=str(data["tid"]),  # a session without its sign-in token is no session
    )


def session_actor(connection: ASGIConnection[Any, Any, Any, Any]) -> tuple[Actor, str] | None:
    """The actor and session id of a signed-in session that the session backend re-checked
    for this request, or None."""
    if connection.scope.get("session") is None or connection.scope.get(ACCOUNT) is None:
        return None
    data = connection.session
    try:
        return _actor_of(data), str(data["sid"])
    except (KeyError, ValueError, TypeError):
        return None


def only(*roles: Role) -> Guard:
    """A guard: signed in (else the sign-in page) with one of `roles` (else 403)."""
    allowed = " or ".join(r.holders for r in roles)

    def require_role(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        signed_in = session_actor(connection)
        if signed_in is None:
            raise _sign_in_again(connection)
        if signed_in[0].role not in roles:
            raise PermissionDeniedException(f"This page is only for {allowed}.")

    return require_role


def _sign_in_again(connection: ASGIConnection[Any, Any, Any, Any]) -> SignInRequired:
    if session_just_ended(connection):
        return SignInRequired("Your session has ended. Please sign in again.")
    return SignInRequired("Please sign in.")


async def signed_in_account(runner: UseCaseRunner, data: dict[str, Any]) -> Account | None:
    """The account a signed-in session's data names, while the session may go on: the user
    still active in the same organization with the same role, the sign-in token not revoked.
    The session backend calls this on every request."""
    try:
        actor = _actor_of(data)
        account = await runner(who_am_i, WhoAmI(), actor)
    except (KeyError, ValueError, TypeError, NotFound, NotAllowed):
        return None
    user = account.user
    if (
        not user.active
        or user.role is not actor.role
        or user.organization_id != actor.organization_id
    ):
        return None
    return account


def provide_viewer(request: Request[Any, Any, Any]) -> Viewer:
    """The signed-in user, as the session backend re-checked them for this request."""
    signed_in = session_actor(request)
    account = request.scope.get(ACCOUNT)
    if signed_in is None or not isinstance(account, Account):
        raise _sign_in_again(request)
    actor, session_id = signed_in
    return Viewer(
        actor=actor,
        session_id=session_id,
        name=account.user.name,
        organization_name=account.organization.name,
        slack_enabled=account.organization.slack_enabled,
    )
