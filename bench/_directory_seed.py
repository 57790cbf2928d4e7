"""The organization bench/directory_sync.py maps: N users whose emails are the sandbox's
generated members, a global administrator, and the installation of the bench workspace."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from application.actors import SYSTEM, Actor
from application.running import UseCaseRunner
from application.slack.gateway import SlackGateway
from application.usecases.access_tokens import IssueToken, issue_token
from application.usecases.organization_setup import CreateOrganization, create_organization
from application.usecases.slack_switches import (
    SwitchSlackForOrganization,
    switch_slack_for_organization,
)
from bench._directory_sandbox import TEAM_ID, SandboxProcess, generated_email
from domain.ids import InstallationId, OrganizationId, UserId, new_id
from domain.people import Role, User
from domain.slack.installation import BotCredentials, SlackWorkspace, WorkspaceInstallation

ADMIN_EMAIL = "admin@bench.example"  # not a Slack member: the one user left unmatched


@dataclass(frozen=True)
class SeededOrganization:
    """The organization, its global administrator, and the users the sync should map."""

    id: OrganizationId
    admin: Actor
    user_ids: frozenset[UserId]


async def seed(run: UseCaseRunner, users: int) -> SeededOrganization:
    """The organization (Slack switched on by support) and its admin through the use cases;
    the `users` members added as User aggregates in one transaction (seconds, not minutes)."""
    org = await run(create_organization, CreateOrganization(name="Bench Directory Co"), SYSTEM)
    support = Actor(user_id=SYSTEM.user_id, organization_id=org.id, role=Role.SUPPORT)
    await run(
        switch_slack_for_organization,
        SwitchSlackForOrganization(organization_id=org.id, enabled=True),
        support,
    )
    issued = await run(
        issue_token,
        IssueToken(
            organization_id=org.id, email=ADMIN_EMAIL, name="Bench Admin", role=Role.GLOBAL_ADMIN
        ),
        support,
    )
    admin = Actor(user_id=issued.user.id, organization_id=org.id, role=Role.GLOBAL_ADMIN)
    now = run.clock.now()
    members = [
        User(id=UserId(new_id()), organization_id=org.id, email=generated_email(n),
             name=f"Member {n:05d}", joined_at=now)
        for n in range(users)
    ]  # fmt: skip
    async with run.uow_factory() as uow:
        for user in members:
            await uow.users.add(user)
        await uow.commit()
    return SeededOrganization(id=org.id, admin=admin, user_ids=frozenset(u.id for u in members))


async def install(
    run: UseCaseRunner, org: SeededOrganization, sandbox: SandboxProcess, gateway: SlackGateway
) -> InstallationId:
    """Install the app through the sandbox's inspection API (no browser), describe the
    workspace as the OAuth callback does (auth.test + team.info), store the installation."""
    grant = await asyncio.to_thread(sandbox.install)
    token = str(grant["access_token"])
    profile = await gateway.describe(token, TEAM_ID)
    workspace = SlackWorkspace(
        team_id=TEAM_ID,
        team_name=profile.team_name,
        domain=profile.domain,
        icon_url=profile.icon_url,
    )
    bot = BotCredentials(
        token=token,
        bot_user_id=str(grant["bot_user_id"]),
        bot_id=profile.bot_id,
        app_id=str(grant["app_id"]),
        scopes=tuple(str(grant["scope"]).split(",")),
    )
    async with run.uow_factory() as uow:
        installation = WorkspaceInstallation.install(
            id=InstallationId(new_id()),
            organization_id=org.id,
            workspace=workspace,
            bot=bot,
            installed_by=org.admin.user_id,
            installer_slack_user_id=str(grant["authed_user"]["id"]),
            now=run.clock.now(),
        )
        await uow.installations.add(installation)
        await uow.commit()
    return installation.id


async def count_mapped(run: UseCaseRunner, org: SeededOrganization) -> tuple[int, int]:
    """(seeded users with a Slack identity, seeded users without one), read back from the
    store after the sync."""
    async with run.uow_factory() as uow:
        identities = await uow.slack_identities.list_for_organization(org.id)
    mapped = {identity.user_id for identity in identities}
    return len(org.user_ids & mapped), len(org.user_ids - mapped)
