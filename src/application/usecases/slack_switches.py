"""Who uses Slack: support switches it per organization, admins opt programs in or out."""

from __future__ import annotations

import attrs

from application.actors import Actor, ensure_same_organization, program_of
from application.ports import Clock, UnitOfWork
from domain.ids import OrganizationId, ProgramId
from domain.organization import Organization
from domain.people import Role
from domain.program import Program


@attrs.frozen(kw_only=True)
class SwitchSlackForOrganization:
    organization_id: OrganizationId
    enabled: bool


@attrs.frozen(kw_only=True)
class SetProgramSlackOptIn:
    program_id: ProgramId
    opted_in: bool


async def switch_slack_for_organization(
    cmd: SwitchSlackForOrganization, actor: Actor, uow: UnitOfWork, clock: Clock
) -> Organization:
    actor.require(Role.SUPPORT)
    ensure_same_organization(actor, cmd.organization_id, "organization")
    async with uow:
        organization = await uow.organizations.get(cmd.organization_id)
        organization.switch_slack(cmd.enabled, by=actor.user_id, now=clock.now())
        await uow.commit()
        return organization


async def set_program_slack_opt_in(
    cmd: SetProgramSlackOptIn, actor: Actor, uow: UnitOfWork, clock: Clock
) -> Program:
    actor.require_admin()
    async with uow:
        program = await program_of(uow, actor, cmd.program_id)
        program.set_slack_opt_in(cmd.opted_in, now=clock.now())
        await uow.commit()
        return program
