"""Connecting a Slack workspace: "Add a workspace" (OAuth state), the callback that stores the
installation, and removal by an administrator. Removal from Slack's side is in
slack_removal.py; the directory of who is who in slack_directory.py."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import attrs

from application.actors import Actor, ensure_same_organization
from application.ports import Clock
from application.slack.gateway import SlackError, SlackGateway
from application.slack.ports import SlackUnitOfWork
from domain.errors import IllegalTransition, NotAllowed, NotFound
from domain.events import DomainEvent
from domain.ids import InstallationId, new_id
from domain.people import Role
from domain.slack.install_attempt import InstallAttempt
from domain.slack.installation import (
    BotCredentials,
    RemovedBy,
    SlackWorkspace,
    WorkspaceInstallation,
)


class InstallRefused(NotAllowed):
    """Slack or our own checks refused the install; the message says which and why."""


def session_key(session_id: str) -> str:
    """What an install attempt remembers of the browser session (never the session id)."""
    return hashlib.sha256(session_id.encode()).hexdigest()


async def _require_slack_admin(uow: SlackUnitOfWork, actor: Actor) -> None:
    actor.require(Role.GLOBAL_ADMIN)
    organization = await uow.organizations.get(actor.organization_id)
    if not organization.slack_enabled:
        raise NotAllowed("Slack is not enabled for your organization; ask support to turn it on.")


@attrs.frozen(kw_only=True)
class BeginSlackInstall:
    session_id: str  # the admin's browser session


async def begin_slack_install(
    cmd: BeginSlackInstall, actor: Actor, uow: SlackUnitOfWork, clock: Clock
) -> InstallAttempt:
    """A fresh OAuth `state` for this admin's session (the adapter builds Slack's URL)."""
    async with uow:
        await _require_slack_admin(uow, actor)
        attempt = InstallAttempt(
            id=secrets.token_urlsafe(32),
            organization_id=actor.organization_id,
            user_id=actor.user_id,
            session_key=session_key(cmd.session_id),
            created_at=clock.now(),
        )
        await uow.install_attempts.add(attempt)
        await uow.commit()
        return attempt


@attrs.frozen(kw_only=True)
class CompleteSlackInstall:
    state: str
    session_id: str
    code: str
    redirect_uri: str


@attrs.frozen(kw_only=True)
class SlackInstalled:
    """The stored installation, and the events its commit wrote to the outbox (what the
    reactions to it start from while they still run in-process)."""

    installation: WorkspaceInstallation
    events: tuple[DomainEvent, ...]


async def _spend_state(
    cmd: CompleteSlackInstall, actor: Actor, uow: SlackUnitOfWork, clock: Clock
) -> None:
    """Use the state once; a replay, a stale link or another session's link is refused."""
    async with uow:
        await _require_slack_admin(uow, actor)
        try:
            attempt = await uow.install_attempts.get(cmd.state)
        except NotFound:
            raise InstallRefused("This Slack link is not one we issued. Start again.") from None
        attempt.use(
            session_key=session_key(cmd.session_id),
            organization_id=actor.organization_id,
            now=clock.now(),
        )
        await uow.commit()


async def complete_slack_install(
    cmd: CompleteSlackInstall,
    actor: Actor,
    uow: SlackUnitOfWork,
    clock: Clock,
    gateway: SlackGateway,
) -> SlackInstalled:
    """Spend the state, exchange the code, describe the workspace, store the installation.

    The state is spent in its own transaction first, so even a failed install cannot be
    replayed; the installation is stored only when every Slack call succeeded."""
    await _spend_state(cmd, actor, uow, clock)
    try:
        grant = await gateway.exchange_code(cmd.code, cmd.redirect_uri)
        profile = await gateway.describe(grant.access_token, grant.team_id)
    except SlackError as error:
        raise InstallRefused(
            f"Slack refused the install ({error.code}). Nothing was saved."
        ) from error
    workspace = SlackWorkspace(
        enterprise_id=grant.enterprise_id,
        enterprise_name=grant.enterprise_name,
        team_id=None if grant.is_enterprise_install else grant.team_id,
        team_name=profile.team_name if not grant.is_enterprise_install else "",
        domain=profile.domain,
        icon_url=profile.icon_url,
        is_enterprise_install=grant.is_enterprise_install,
    )
    bot = BotCredentials(
        token=grant.access_token,
        bot_user_id=grant.bot_user_id,
        bot_id=profile.bot_id,
        app_id=grant.app_id,
        scopes=grant.scopes,
        # token rotation on: the refresh token, and when this first token expires
        refresh_token=grant.refresh_token if grant.expires_in else None,
        expires_at=clock.now() + timedelta(seconds=grant.expires_in)
        if grant.refresh_token and grant.expires_in
        else None,
    )
    async with uow:
        now = clock.now()
        existing = await uow.installations.find_by_key(workspace.key)
        if existing is None:
            installation = WorkspaceInstallation.install(
                id=InstallationId(new_id()),
                organization_id=actor.organization_id,
                workspace=workspace,
                bot=bot,
                installed_by=actor.user_id,
                installer_slack_user_id=grant.authed_user_id,
                now=now,
            )
            await uow.installations.add(installation)
        elif existing.organization_id != actor.organization_id:
            raise InstallRefused(
                f"{workspace.display_name} is already connected to another organization."
            )
        else:
            installation = existing
            installation.reinstall(
                workspace=workspace,
                bot=bot,
                installed_by=actor.user_id,
                installer_slack_user_id=grant.authed_user_id,
                now=now,
            )
        events = tuple(installation.events)
        await uow.commit()
        return SlackInstalled(installation=installation, events=events)


@attrs.frozen(kw_only=True)
class RemoveWorkspace:
    installation_id: InstallationId


async def remove_workspace(
    cmd: RemoveWorkspace,
    actor: Actor,
    uow: SlackUnitOfWork,
    clock: Clock,
    gateway: SlackGateway,
) -> WorkspaceInstallation:
    """Revoke the bot token at Slack, then mark the installation removed (kept for audit)."""
    actor.require(Role.GLOBAL_ADMIN)
    async with uow:
        installation = await uow.installations.get(cmd.installation_id)
        ensure_same_organization(actor, installation.organization_id, "workspace installation")
        if installation.is_removed:
            raise IllegalTransition(f"{installation.workspace.display_name} was already removed.")
        if installation.bot is not None:
            await gateway.revoke(installation.bot.token)  # a dead token counts as revoked
        installation.remove(by=RemovedBy.ADMIN, now=clock.now())
        await uow.commit()
        return installation
