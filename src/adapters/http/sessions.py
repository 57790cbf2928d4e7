"""Who is signed in to the admin pages.

The session cookie (encrypted, see `web_config`) holds the user, organization and role the
sign-in token resolved to, and a random session id that binds Slack's OAuth `state` to this
browser. Role guards read the cookie only; the `viewer` dependency then checks the user
against the database on every request, so a deactivated user, a changed role or the
revocation of the token used to sign in ends the session at once.
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

from adapters.http.dependencies import Runner
from application.actors import Actor
from application.usecases.my_account import WhoAmI, who_am_i
from domain.errors import NotAllowed, NotFound
from domain.ids import OrganizationId, UserId
from domain.people import Role

_ROLE_NAMES = {
    Role.SUPPORT: "support staff",
    Role.GLOBAL_ADMIN: "global administrators",
    Role.PROGRAM_ADMIN: "program administrators",
    Role.MEMBER: "members",
}


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
    """Forget who was signed in (an empty session, so a flash message can still follow)."""
    request.set_session({})


def session_actor(connection: ASGIConnection[Any, Any, Any, Any]) -> tuple[Actor, str] | None:
    """The actor and session id the cookie names, or None without a complete session."""
    data = connection.session if connection.scope.get("session") is not None else {}
    try:
        token_id = data.get("tid")
        actor = Actor(
            user_id=UserId(str(data["user_id"])),
            organization_id=OrganizationId(str(data["organization_id"])),
            role=Role(data["role"]),
            token_id=None if token_id is None else str(token_id),
        )
        session_id = str(data["sid"])
    except (KeyError, ValueError, TypeError):
        return None
    return actor, session_id


def only(*roles: Role) -> Guard:
    """A guard: signed in (else the sign-in page) with one of `roles` (else 403)."""
    allowed = " or ".join(_ROLE_NAMES[r] for r in roles)

    def require_role(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        signed_in = session_actor(connection)
        if signed_in is None:
            raise SignInRequired("Please sign in.")
        if signed_in[0].role not in roles:
            raise PermissionDeniedException(f"This page is only for {allowed}.")

    return require_role


async def provide_viewer(request: Request[Any, Any, Any], runner: Runner) -> Viewer:
    """The signed-in user, re-checked: still active, same role, same organization."""
    signed_in = session_actor(request)
    if signed_in is None:
        raise SignInRequired("Please sign in.")
    actor, session_id = signed_in
    try:
        account = await runner(who_am_i, WhoAmI(), actor)
    except (NotFound, NotAllowed):  # the user or the sign-in token is gone or revoked
        account = None
    if (
        account is None
        or not account.user.active
        or account.user.role is not actor.role
        or account.user.organization_id != actor.organization_id
    ):
        end_session(request)
        raise SignInRequired("Your session has ended. Please sign in again.")
    return Viewer(
        actor=actor,
        session_id=session_id,
        name=account.user.name,
        organization_name=account.organization.name,
        slack_enabled=account.organization.slack_enabled,
    )
