"""The directory: which of the organization's users is which Slack user, in which timezone.

A full sync pages `users.list` (200 a call): 10,000 people cost 50 calls instead of 10,000
lookups (`directory_reading`). Each page is committed as soon as it is read, so the first
people are reachable (and welcomed) seconds after the install instead of after the last page
of a big workspace; a last transaction then settles what only the whole directory tells
(the workspaces a Grid person left, accounts listed as deactivated) and marks the sync done.
People who join the organization after a sync are looked up one by one by email; people who
join Slack later, or change there, arrive as events (`directory_changes`). Slack calls
happen outside any database transaction; a token Slack no longer accepts marks the
installation "needs reconnecting"."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import attrs

from application.actors import Actor, ensure_same_organization
from application.ports import Clock
from application.slack.bot_tokens import BotTokens
from application.slack.directory_reading import (
    DirectoryProgress,
    Found,
    Silent,
    list_all,
    look_up,
)
from application.slack.gateway import SlackError, SlackGateway, SlackUser
from application.slack.ports import SlackUnitOfWork
from application.slack.reconnect import NeedsReconnecting, note_refused_token
from domain.errors import ConcurrencyConflict, IllegalTransition
from domain.ids import InstallationId, UserId
from domain.people import Role, User
from domain.slack.identity import SlackIdentity, identity_id
from domain.slack.installation import WorkspaceInstallation

__all__ = ["DirectoryProgress", "DirectoryReport", "SyncDirectory", "sync_slack_directory"]


@attrs.frozen(kw_only=True)
class SyncDirectory:
    installation_id: InstallationId
    only_newcomers: bool = False  # users who joined since the last full sync, by email lookup
    progress: DirectoryProgress = attrs.field(factory=Silent, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class DirectoryReport:
    slack_users: int  # people (not bots, not deactivated), each counted once
    matched: int
    calls: int
    workspaces: int = 1


@attrs.frozen
class _Stored:
    """What an identity holds now, to write only what changes."""

    installation_id: str
    email: str
    tz: str | None
    team_ids: tuple[str, ...]
    deactivated: bool = False

    @classmethod
    def of(cls, identity: SlackIdentity) -> _Stored:
        return cls(identity.installation_id, identity.email, identity.tz, identity.team_ids,
                   identity.deactivated)  # fmt: skip


async def sync_slack_directory(
    cmd: SyncDirectory, actor: Actor, uow: SlackUnitOfWork, clock: Clock, gateway: SlackGateway
) -> DirectoryReport:
    if actor.role is not Role.SUPPORT:
        actor.require(Role.GLOBAL_ADMIN)
    async with uow:
        installation = await _active(uow, actor, cmd.installation_id)
        users = await uow.users.list_for_organization(installation.organization_id)
        since = installation.directory_synced_at
        stored = {
            i.id: _Stored.of(i)
            for i in await uow.slack_identities.list_for_organization(installation.organization_id)
        }
    keeper = _Keeper(uow=uow, actor=actor, clock=clock, installation_id=cmd.installation_id,
                     by_email={u.email: u for u in users if u.active}, stored=stored)  # fmt: skip
    try:
        # a rotating token due for renewal is renewed first (once across workers)
        token = await BotTokens(slack=gateway, uow_factory=lambda: uow, clock=clock).of(
            installation
        )
        if cmd.only_newcomers and since is not None:
            newcomers = [u for u in users if u.active and u.joined_at and u.joined_at > since]
            found = await look_up(gateway, token, installation, newcomers)
        else:
            found = await list_all(gateway, token, installation, cmd.progress,
                                   set(keeper.by_email), keeper.page)  # fmt: skip
    except SlackError as error:
        lost = await note_refused_token(uow, installation.id, error, clock)
        if lost is not None:
            raise NeedsReconnecting(lost) from error
        raise
    matched = await keeper.settle(found, full=not cmd.only_newcomers)
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


@attrs.define(kw_only=True)
class _Keeper:
    """Writes what the read found: page by page, then once more with the whole picture."""

    uow: SlackUnitOfWork
    actor: Actor
    clock: Clock
    installation_id: InstallationId
    by_email: dict[str, User]
    stored: dict[str, _Stored]

    async def page(self, found: Found, people: Sequence[SlackUser]) -> None:
        """Keep the people of one page at once (their workspaces so far: none is dropped
        before the whole directory is read)."""
        try:
            await self._page(found, people)
        except ConcurrencyConflict:  # an event changed someone meanwhile: read again, redo
            await self._reload()
            await self._page(found, people)

    async def settle(self, found: Found, *, full: bool) -> int:
        """Everything found, with the workspaces as the whole read shows them; accounts
        listed as deactivated; the sync's date when it read the whole directory. Returns
        how many people matched."""
        try:
            return await self._settle(found, full=full)
        except ConcurrencyConflict:
            await self._reload()
            return await self._settle(found, full=full)

    async def _reload(self) -> None:
        async with self.uow:
            installation = await _active(self.uow, self.actor, self.installation_id)
            self.stored = {
                i.id: _Stored.of(i) for i in
                await self.uow.slack_identities.list_for_organization(installation.organization_id)
            }  # fmt: skip

    async def _page(self, found: Found, people: Sequence[SlackUser]) -> None:
        async with self.uow:
            installation = await _active(self.uow, self.actor, self.installation_id)
            now = self.clock.now()
            for slack_user in people:
                user = self.by_email.get((slack_user.email or "").lower())
                if user is None:
                    continue
                before = self.stored.get(self._id(installation, slack_user.id))
                teams = {*(before.team_ids if before else ()), *found.teams_of[slack_user.id]}
                await self._keep(installation, user, slack_user, tuple(sorted(teams)), now)
            await self.uow.commit()

    async def _settle(self, found: Found, *, full: bool) -> int:
        async with self.uow:
            installation = await _active(self.uow, self.actor, self.installation_id)
            now = self.clock.now()
            matched = 0
            for slack_user in found.users.values():
                user = self.by_email.get((slack_user.email or "").lower())
                if user is None:
                    continue
                matched += 1
                teams = self._teams_now(installation, slack_user.id, found)
                await self._keep(installation, user, slack_user, teams, now)
            for slack_user_id in found.deactivated:
                await self._deactivate(installation, slack_user_id, now)
            if full:
                installation.directory_synced(now=now, covered=found.covered)
            await self.uow.commit()
        return matched

    def _id(self, installation: WorkspaceInstallation, slack_user_id: str) -> str:
        key = installation.workspace.directory_key
        return identity_id(installation.organization_id, key, slack_user_id)

    def _teams_now(
        self, installation: WorkspaceInstallation, slack_user_id: str, found: Found
    ) -> tuple[str, ...]:
        """The person's workspaces after this sync: those it paged say where they are now;
        the Grid's other workspaces (synced through other installations) keep what was
        known."""
        existing = self.stored.get(self._id(installation, slack_user_id))
        before = existing.team_ids if existing is not None else ()
        paged = {w.team_id for w in found.covered} if found.covered is not None else set()
        kept = [t for t in before if t not in paged]
        return tuple(sorted({*kept, *found.teams_of.get(slack_user_id, [])}))

    async def _keep(
        self,
        installation: WorkspaceInstallation,
        user: User,
        slack_user: SlackUser,
        team_ids: tuple[str, ...],
        now: datetime,
    ) -> None:
        id = self._id(installation, slack_user.id)
        email = (slack_user.email or "").lower()
        wanted = _Stored(installation.id, email, slack_user.tz, team_ids)
        before = self.stored.get(id)
        if before == wanted:
            return
        if before is not None:
            identity = await self.uow.slack_identities.get(id)
            identity.refresh(installation_id=installation.id, email=email, tz=slack_user.tz,
                             now=now, team_ids=team_ids)  # fmt: skip
        else:
            await self.uow.slack_identities.add(
                SlackIdentity.found(
                    id=id, organization_id=installation.organization_id,
                    user_id=UserId(user.id), directory_key=installation.workspace.directory_key,
                    slack_user_id=slack_user.id, installation_id=installation.id, email=email,
                    tz=slack_user.tz, now=now, team_ids=team_ids,
                )
            )  # fmt: skip
        self.stored[id] = wanted

    async def _deactivate(
        self, installation: WorkspaceInstallation, slack_user_id: str, now: datetime
    ) -> None:
        id = self._id(installation, slack_user_id)
        before = self.stored.get(id)
        if before is None or before.deactivated:
            return
        identity = await self.uow.slack_identities.get(id)
        identity.deactivate(now=now)
        self.stored[id] = attrs.evolve(before, deactivated=True)
