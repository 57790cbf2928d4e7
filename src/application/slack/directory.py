"""The directory: which of the organization's users is which Slack user, in which timezone.

A full sync pages `users.list` (200 a call): 10,000 people cost 50 calls instead of 10,000
lookups. An org-wide Grid install pages each workspace the Grid granted it
(`auth.teams.list`), naming it with `team_id` as Slack requires of org-level tokens; a person
has one user id across the Grid, so one found in several of its workspaces is matched once.
People who join the organization after a sync are looked up one by one by email. Slack calls
happen outside any database transaction; a token Slack no longer accepts marks the
installation "needs reconnecting"."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

import attrs

from application.actors import Actor, ensure_same_organization
from application.ports import Clock
from application.slack.bot_tokens import BotTokens
from application.slack.gateway import SlackError, SlackGateway, SlackUser
from application.slack.ports import SlackUnitOfWork
from application.slack.reconnect import NeedsReconnecting, note_refused_token
from domain.errors import IllegalTransition
from domain.ids import InstallationId, UserId
from domain.people import Role, User
from domain.slack.identity import SlackIdentity, identity_id
from domain.slack.installation import CoveredWorkspace, WorkspaceInstallation

PAGE = 200


class DirectoryProgress(Protocol):
    """Told how a sync goes (the command line draws a progress bar from it)."""

    def workspaces(self, names: Sequence[str]) -> None:
        """The workspaces about to be paged."""

    def reading(self, workspace: str) -> None:
        """Paging of `workspace` begins."""

    def page(self, workspace: str, *, pages: int, people: int, matched: int) -> None:
        """One more page of `workspace` read. Totals so far, over every workspace: `pages`
        read, `people` found (each once), `matched` to the organization's users by email."""


class _Silent:
    def workspaces(self, names: Sequence[str]) -> None:
        pass

    def reading(self, workspace: str) -> None:
        pass

    def page(self, workspace: str, *, pages: int, people: int, matched: int) -> None:
        pass


@attrs.frozen(kw_only=True)
class SyncDirectory:
    installation_id: InstallationId
    only_newcomers: bool = False  # users who joined since the last full sync, by email lookup
    progress: DirectoryProgress = attrs.field(factory=_Silent, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class DirectoryReport:
    slack_users: int  # people (not bots, not deactivated), each counted once
    matched: int
    calls: int
    workspaces: int = 1


@attrs.frozen
class _Found:
    users: dict[str, SlackUser]  # by Slack user id: one entry per person, however many teams
    teams_of: dict[str, list[str]]  # Slack user id -> the workspaces they were found in
    covered: tuple[CoveredWorkspace, ...] | None
    calls: int


async def sync_slack_directory(
    cmd: SyncDirectory, actor: Actor, uow: SlackUnitOfWork, clock: Clock, gateway: SlackGateway
) -> DirectoryReport:
    if actor.role is not Role.SUPPORT:
        actor.require(Role.GLOBAL_ADMIN)
    async with uow:
        installation = await _active(uow, actor, cmd.installation_id)
        users = await uow.users.list_for_organization(installation.organization_id)
        since = installation.directory_synced_at
    try:
        # a rotating token due for renewal is renewed first (once across workers)
        token = await BotTokens(slack=gateway, uow_factory=lambda: uow, clock=clock).of(
            installation
        )
        if cmd.only_newcomers and since is not None:
            newcomers = [u for u in users if u.active and u.joined_at and u.joined_at > since]
            found = await _look_up(gateway, token, installation, newcomers)
        else:
            emails = {u.email for u in users if u.active}
            found = await _list_all(gateway, token, installation, cmd.progress, emails)
    except SlackError as error:
        lost = await note_refused_token(uow, installation.id, error, clock)
        if lost is not None:
            raise NeedsReconnecting(lost) from error
        raise
    by_email = {u.email: u for u in users if u.active}
    async with uow:
        installation = await _active(uow, actor, cmd.installation_id)
        known = {
            i.id: i
            for i in await uow.slack_identities.list_for_organization(installation.organization_id)
        }
        now = clock.now()
        matched = 0
        for slack_user in found.users.values():
            user = by_email.get((slack_user.email or "").lower())
            if user is None:
                continue
            matched += 1
            teams = _teams_now(known, installation, slack_user.id, found)
            await _remember(uow, known, installation, user, slack_user, teams, now)
        if not cmd.only_newcomers:
            installation.directory_synced(now=now, covered=found.covered)
        await uow.commit()
    workspaces = len(found.covered) if found.covered is not None else 1
    return DirectoryReport(
        slack_users=len(found.users), matched=matched, calls=found.calls, workspaces=workspaces
    )


async def _active(
    uow: SlackUnitOfWork, actor: Actor, installation_id: InstallationId
) -> WorkspaceInstallation:
    installation = await uow.installations.get(installation_id)
    ensure_same_organization(actor, installation.organization_id, "workspace installation")
    if installation.needs_reconnecting:
        raise NeedsReconnecting(installation)
    if not installation.is_active or installation.bot is None:
        raise IllegalTransition(f"{installation.workspace.display_name} is not connected.")
    return installation


async def _workspaces_of(
    gateway: SlackGateway, token: str, installation: WorkspaceInstallation
) -> tuple[tuple[CoveredWorkspace, ...], int]:
    """The workspaces to page: the installation's own, or every one its Grid granted."""
    workspace = installation.workspace
    if workspace.team_id is not None:
        return (CoveredWorkspace(team_id=workspace.team_id, name=workspace.team_name),), 0
    teams = await gateway.list_teams(token)
    return tuple(CoveredWorkspace(team_id=t.id, name=t.name) for t in teams), 1


async def _list_all(
    gateway: SlackGateway,
    token: str,
    installation: WorkspaceInstallation,
    progress: DirectoryProgress,
    emails: set[str],
) -> _Found:
    covered, calls = await _workspaces_of(gateway, token, installation)
    progress.workspaces([w.name for w in covered])
    found = _Found(users={}, teams_of={}, covered=covered, calls=calls)
    pages = matched = 0
    for workspace in covered:
        progress.reading(workspace.name)
        cursor: str | None = None
        while True:
            page = await gateway.list_users(
                token, team_id=workspace.team_id, cursor=cursor, limit=PAGE
            )
            calls += 1
            pages += 1
            for user in page.users:
                if _is_person(user):
                    if user.id not in found.users:
                        matched += (user.email or "").lower() in emails
                    found.users.setdefault(user.id, user)
                    found.teams_of.setdefault(user.id, []).append(workspace.team_id)
            progress.page(workspace.name, pages=pages, people=len(found.users), matched=matched)
            cursor = page.next_cursor
            if not cursor:
                break
    return attrs.evolve(found, calls=calls)


async def _look_up(
    gateway: SlackGateway, token: str, installation: WorkspaceInstallation, users: Sequence[User]
) -> _Found:
    found = _Found(users={}, teams_of={}, covered=None, calls=len(users))
    for user in users:
        slack_user = await gateway.lookup_by_email(token, user.email)
        if slack_user is not None and _is_person(slack_user):
            found.users[slack_user.id] = slack_user
            team = slack_user.team_id or installation.workspace.team_id
            found.teams_of[slack_user.id] = [team] if team else []
    return found


def _is_person(user: SlackUser) -> bool:
    return not user.deleted and not user.is_bot and bool(user.email)


def _teams_now(
    known: dict[str, SlackIdentity],
    installation: WorkspaceInstallation,
    slack_user_id: str,
    found: _Found,
) -> tuple[str, ...]:
    """The person's workspaces after this sync: those it paged say where they are now; the
    Grid's other workspaces (synced through other installations) keep what was known."""
    key = installation.workspace.directory_key
    existing = known.get(identity_id(installation.organization_id, key, slack_user_id))
    before = existing.team_ids if existing is not None else ()
    paged = {w.team_id for w in found.covered} if found.covered is not None else set()
    kept = [t for t in before if t not in paged]
    return tuple(sorted({*kept, *found.teams_of.get(slack_user_id, [])}))


async def _remember(
    uow: SlackUnitOfWork,
    known: dict[str, SlackIdentity],
    installation: WorkspaceInstallation,
    user: User,
    slack_user: SlackUser,
    team_ids: tuple[str, ...],
    now: datetime,
) -> None:
    key = installation.workspace.directory_key
    id = identity_id(installation.organization_id, key, slack_user.id)
    existing = known.get(id)
    email = (slack_user.email or "").lower()
    if existing is not None:
        if (existing.installation_id, existing.email, existing.tz, existing.team_ids) != (
            installation.id,
            email,
            slack_user.tz,
            team_ids,
        ):
            existing.refresh(
                installation_id=installation.id,
                email=email,
                tz=slack_user.tz,
                now=now,
                team_ids=team_ids,
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
        team_ids=team_ids,
    )
    known[id] = identity
    await uow.slack_identities.add(identity)
