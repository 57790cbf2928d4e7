"""Reading an organization's programs and who is in them."""

from __future__ import annotations

import attrs

from application.actors import ADMIN_ROLES, Actor, member_of, program_of
from application.ports import Clock, UnitOfWork
from domain.ids import ProgramId
from domain.people import Member
from domain.program import Program


@attrs.frozen(kw_only=True)
class ListPrograms:
    """Every program of the actor's organization (administrators only)."""


@attrs.frozen(kw_only=True)
class ListProgramMembers:
    """A program's members: for its administrators and for the members themselves."""

    program_id: ProgramId


async def list_programs(
    query: ListPrograms, actor: Actor, uow: UnitOfWork, clock: Clock
) -> list[Program]:
    actor.require_admin()
    async with uow:
        programs = await uow.programs.list_for_organization(actor.organization_id)
        return sorted(programs, key=lambda p: (p.name.lower(), p.id))


async def list_program_members(
    query: ListProgramMembers, actor: Actor, uow: UnitOfWork, clock: Clock
) -> list[Member]:
    async with uow:
        program = await program_of(uow, actor, query.program_id)
        if actor.role not in ADMIN_ROLES:
            await member_of(uow, actor, program.id)
        members = await uow.members.list_for_program(program.id)
        return sorted(members, key=lambda m: (m.name.lower(), m.id))
