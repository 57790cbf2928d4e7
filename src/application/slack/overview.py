"""What the Slack integration page shows a global administrator, and the operator's list of
every installation.

People are counted per directory: an Enterprise Grid (user ids are Grid-wide, so a person
found in any of its workspaces is matched once) or a standalone workspace. Within a Grid, each
workspace also says whom it was found to have."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from application.actors import Actor
from application.ports import Clock
from application.slack.ports import SlackUnitOfWork
from application.usecases.operator_views import require_system
from domain.ids import UserId
from domain.organization import Organization
from domain.people import Role, User
from domain.program import Program
from domain.slack.identity import SlackIdentity
from domain.slack.installation import WorkspaceInstallation


@attrs.frozen(kw_only=True)
class ConnectedWorkspace:
    installation: WorkspaceInstallation
    installed_by: User | None
    matched: int  # program members found in its directory (its whole Grid, for a Grid)


@attrs.frozen(kw_only=True)
class MatchedPerson:
    user: User
    workspaces: tuple[str, ...]  # names of the workspaces they were found in
    deactivated: bool = False  # Slack deactivated the account: they get e-mail instead


@attrs.frozen(kw_only=True)
class WorkspaceCount:
    team_id: str
    name: str
    matched: int


@attrs.frozen(kw_only=True)
class Directory:
    """One Grid or standalone workspace: who of the program members it has, who not."""

    key: str  # the Grid id, or the workspace's team id
    name: str
    is_grid: bool
    workspaces: tuple[WorkspaceCount, ...]
    matched: tuple[MatchedPerson, ...]
    unmatched: tuple[User, ...]
    #: Of the unmatched, those another connected directory reaches: user id -> its name.
    elsewhere: dict[str, str] = attrs.field(factory=dict)
    #: False when every installation of it needs reconnecting: nobody is reached through it.
    reachable: bool = True


@attrs.frozen(kw_only=True)
class SlackOverview:
    organization: Organization
    workspaces: tuple[ConnectedWorkspace, ...]
    programs: tuple[Program, ...]
    members: int
    unmatched: tuple[User, ...]  # program members no connected workspace knows
    directories: tuple[Directory, ...] = ()

    def directory(self, key: str) -> Directory | None:
        return next((d for d in self.directories if d.key == key), None)


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
        members = [users[u] for u in member_ids if u in users]
        live = [i for i in installations if not i.is_removed]
        live_ids = {i.id for i in live}
        identities = [
            i
            for i in await uow.slack_identities.list_for_organization(organization.id)
            if i.installation_id in live_ids and i.user_id in member_ids
        ]
        directories = _directories(live, identities, members)
        known = {i.user_id for i in identities}
        ordered = sorted(
            installations, key=lambda i: (i.is_removed, -i.installed_at.timestamp())
        )
        return SlackOverview(
            organization=organization,
            workspaces=tuple(
                ConnectedWorkspace(
                    installation=i,
                    installed_by=users.get(i.installed_by),
                    matched=_matched_in(directories, i),
                )
                for i in ordered
            ),
            programs=tuple(sorted(programs, key=lambda p: p.name)),
            members=len(member_ids),
            unmatched=_by_name(u for u in members if u.id not in known),
            directories=directories,
        )


def _matched_in(directories: tuple[Directory, ...], installation: WorkspaceInstallation) -> int:
    key = installation.workspace.directory_key
    return next((len(d.matched) for d in directories if d.key == key), 0)


def _by_name(users: Iterable[User]) -> tuple[User, ...]:
    return tuple(sorted(users, key=lambda u: (u.name.lower(), u.email)))


def _directories(
    installations: list[WorkspaceInstallation],
    identities: list[SlackIdentity],
    members: list[User],
) -> tuple[Directory, ...]:
    grouped: dict[str, list[WorkspaceInstallation]] = {}
    for installation in installations:
        grouped.setdefault(installation.workspace.directory_key, []).append(installation)
    out = []
    for key, group in grouped.items():
        names: dict[str, str] = {}
        for installation in group:
            for covered in installation.covered:
                names[covered.team_id] = covered.name
            if installation.workspace.team_id is not None:
                names[installation.workspace.team_id] = installation.workspace.team_name
        found: dict[UserId, SlackIdentity] = {
            i.user_id: i for i in identities if i.directory_key == key
        }
        for identity in found.values():
            for team in identity.team_ids:
                names.setdefault(team, team)
        matched = [
            MatchedPerson(
                user=u, workspaces=tuple(names.get(t, t) for t in found[u.id].team_ids),
                deactivated=found[u.id].deactivated,
            )
            for u in _by_name(m for m in members if m.id in found)
        ]
        first = group[0].workspace
        is_grid = first.enterprise_id is not None and first.enterprise_id == key
        out.append(
            Directory(
                key=key,
                name=(first.enterprise_name or key) if is_grid else first.display_name,
                is_grid=is_grid,
                workspaces=tuple(
                    WorkspaceCount(
                        team_id=team,
                        name=name,
                        matched=sum(team in found[m.user.id].team_ids for m in matched),
                    )
                    for team, name in sorted(names.items(), key=lambda kv: kv[1].lower())
                ),
                matched=tuple(matched),
                unmatched=_by_name(m for m in members if m.id not in found),
                reachable=any(i.is_active for i in group),
            )
        )
    reached = {m.user.id: d.name for d in out if d.reachable for m in d.matched}
    return tuple(
        attrs.evolve(d, elsewhere={u.id: reached[u.id] for u in d.unmatched if u.id in reached})
        for d in sorted(out, key=lambda d: d.name.lower())
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
