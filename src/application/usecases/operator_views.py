"""What the operator's command line reads across every organization (the system actor only)."""

from __future__ import annotations

import attrs

from application.actors import Actor
from application.ports import Clock, UnitOfWork
from domain.errors import NotAllowed
from domain.organization import Organization


def require_system(actor: Actor) -> None:
    if not actor.is_system:
        raise NotAllowed("Only the operator's own tools can read every organization.")


@attrs.frozen(kw_only=True)
class ListOrganizations:
    pass


async def list_organizations(
    _: ListOrganizations, actor: Actor, uow: UnitOfWork, clock: Clock
) -> list[Organization]:
    require_system(actor)
    async with uow:
        return list(await uow.organizations.list())


@attrs.frozen(kw_only=True)
class OrganizationsOfEmail:
    email: str


async def organizations_of_email(
    cmd: OrganizationsOfEmail, actor: Actor, uow: UnitOfWork, clock: Clock
) -> list[Organization]:
    """The organizations that have a user with this email, in the order they are listed."""
    require_system(actor)
    async with uow:
        return [
            org
            for org in await uow.organizations.list()
            if await uow.users.find_by_email(org.id, cmd.email)
        ]
