"""The directory: which of the organization's users is which Slack user, in which timezone.

A full sync pages `users.list` (200 a call): 10,000 people cost 50 calls instead of 10,000
lookups. People who join the organization after a sync are looked up one by one by email.
Slack calls happen outside any database transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import attrs

from application.actors import Actor, ensure_same_organization
from application.ports import Clock
from application.slack.gateway import SlackGateway, SlackUser
from application.slack.ports import SlackUnitOfWork
from domain.errors import IllegalTransition
from domain.ids import InstallationId, UserId
from domain.people import Role, User
from domain.slack.identity import SlackIdentity, identity_id
from domain.slack.installation import WorkspaceInstallation

PAGE = 200


@attrs.frozen(kw_only=True)
class SyncDirectory:
    installation_id: InstallationId
    only_newcomers: bool = False  # users who joined since the last full sync, by email lookup


@attrs.frozen(kw_only=True)
class DirectoryReport:
    slack_users: int
    matched: int
    calls: int


async def sync_slack_directory(
    cmd: SyncDirectory, actor: Actor, uow: SlackUnitOfWork, clock: Clock, gateway: SlackGateway
) -> DirectoryReport:
    if actor.role is not Role.SUPPORT:
        actor.require(Role.GLOBAL_ADMIN)
    async with uow:
        installation = await _active(uow, actor, cmd.installation_id)
        token = installation.bot.token if installation.bot else ""
        users = await uow.users.list_for_organization(installation.organization_id)
        since = installation.directory_synced_at
    if cmd.only_newcomers and since is not None:
        newcomers = [u for u in users if u.active and u.joined_at and u.joined_at > since]
        found, calls = await _look_up(gateway, token, newcomers)
    else:
        found, calls = await _list_all(gateway, token, installation)
    by_email = {u.email: u for u in users if u.active}
    async with uow:
        installation = await _active(uow, actor, cmd.installation_id)
        known = {
            i.id: i
            for i in await uow.slack_identities.list_for_organization(installation.organization_id)
        }
        now = clock.now()
        matched = 0
        for slack_user in found:
            user = by_email.get((slack_user.email or "").lower())
            if user is None:
                continue
            matched += 1
            await _remember(uow, known, installation, user, slack_user, now)
        if not cmd.only_newcomers:
            installation.directory_synced(now=now)
        await uow.commit()
    return DirectoryReport(slack_users=len(found), matched=matched, calls=calls)


async def _active(
    uow: SlackUnitOfWork, actor: Actor, installation_id: InstallationId
) -> WorkspaceInstallation:
    installation = await uow.installations.get(installation_id)
    ensure_same_organization(actor, installation.organization_id, "workspace installation")
    if not installation.is_active or installation.bot is None:
        raise IllegalTransition(f"{installation.workspace.display_name} is not connected.")
    return installation


async def _list_all(
    gateway: SlackGateway, token: str, installation: WorkspaceInstallation
) -> tuple[list[SlackUser], int]:
    found: list[SlackUser] = []
    cursor: str | None = None
    calls = 0
    while True:
        page = await gateway.list_users(
            token, team_id=installation.workspace.team_id, cursor=cursor, limit=PAGE
        )
        calls += 1
        found.extend(u for u in page.users if _is_person(u))
        cursor = page.next_cursor
        if not cursor:
            return found, calls


async def _look_up(
    gateway: SlackGateway, token: str, users: Sequence[User]
) -> tuple[list[SlackUser], int]:
    found = []
    for user in users:
        slack_user = await gateway.lookup_by_email(token, user.email)
        if slack_user is not None and _is_person(slack_user):
            found.append(slack_user)
    return found, len(users)


def _is_person(user: SlackUser) -> bool:
    return not user.deleted and not user.is_bot and bool(user.email)


async def _remember(
    uow: SlackUnitOfWork,
    known: dict[str, SlackIdentity],
    installation: WorkspaceInstallation,
    user: User,
    slack_user: SlackUser,
    now: datetime,
) -> None:
    key = installation.workspace.directory_key
    id = identity_id(installation.organization_id, key, slack_user.id)
    existing = known.get(id)
    email = (slack_user.email or "").lower()
    if existing is not None:
        if (existing.installation_id, existing.email, existing.tz) != (
            installation.id,
            email,
            slack_user.tz,
        ):
            existing.refresh(
                installation_id=installation.id, email=email, tz=slack_user.tz, now=now
            )
        return
    identity = SlackIdentity.found(
        id=id,
        organization_id=installation.organization_id,
        user_id=UserId(user.id),
        directory_key=key,
        slack_user_id=slack_user.id,
        installation_id=installation.id,
        email=email,
        tz=slack_user.tz,
        now=now,
    )
    known[id] = identity
    await uow.slack_identities.add(identity)
