"""Setting an organization up: the organization itself, its programs, and their members."""

from __future__ import annotations

import attrs

from application.actors import Actor, program_of
from application.ports import Clock, UnitOfWork
from domain.errors import IllegalTransition, InvalidInput
from domain.ids import MemberId, OrganizationId, ProgramId, UserId, new_id
from domain.organization import Organization
from domain.people import Member, Profile, ProgramRole, Role, User
from domain.program import Program


@attrs.frozen(kw_only=True)
class CreateOrganization:
    name: str


@attrs.frozen(kw_only=True)
class CreateProgram:
    name: str
    mentees_per_mentor: int = 3
    request_expiry_days: int = 14


@attrs.frozen(kw_only=True)
class EnrollMember:
    """Adds someone (a new or existing user, found by email) to a program."""

    program_id: ProgramId
    email: str
    name: str
    roles: frozenset[ProgramRole]
    expertise: tuple[str, ...] = ()
    goals: tuple[str, ...] = ()
    bio: str = ""
    capacity: int | None = None


async def create_organization(
    cmd: CreateOrganization, actor: Actor, uow: UnitOfWork, clock: Clock
) -> Organization:
    actor.require(Role.SUPPORT)
    async with uow:
        organization = Organization(id=OrganizationId(new_id()), name=cmd.name.strip())
        await uow.organizations.add(organization)
        await uow.commit()
        return organization


async def create_program(
    cmd: CreateProgram, actor: Actor, uow: UnitOfWork, clock: Clock
) -> Program:
    actor.require(Role.GLOBAL_ADMIN)
    async with uow:
        program = Program(
            id=ProgramId(new_id()),
            organization_id=actor.organization_id,
            name=cmd.name.strip(),
            mentees_per_mentor=cmd.mentees_per_mentor,
            request_expiry_days=cmd.request_expiry_days,
        )
        await uow.programs.add(program)
        await uow.commit()
        return program


async def enroll_member(cmd: EnrollMember, actor: Actor, uow: UnitOfWork, clock: Clock) -> Member:
    actor.require_admin()
    async with uow:
        program = await program_of(uow, actor, cmd.program_id)
        user = await uow.users.find_by_email(program.organization_id, cmd.email)
        if user is None:
            user = User(
                id=UserId(new_id()),
                organization_id=program.organization_id,
                email=cmd.email,
                name=cmd.name,
                joined_at=clock.now(),
            )
            await uow.users.add(user)
        elif await uow.members.find(program.id, user.id) is not None:
            raise IllegalTransition(f"{user.email} is already in {program.name}.")
        if not user.active:
            raise InvalidInput(f"{user.email} is deactivated.")
        member = Member(
            id=MemberId(new_id()),
            organization_id=program.organization_id,
            program_id=program.id,
            user_id=user.id,
            name=user.name,
            roles=cmd.roles,
            profile=Profile.of(list(cmd.expertise), list(cmd.goals), cmd.bio),
            capacity=cmd.capacity,
        )
        member.joined(now=clock.now())
        await uow.members.add(member)
        await uow.commit()
        return member
