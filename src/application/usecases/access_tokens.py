"""API tokens: issue one for a user (shown once), turn a presented secret into an Actor, list
a user's tokens and revoke one."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from application.actors import Actor, ensure_same_organization
from application.ports import Clock, UnitOfWork
from application.tokens import ApiToken, hash_secret, new_secret
from domain.errors import NotAllowed, NotFound
from domain.ids import OrganizationId, UserId, new_id
from domain.people import Role, User


@attrs.frozen(kw_only=True)
class IssueToken:
    """Creates the user when the email is new in the organization."""

    organization_id: OrganizationId
    email: str
    name: str
    role: Role
    label: str = ""


@attrs.frozen(kw_only=True)
class IssuedToken:
    secret: str
    user: User


async def issue_token(cmd: IssueToken, actor: Actor, uow: UnitOfWork, clock: Clock) -> IssuedToken:
    actor.require(Role.SUPPORT)
    ensure_same_organization(actor, cmd.organization_id, "organization")
    async with uow:
        organization = await uow.organizations.get(cmd.organization_id)
        user = await uow.users.find_by_email(organization.id, cmd.email)
        if user is None:
            user = User(
                id=UserId(new_id()),
                organization_id=organization.id,
                email=cmd.email,
                name=cmd.name,
                role=cmd.role,
                joined_at=clock.now(),
            )
            await uow.users.add(user)
        elif user.role is not cmd.role:
            raise NotAllowed(f"{user.email} already has the role {user.role.value}.")
        secret = new_secret()
        await uow.api_tokens.add(
            ApiToken(
                id=new_id(),
                token_hash=hash_secret(secret),
                user_id=user.id,
                organization_id=organization.id,
                label=cmd.label or f"{cmd.role.value} token",
                created_at=clock.now(),
            )
        )
        await uow.commit()
        return IssuedToken(secret=secret, user=user)


async def authenticate(secret: str, uow: UnitOfWork) -> Actor | None:
    """The actor behind a bearer secret, or None for an unknown, revoked or deactivated one."""
    async with uow:
        token = await uow.api_tokens.find_by_hash(hash_secret(secret))
        if token is None or token.revoked:
            return None
        user = await uow.users.get(token.user_id)
        if not user.active:
            return None
        return Actor(
            user_id=user.id, organization_id=user.organization_id, role=user.role, token_id=token.id
        )


@attrs.frozen(kw_only=True)
class MyTokens:
    pass


async def my_tokens(
    query: MyTokens, actor: Actor, uow: UnitOfWork, clock: Clock
) -> Sequence[ApiToken]:
    """The caller's own tokens, revoked ones included, oldest first."""
    async with uow:
        return await uow.api_tokens.list_for_user(actor.user_id)


@attrs.frozen(kw_only=True)
class RevokeToken:
    token_id: str


async def revoke_token(cmd: RevokeToken, actor: Actor, uow: UnitOfWork, clock: Clock) -> ApiToken:
    """Revoke one of the caller's own tokens. Support staff may revoke anyone's in their
    organization, global administrators anyone's but support staff's. Revoking a revoked token
    changes nothing."""
    async with uow:
        token = await uow.api_tokens.get(cmd.token_id)
        if not await _may_revoke(actor, token, uow):
            raise NotFound("No such API token.")  # someone else's token: not even its existence
        if token.revoked:
            return token
        await uow.api_tokens.revoke(token)
        await uow.commit()
        return attrs.evolve(token, revoked=True)


async def _may_revoke(actor: Actor, token: ApiToken, uow: UnitOfWork) -> bool:
    if actor.is_system:
        return True
    if token.organization_id != actor.organization_id:
        return False
    if token.user_id == actor.user_id or actor.role is Role.SUPPORT:
        return True
    owner = await uow.users.get(token.user_id)
    return actor.role is Role.GLOBAL_ADMIN and owner.role is not Role.SUPPORT
