# Over 300 lines: one publisher (on open, after actions, stale ones within the pace, 429s).
"""Publishing Home tabs (`views.publish`): when a person opens it (`app_home_opened`), and
whenever their area changes while it may be open (`mark_stale` by the delivery worker's
expansion, see `application.delivery.preferences.FollowingHomes`; a preference change).

A Home is always rebuilt from the store, so publishing twice is harmless and a lost refresh
is repaired the next time the person opens the tab: the stale set lives in the process's
memory, and `run` publishes it shortly after each change."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any, Protocol

import attrs

from application.actors import Actor
from application.delivery.ports import EveryTurn, SlackPacing, Turns
from application.ports import Clock
from application.preferences import PreferenceStore
from application.slack.bot_tokens import DEFAULT_AHEAD, BotTokens
from application.slack.gateway import SlackError, SlackGateway, SlackRateLimited
from application.slack.home import Home, Stranger, read_home
from application.slack.ports import SlackUnitOfWork
from application.slack.reconnect import note_refused_token
from domain.errors import NotFound
from domain.ids import InstallationId, UserId
from domain.preferences import defaults_for
from domain.slack.identity import identity_id
from domain.slack.installation import SlackWorkspace, WorkspaceInstallation

log = logging.getLogger(__name__)
PUBLISH = "views.publish"


@attrs.frozen(kw_only=True)
class SlackPerson:
    """A Slack user as Slack names them in an event or an interaction: who, in which
    workspace (of which Grid; `is_enterprise_install` for an org-wide install)."""

    enterprise_id: str | None
    team_id: str | None
    slack_user_id: str
    is_enterprise_install: bool = False


@attrs.frozen(kw_only=True)
class HomeOpened(SlackPerson):
    """`app_home_opened` on the Home tab."""


class HomeRenderer(Protocol):
    """A Home (or a stranger's page) as a Home tab view (Block Kit JSON, within Slack's
    limits), with links to the platform."""

    def render(self, page: Home | Stranger) -> Mapping[str, Any]: ...


@attrs.frozen(kw_only=True)
class HomeTarget:
    """Where one person's Home goes: a Slack user through an installation's bot token."""

    user_id: str | None  # the platform user, None for a stranger
    token: str = attrs.field(repr=False)
    slack_user_id: str
    team_id: str | None
    installation_id: str
    workspace: str  # the rate-limit key, as the delivery worker's routes have it
    expires_at: datetime | None = None  # when the token expires (token rotation)


def _target(
    installation: WorkspaceInstallation, user_id: str | None, slack_user_id: str,
    team_id: str | None,
) -> HomeTarget:  # fmt: skip
    assert installation.bot is not None
    workspace = installation.workspace
    return HomeTarget(
        user_id=user_id, token=installation.bot.token, slack_user_id=slack_user_id,
        team_id=team_id or workspace.team_id, installation_id=installation.id,
        workspace=workspace.team_id or workspace.enterprise_id or installation.id,
        expires_at=installation.bot.expires_at,
    )  # fmt: skip


class _Paced(Exception):
    """Slack's rate limit for views.publish in that workspace: not before `until`."""

    def __init__(self, until: datetime) -> None:
        super().__init__(f"paced until {until.isoformat()}")
        self.until = until


async def installation_for(
    uow: SlackUnitOfWork, *, enterprise_id: str | None, team_id: str | None, org_wide: bool
) -> WorkspaceInstallation | None:
    """The active installation Slack's (enterprise, team) names, if any."""
    keys = []
    if enterprise_id and (org_wide or not team_id):
        keys.append(SlackWorkspace(enterprise_id=enterprise_id, is_enterprise_install=True).key)
    if team_id:
        keys.append(SlackWorkspace(enterprise_id=enterprise_id, team_id=team_id).key)
        if enterprise_id:  # a workspace of a Grid installed org-wide
            keys.append(SlackWorkspace(enterprise_id=enterprise_id, is_enterprise_install=True).key)
    for key in keys:
        found = await uow.installations.find_by_key(key)
        if found is not None and found.is_active and found.bot is not None:
            return found
    return None


async def platform_user_of(
    uow: SlackUnitOfWork, installation: WorkspaceInstallation, slack_user_id: str
) -> UserId | None:
    """The active platform user behind a Slack user of this installation's directory."""
    key = identity_id(installation.organization_id, installation.workspace.directory_key,
                      slack_user_id)  # fmt: skip
    try:
        identity = await uow.slack_identities.get(key)
        user = await uow.users.get(identity.user_id)
    except NotFound:
        return None
    return user.id if user.active else None


async def slack_actor(person: SlackPerson, _: Actor, uow: SlackUnitOfWork) -> Actor | None:
    """The platform user a Slack user acts as (None: an unknown workspace, a removed
    installation, or nobody the platform knows)."""
    async with uow:
        installation = await installation_for(
            uow, enterprise_id=person.enterprise_id, team_id=person.team_id,
            org_wide=person.is_enterprise_install,
        )  # fmt: skip
        if installation is None:
            return None
        user_id = await platform_user_of(uow, installation, person.slack_user_id)
        if user_id is None:
            return None
        user = await uow.users.get(user_id)
        return Actor(user_id=user.id, organization_id=user.organization_id, role=user.role)


@attrs.define(kw_only=True)
class HomePublisher:
    """Builds and publishes Home tabs; everything it needs is handed in by bootstrap."""

    uow_factory: Callable[[], SlackUnitOfWork]
    gateway: SlackGateway
    renderer: HomeRenderer
    preferences: PreferenceStore
    clock: Clock
    pacing: SlackPacing | None = None  # shared with the delivery worker: refreshes keep to it
    renew_ahead: timedelta = DEFAULT_AHEAD  # token rotation: renew this long before expiry
    stale: set[str] = attrs.field(factory=set)
    wake: asyncio.Event = attrs.field(factory=asyncio.Event)
    not_before: datetime | None = None  # the pacing's answer for what is still stale
    turns: Turns = attrs.field(factory=EveryTurn)  # inside serve: requests go first
    _held: dict[str, datetime] = attrs.field(factory=dict)  # workspace -> the pace's "not before"
    _found_in: dict[str, frozenset[str]] = attrs.field(factory=dict)  # user -> their workspaces
    looping: bool = False  # `run` is publishing what goes stale (it coalesces refreshes)

    async def opened(self, cmd: HomeOpened) -> None:
        """Publish the Home of whoever opened it (a stranger gets how to be matched). Runs
        after Slack got its answer: a failure is logged, never raised."""
        try:
            await self._opened(cmd)
        except Exception:
            log.exception("Could not publish the Home %s opened", cmd.slack_user_id)

    async def _opened(self, cmd: HomeOpened) -> None:
        async with self.uow_factory() as uow:
            installation = await installation_for(
                uow, enterprise_id=cmd.enterprise_id, team_id=cmd.team_id,
                org_wide=cmd.is_enterprise_install,
            )  # fmt: skip
            if installation is None or installation.bot is None:
                return  # not connected (any more): nobody to publish as
            user_id = await platform_user_of(uow, installation, cmd.slack_user_id)
        target = _target(installation, user_id, cmd.slack_user_id, cmd.team_id)
        page = await self._page(user_id, installation.workspace.display_name)
        await self._publish(target, page, paced=False)  # someone is looking: at once

    async def publish_for(self, user_id: str, *, notice: str = "", paced: bool = False) -> int:
        """Publish the person's Home in every connected workspace they were found in; how
        many were published. `paced`: within the shared views.publish pace — a refresh nobody
        is waiting for. The pace is asked before the Home is read (a held-back Home costs no
        read), and `_Paced` is raised when it holds back any of the person's workspaces (they
        stay stale; publishing again where it went is harmless)."""
        targets = await self._targets(user_id)
        self._found_in[user_id] = frozenset(t.workspace for t in targets)
        held: datetime | None = None
        if paced:
            targets, held = await self._reserved(targets)
        done = 0
        if targets:
            page = await self._page(UserId(user_id), "", notice=notice)
            for target in targets:
                done += await self._publish(target, page, paced=paced)
        if held is not None:
            raise _Paced(held)
        return done

    async def _reserved(
        self, targets: list[HomeTarget]
    ) -> tuple[list[HomeTarget], datetime | None]:
        """The targets the views.publish pace lets go now (each takes its slot), and the
        earliest moment the others may go. A workspace the pace held back is not asked again
        before that moment."""
        now, granted, held = self.clock.now(), [], None
        for target in targets:
            until = self._held.get(target.workspace)
            if (until is None or until <= now) and self.pacing is not None:
                until = await self.pacing.reserve(target.workspace, PUBLISH, now)
            if until is None or until <= now:
                self._held.pop(target.workspace, None)
                granted.append(target)
            else:
                self._held[target.workspace] = until
                held = min(held or until, until)
        return granted, held

    def mark_stale(self, user_ids: Iterable[str]) -> None:
        """These people's areas changed: publish their Homes again soon."""
        before = len(self.stale)
        self.stale.update(user_ids)
        if len(self.stale) > before:
            self.wake.set()

    async def publish_stale(self) -> int:
        """Publish every stale Home once, within Slack's pace; how many were published. A
        Home the pace holds back stays stale, due at `not_before`."""
        people, self.stale, self.not_before = sorted(self.stale), set(), None
        published = 0
        for user_id in people:
            if (until := self._held_back(user_id)) is not None:
                self.stale.add(user_id)  # their workspaces are still held: no read, no call
                self.not_before = min(self.not_before or until, until)
                continue
            await self.turns.wait_turn()
            try:
                published += await self.publish_for(user_id, paced=True) > 0
            except _Paced as paced:
                self.stale.add(user_id)
                self.not_before = min(self.not_before or paced.until, paced.until)
            except Exception:  # one person's Home must not stop the others'
                log.exception("Could not publish the Home of %s", user_id)
        return published

    def _held_back(self, user_id: str) -> datetime | None:
        """When the person was last found only in workspaces the pace still holds back: the
        earliest of those moments. (Where they are found is read again once one lapses.)"""
        now = self.clock.now()
        moments = [self._held.get(w) for w in self._found_in.get(user_id, ())]
        if not moments or any(m is None or m <= now for m in moments):
            return None
        return min(m for m in moments if m is not None)

    async def run(self, stop: asyncio.Event, pause: float = 0.2) -> None:
        """Until `stop`: publish what went stale, a moment after it did (changes that come
        together are published once), and what the pace held back once it allows."""
        self.looping = True
        try:
            await self._run(stop, pause)
        finally:
            self.looping = False

    async def refresh_soon(self, user_id: str) -> None:
        """After someone acted: their Home again — with the next stale ones (coalesced with
        the refresh their area's change will ask for) while `run` runs, else at once."""
        if self.looping:
            self.mark_stale([user_id])
        else:
            await self.publish_for(user_id)

    async def _run(self, stop: asyncio.Event, pause: float) -> None:
        while not stop.is_set():
            await self._idle(stop, self._seconds_to_wait())
            self.wake.clear()
            if self.stale and not stop.is_set() and self._seconds_to_wait() <= 0:
                await asyncio.sleep(pause)
                await self.publish_stale()

    def _seconds_to_wait(self) -> float:
        if not self.stale:
            return 5.0
        if self.not_before is None:
            return 0.0
        return max(0.0, (self.not_before - self.clock.now()).total_seconds())

    async def _idle(self, stop: asyncio.Event, seconds: float) -> None:
        """Until `seconds` pass, a change wakes us, or `stop`."""
        if seconds <= 0:
            return
        waiters = [asyncio.ensure_future(e.wait()) for e in (stop, self.wake)]
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(
                asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED), seconds
            )
        for waiter in waiters:
            waiter.cancel()

    async def _page(
        self, user_id: UserId | None, workspace: str, notice: str = ""
    ) -> Home | Stranger:
        if user_id is None:
            return Stranger(workspace=workspace)
        saved = await self.preferences.get(user_id)
        async with self.uow_factory() as uow:
            organization_id = (await uow.users.get(user_id)).organization_id
            preferences = saved or defaults_for(user_id, organization_id)
            home = await read_home(uow, user_id, preferences, self.clock.now())
        return attrs.evolve(home, notice=notice) if notice else home

    async def _targets(self, user_id: str) -> list[HomeTarget]:
        targets = []
        async with self.uow_factory() as uow:
            for identity in await uow.slack_identities.list_for_user(UserId(user_id)):
                if identity.deactivated:
                    continue  # Slack has nobody to show a Home to
                try:
                    installation = await uow.installations.get(
                        InstallationId(identity.installation_id)
                    )
                except NotFound:
                    continue
                if not installation.is_active or installation.bot is None:
                    continue
                targets.append(_target(installation, user_id, identity.slack_user_id, None))
        return targets

    async def _publish(self, target: HomeTarget, page: Home | Stranger, *, paced: bool) -> int:
        """One views.publish (`paced`: its slot is already reserved; a 429 raises `_Paced`)."""
        view = self.renderer.render(page)
        tokens = BotTokens(slack=self.gateway, uow_factory=self.uow_factory, clock=self.clock,
                           ahead=self.renew_ahead)
        try:
            token = await tokens.fresh(target.installation_id, target.token, target.expires_at)
            await self.gateway.publish_view(
                token, user_id=target.slack_user_id, view=view, team_id=target.team_id
            )
        except SlackRateLimited as limited:
            until = self.clock.now() + timedelta(seconds=limited.retry_after)
            if self.pacing is not None:
                await self.pacing.pause(target.workspace, PUBLISH, until)
            self._held[target.workspace] = until
            if paced:
                raise _Paced(until) from None
            log.warning("views.publish for %s: rate-limited", target.slack_user_id)
            return 0
        except SlackError as refused:
            log.warning("views.publish for %s refused: %s", target.slack_user_id, refused.code)
            # issue 12: a token Slack no longer accepts marks its installation "needs reconnecting"
            installation_id = InstallationId(target.installation_id)
            await note_refused_token(self.uow_factory(), installation_id, refused, self.clock)
            return 0
        return 1
