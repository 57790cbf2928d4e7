"""Operator tasks the CLI runs, each through the use case runner it is handed (the composition
root opens one on the configured database)."""

from __future__ import annotations

from pathlib import Path

import attrs

from adapters.demo import ADMIN_EMAIL, seed_demo
from adapters.persistence.sqlite_checkpoints import sqlite_file
from adapters.settings import Settings
from application.actors import SYSTEM, Actor
from application.running import UseCaseRunner
from application.slack.directory import (
    DirectoryProgress,
    DirectoryReport,
    SyncDirectory,
    sync_slack_directory,
)
from application.slack.overview import ListAllInstallations, list_all_installations
from application.usecases.access_tokens import IssueToken, RevokeToken, issue_token, revoke_token
from application.usecases.expire_overdue import ExpireOverdue, expire_overdue
from application.usecases.operator_views import (
    ListOrganizations,
    OrganizationsOfEmail,
    list_organizations,
    organizations_of_email,
)
from application.usecases.organization_setup import CreateOrganization, create_organization
from application.usecases.program_directory import (
    ListProgramMembers,
    ListPrograms,
    list_program_members,
    list_programs,
)
from domain.errors import NotFound
from domain.ids import InstallationId, OrganizationId
from domain.people import Role


def legacy_secret_key(database_url: str) -> str | None:
    """The development key earlier versions of `run-local` kept beside the database
    (`<db>.secret-key`), so a database made before the `.env` file keeps its sealed tokens."""
    database = sqlite_file(database_url)
    path = Path(f"{database}.secret-key") if database else Path(".mentorlink-secret-key")
    return path.read_text().strip() if path.is_file() else None


#: The mentor `demo env` hands a token to: in the demo, nobody has asked her yet.
DEMO_MENTOR = ("priya@acme.example", "Priya Patel")


def _support(organization_id: str) -> Actor:
    return Actor(
        user_id=SYSTEM.user_id, organization_id=OrganizationId(organization_id), role=Role.SUPPORT
    )


async def seed_if_empty(run: UseCaseRunner) -> bool:
    if await run(list_organizations, ListOrganizations(), SYSTEM):
        return False
    await seed_demo(run)
    return True


async def admin_token(run: UseCaseRunner) -> str:
    """A fresh token for the demo administrator (tokens are shown once, so make a new one)."""
    found = await run(organizations_of_email, OrganizationsOfEmail(email=ADMIN_EMAIL), SYSTEM)
    if not found:
        raise NotFound(f"No organization has the demo admin {ADMIN_EMAIL}.")
    org = found[0]
    command = IssueToken(
        organization_id=org.id,
        email=ADMIN_EMAIL,
        name="Ada Lovelace",
        role=Role.GLOBAL_ADMIN,
        label="make run",
    )
    return (await run(issue_token, command, _support(org.id))).secret


async def create_org(run: UseCaseRunner, name: str) -> str:
    return (await run(create_organization, CreateOrganization(name=name), SYSTEM)).id


async def list_orgs(run: UseCaseRunner) -> list[str]:
    return [
        f"{org.id}\t{'slack-on' if org.slack_enabled else 'slack-off'}\t{org.name}"
        for org in await run(list_organizations, ListOrganizations(), SYSTEM)
    ]


async def create_token(run: UseCaseRunner, org: str, email: str, name: str, role: Role) -> str:
    command = IssueToken(organization_id=OrganizationId(org), email=email, name=name, role=role)
    return (await run(issue_token, command, _support(org))).secret


async def revoke_api_token(run: UseCaseRunner, token_id: str) -> str:
    """Revoke any token (as the system); returns its label."""
    return (await run(revoke_token, RevokeToken(token_id=token_id), SYSTEM)).label


async def expire_overdue_now(run: UseCaseRunner) -> tuple[int, int]:
    expired = await run(expire_overdue, ExpireOverdue(), SYSTEM)
    return expired.requests, expired.meetings


async def rotate_keys(settings: Settings) -> int:
    """Not a use case: re-seals stored tokens in place, below the repositories."""
    from adapters.persistence.database import create_engine
    from adapters.persistence.sealing import TokenSealer, reseal_installations

    engine = create_engine(settings.database_url)
    try:
        return await reseal_installations(engine, TokenSealer(settings.checked_secret_keys()))
    finally:
        await engine.dispose()


async def sync_directory(
    run: UseCaseRunner,
    installation_id: str,
    newcomers: bool,
    progress: DirectoryProgress | None = None,
) -> DirectoryReport:
    """`mentorlink slack sync`: the directory sync an admin starts from the Slack page."""
    command = SyncDirectory(
        installation_id=InstallationId(installation_id), only_newcomers=newcomers
    )
    if progress is not None:
        command = attrs.evolve(command, progress=progress)
    return await run(sync_slack_directory, command, SYSTEM)


async def list_installations(run: UseCaseRunner) -> list[str]:
    """`mentorlink slack list`: id, status, directory sync, organization, workspace."""
    lines = []
    for org, installations in await run(list_all_installations, ListAllInstallations(), SYSTEM):
        for i in installations:
            synced = i.directory_synced_at.isoformat() if i.directory_synced_at else "never"
            where = i.workspace.domain or i.workspace.enterprise_id or ""
            lines.append(
                f"{i.id}\t{i.status.value}\tsynced {synced}\t{org.name}\t"
                f"{i.workspace.display_name} ({where})"
            )
    return lines


async def demo_exports(run: UseCaseRunner) -> dict[str, str]:
    """`mentorlink demo env`: the demo organization's ids and fresh tokens the README's curl
    examples use (T an administrator, MENTOR_TOKEN for Priya Patel, a mentor with room)."""
    admin_secret = await admin_token(run)
    found = await run(organizations_of_email, OrganizationsOfEmail(email=ADMIN_EMAIL), SYSTEM)
    org = found[0].id
    admin = _admin_actor(org)
    programs = await run(list_programs, ListPrograms(), admin)
    program = next(p for p in programs if p.name == "Engineering Mentoring")
    members = await run(list_program_members, ListProgramMembers(program_id=program.id), admin)
    mentor = next(m for m in members if m.name == DEMO_MENTOR[1])
    mentor_token = await create_token(run, org, DEMO_MENTOR[0], DEMO_MENTOR[1], Role.MEMBER)
    return {"T": admin_secret, "ORG": org, "PROGRAM": program.id, "MENTOR": mentor.id,
            "MENTOR_TOKEN": mentor_token}  # fmt: skip


def _admin_actor(organization_id: str) -> Actor:
    return Actor(
        user_id=SYSTEM.user_id, organization_id=OrganizationId(organization_id),
        role=Role.GLOBAL_ADMIN,
    )  # fmt: skip
