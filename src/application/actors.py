"""Who is acting, and the checks every use case makes before it touches anything."""

from __future__ import annotations

import attrs

from application.ports import UnitOfWork
from domain.connection import Connection
from domain.errors import NotAllowed, NotFound
from domain.ids import ConnectionId, OrganizationId, ProgramId, UserId
from domain.people import Member, Role
from domain.program import Program

ADMIN_ROLES = frozenset({Role.GLOBAL_ADMIN, Role.PROGRAM_ADMIN})


@attrs.frozen(kw_only=True)
class Actor:
    """The authenticated caller: a user acting inside one organization."""

    user_id: UserId
    organization_id: OrganizationId
    role: Role
    # The API token the caller presented, when they presented one (sign-in sessions keep it,
    # so revoking the token ends them). Not part of who the actor *is*.
    token_id: str | None = attrs.field(default=None, eq=False)

    def require(self, *roles: Role) -> None:
        if self.role not in roles:
            allowed = " or ".join(r.one for r in roles)
            raise NotAllowed(f"Only {allowed} can do that.")

    def require_admin(self) -> None:
        self.require(Role.GLOBAL_ADMIN, Role.PROGRAM_ADMIN)

    @property
    def is_system(self) -> bool:
        """The operator's own processes (the CLI, the delivery worker): the one actor that is
        not inside an organization."""
        return self is SYSTEM

    @property
    def organization_scope(self) -> OrganizationId | None:
        """The organization whose data this actor may reach; None (every organization) only for
        the system actor."""
        return None if self.is_system else self.organization_id


SYSTEM = Actor(user_id=UserId("system"), organization_id=OrganizationId("*"), role=Role.SUPPORT)


def ensure_same_organization(actor: Actor, organization_id: OrganizationId, what: str) -> None:
    """The tenant check every use case makes: something of another organization does not
    exist for this actor (a 404 that reveals nothing). Only the system actor reaches every
    organization."""
    if not actor.is_system and organization_id != actor.organization_id:
        raise NotFound(f"No such {what}.")


async def program_of(uow: UnitOfWork, actor: Actor, program_id: ProgramId) -> Program:
    """The program, if it belongs to the actor's organization (otherwise: not found)."""
    program = await uow.programs.get(program_id)
    ensure_same_organization(actor, program.organization_id, "program")
    return program


async def member_of(uow: UnitOfWork, actor: Actor, program_id: ProgramId) -> Member:
    """The actor's own membership in the program."""
    await program_of(uow, actor, program_id)
    member = await uow.members.find(program_id, actor.user_id)
    if member is None:
        raise NotAllowed("You are not a member of this program.")
    return member


async def connection_of(
    uow: UnitOfWork, actor: Actor, connection_id: ConnectionId
) -> tuple[Connection, Member]:
    """A connection the actor takes part in, with the actor's membership."""
    connection = await uow.connections.get(connection_id)
    ensure_same_organization(actor, connection.organization_id, "connection")
    member = await member_of(uow, actor, connection.program_id)
    connection.ensure_participant(member.id)
    return connection, member
