"""What the Slack integration page shows a global administrator, and the operator's list of
every installation."""

from __future__ import annotations

from collections import Counter

import attrs

from application.actors import Actor
from application.ports import Clock
from application.slack.ports import SlackUnitOfWork
from application.usecases.operator_views import require_system
from domain.organization import Organization
from domain.people import Role, User
from domain.program import Program
from domain.slack.installation import WorkspaceInstallation


@attrs.frozen(kw_only=True)
class ConnectedWorkspace:
    installation: WorkspaceInstallation
    installed_by: User | None
    matched: int


@attrs.frozen(kw_only=True)
class SlackOverview:
    organization: Organization
    workspaces: tuple[ConnectedWorkspace, ...]
    programs: tuple[Program, ...]
    members: int
    unmatched: tuple[User, ...]  # program members no connected workspace knows


async def slack_overview(
    _: None, actor: Actor, uow: SlackUnitOfWork, clock: Clock
) -> SlackOverview:
    actor.require(Role.GLOBAL_ADMIN)
    async with uow:
        organization = await uow.organizations.get(actor.organization_id)
        installations = await uow.installations.list_for_organization(organization.id)
        programs = await uow.programs.list_for_organization(organization.id)
        users = {u.id: u for u in await uow.users.list_for_organization(organization.id)}
        member_ids = {m.user_id for p in programs for m in await uow.members.list_for_program(p.id)}
        active = {i.id for i in installations if i.is_active}
        identities = [
            i
            for i in await uow.slack_identities.list_for_organization(organization.id)
            if i.installation_id in active
        ]
        per_installation = Counter(i.installation_id for i in identities if i.user_id in member_ids)
        known = {i.user_id for i in identities}
        ordered = sorted(
            installations, key=lambda i: (not i.is_active, -i.installed_at.timestamp())
        )
        return SlackOverview(
            organization=organization,
            workspaces=tuple(
                ConnectedWorkspace(
                    installation=i,
                    installed_by=users.get(i.installed_by),
                    matched=per_installation[i.id],
                )
                for i in ordered
            ),
            programs=tuple(sorted(programs, key=lambda p: p.name)),
            members=len(member_ids),
            unmatched=tuple(
                sorted(
                    (users[u] for u in member_ids - known if u in users),
                    key=lambda u: u.name,
                )
            ),
        )


@attrs.frozen(kw_only=True)
class ListAllInstallations:
    pass


async def list_all_installations(
    _: ListAllInstallations, actor: Actor, uow: SlackUnitOfWork, clock: Clock
) -> list[tuple[Organization, list[WorkspaceInstallation]]]:
    """Every organization's installations, for the operator's command line."""
    require_system(actor)
    async with uow:
        return [
            (org, list(await uow.installations.list_for_organization(org.id)))
            for org in await uow.organizations.list()
        ]
