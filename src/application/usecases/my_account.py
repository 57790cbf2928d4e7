"""Who the actor is: their user, their organization and the programs they take part in."""

from __future__ import annotations

import attrs

from application.actors import Actor
from application.ports import Clock, UnitOfWork
from domain.errors import NotAllowed
from domain.organization import Organization
from domain.people import Member, User
from domain.program import Program


@attrs.frozen(kw_only=True)
class WhoAmI:
    pass


@attrs.frozen(kw_only=True)
class Membership:
    member: Member
    program: Program


@attrs.frozen(kw_only=True)
class Account:
    user: User
    organization: Organization
    memberships: tuple[Membership, ...]


async def who_am_i(query: WhoAmI, actor: Actor, uow: UnitOfWork, clock: Clock) -> Account:
    async with uow:
        if actor.token_id is not None:  # a session outlives no revocation of its token
            token = await uow.api_tokens.get(actor.token_id)
            if token.revoked:
                raise NotAllowed("The token you signed in with was revoked.")
        user = await uow.users.get(actor.user_id)
        organization = await uow.organizations.get(actor.organization_id)
        memberships = [
            Membership(member=member, program=await uow.programs.get(member.program_id))
            for member in await uow.members.list_for_user(actor.user_id)
        ]
        memberships.sort(key=lambda m: (m.program.name.lower(), m.program.id))
        return Account(user=user, organization=organization, memberships=tuple(memberships))
