"""Operator tasks the CLI runs against the configured database."""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from adapters.demo import ADMIN_EMAIL, seed_demo
from adapters.persistence.sqlite_checkpoints import sqlite_file
from adapters.settings import Settings
from application.actors import SYSTEM, Actor
from application.running import UseCaseRunner
from application.slack import SlackGateway
from application.usecases.access_tokens import IssueToken, RevokeToken, issue_token, revoke_token
from application.usecases.expire_overdue import ExpireOverdue, expire_overdue
from application.usecases.organization_setup import CreateOrganization, create_organization
from application.usecases.slack_directory import (
    DirectoryReport,
    SyncDirectory,
    sync_slack_directory,
)
from domain.errors import NotFound
from domain.ids import InstallationId, OrganizationId
from domain.people import Role


def local_secret_key(database_url: str) -> str:
    """The development secret `run-local` keeps beside its database (made on first start,
    readable only by its owner), so sealed tokens and sessions survive a restart."""
    database = sqlite_file(database_url)
    path = Path(f"{database}.secret-key") if database else Path(".mentorlink-secret-key")
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    with os.fdopen(descriptor, "w") as file:
        file.write(key + "\n")
    return key


@asynccontextmanager
async def _runner(settings: Settings) -> AsyncIterator[UseCaseRunner]:
    from bootstrap import create_container

    container = create_container(settings)
    try:
        yield container.runner()
    finally:
        if not settings.uses_memory:
            await container.engine().dispose()


def _support(organization_id: str) -> Actor:
    return Actor(
        user_id=SYSTEM.user_id, organization_id=OrganizationId(organization_id), role=Role.SUPPORT
    )


async def seed_if_empty(settings: Settings) -> bool:
    async with _runner(settings) as run:
        async with run.uow_factory() as uow:
            if await uow.organizations.list():
                return False
        await seed_demo(run)
        return True


async def admin_token(settings: Settings) -> str:
    """A fresh token for the demo administrator (tokens are shown once, so make a new one)."""
    async with _runner(settings) as run:
        async with run.uow_factory() as uow:
            for org in await uow.organizations.list():
                if await uow.users.find_by_email(org.id, ADMIN_EMAIL):
                    break
            else:
                raise NotFound(f"No organization has the demo admin {ADMIN_EMAIL}.")
        issued = await run(
            issue_token,
            IssueToken(
                organization_id=org.id,
                email=ADMIN_EMAIL,
                name="Ada Lovelace",
                role=Role.GLOBAL_ADMIN,
                label="make run",
            ),
            _support(org.id),
        )
        return issued.secret


async def create_org(settings: Settings, name: str) -> str:
    async with _runner(settings) as run:
        org = await run(create_organization, CreateOrganization(name=name), SYSTEM)
        return org.id


async def list_orgs(settings: Settings) -> list[str]:
    async with _runner(settings) as run, run.uow_factory() as uow:
        return [
            f"{org.id}\t{'slack-on' if org.slack_enabled else 'slack-off'}\t{org.name}"
            for org in await uow.organizations.list()
        ]


async def create_token(settings: Settings, org: str, email: str, name: str, role: Role) -> str:
    async with _runner(settings) as run:
        command = IssueToken(organization_id=OrganizationId(org), email=email, name=name, role=role)
        return (await run(issue_token, command, _support(org))).secret


async def revoke_api_token(settings: Settings, token_id: str) -> str:
    """Revoke any token (as the system); returns its label."""
    async with _runner(settings) as run:
        return (await run(revoke_token, RevokeToken(token_id=token_id), SYSTEM)).label


async def expire_overdue_now(settings: Settings) -> tuple[int, int]:
    async with _runner(settings) as run:
        expired = await run(expire_overdue, ExpireOverdue(), SYSTEM)
        return expired.requests, expired.meetings


async def rotate_keys(settings: Settings) -> int:
    from adapters.persistence.database import create_engine
    from adapters.persistence.sealing import TokenSealer, reseal_installations

    engine = create_engine(settings.database_url)
    try:
        return await reseal_installations(engine, TokenSealer(settings.checked_secret_keys()))
    finally:
        await engine.dispose()


@asynccontextmanager
async def _slack(settings: Settings) -> AsyncIterator[tuple[UseCaseRunner, SlackGateway]]:
    from bootstrap import create_container

    container = create_container(settings)
    try:
        yield container.runner(), container.slack_gateway()
    finally:
        if not settings.uses_memory:
            await container.engine().dispose()


async def sync_directory(
    settings: Settings, installation_id: str, newcomers: bool
) -> DirectoryReport:
    """`mentorlink slack sync`: the directory sync an admin starts from the Slack page."""
    async with _slack(settings) as (run, gateway):
        command = SyncDirectory(
            installation_id=InstallationId(installation_id), only_newcomers=newcomers
        )
        return await sync_slack_directory(command, SYSTEM, run.uow_factory(), run.clock, gateway)


async def list_installations(settings: Settings) -> list[str]:
    """`mentorlink slack list`: id, status, directory sync, organization, workspace."""
    lines = []
    async with _runner(settings) as run, run.uow_factory() as uow:
        for org in await uow.organizations.list():
            for i in await uow.installations.list_for_organization(org.id):
                synced = i.directory_synced_at.isoformat() if i.directory_synced_at else "never"
                where = i.workspace.domain or i.workspace.enterprise_id or ""
                lines.append(
                    f"{i.id}\t{i.status.value}\tsynced {synced}\t{org.name}\t"
                    f"{i.workspace.display_name} ({where})"
                )
    return lines
