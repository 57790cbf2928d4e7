"""Which channel reaches a person: Slack when the organization has Slack on, the program has
opted in and the person has a Slack identity (not deactivated in Slack) in an active
installation; otherwise e-mail;
with neither, unreachable with the reason (shown to administrators)."""

from __future__ import annotations

from datetime import datetime

import attrs

from application.delivery.model import Notification
from application.slack.ports import SlackUnitOfWork
from domain.errors import NotFound
from domain.ids import InstallationId, ProgramId, UserId
from domain.slack.identity import SlackIdentity


@attrs.frozen(kw_only=True)
class SlackRoute:
    """A DM to `slack_user_id` with the installation's bot token. In an Enterprise Grid a
    person has one identity per Grid: one DM per person, whatever the workspaces."""

    installation_id: str
    token: str = attrs.field(repr=False)
    workspace: str  # the rate-limit key: the team, or the Grid of an org-wide install
    team_id: str | None  # passed to Slack with an org-level token
    slack_user_id: str
    timezone: str | None  # from Slack's profile; None: the organization's
    expires_at: datetime | None = None  # when the token expires (token rotation)


@attrs.frozen(kw_only=True)
class MailRoute:
    address: str
    timezone: str


@attrs.frozen(kw_only=True)
class NoRoute:
    reason: str


Route = SlackRoute | MailRoute | NoRoute


async def route_for(
    notification: Notification,
    uow: SlackUnitOfWork,
    *,
    mail_configured: bool,
    slack_refused: str | None = None,
) -> Route:
    """The route for one notification's recipient, read in the caller's unit of work.
    `slack_refused` (Slack's error for this person or workspace) skips Slack."""
    organization = await uow.organizations.get(notification.organization_id)  # type: ignore[arg-type]
    try:
        user = await uow.users.get(UserId(notification.recipient_user_id))
    except NotFound:
        return NoRoute(reason="The person no longer exists.")
    if not user.active:
        return NoRoute(reason=f"{user.name} is deactivated.")
    slack_reason = slack_refused or await _slack_off(notification, uow)
    if slack_reason is None and organization.slack_enabled:
        route = await _slack_route(uow, user.id)
        if isinstance(route, SlackRoute):
            return route
        slack_reason = route
    elif slack_reason is None:
        slack_reason = "Slack is off for the organization."
    if mail_configured and user.email:
        return MailRoute(address=user.email, timezone=organization.timezone)
    mail = "no e-mail is configured" if not mail_configured else "no e-mail address"
    return NoRoute(reason=f"{slack_reason} And {mail}.")


async def _slack_off(notification: Notification, uow: SlackUnitOfWork) -> str | None:
    if notification.program_id is None:
        return None
    program = await uow.programs.get(ProgramId(notification.program_id))
    return None if program.slack_opt_in else f"{program.name} does not use Slack."


async def _slack_route(uow: SlackUnitOfWork, user_id: UserId) -> SlackRoute | str:
    identities = sorted(
        await uow.slack_identities.list_for_user(user_id),
        key=lambda i: i.seen_at,
        reverse=True,
    )
    for identity in identities:
        route = await _through(uow, identity)
        if route is not None:
            return route
    if identities:
        return await _why_not(uow, identities)
    return "They were not found in a connected Slack workspace."


async def _through(uow: SlackUnitOfWork, identity: SlackIdentity) -> SlackRoute | None:
    if identity.deactivated:
        return None
    installation = await uow.installations.get(InstallationId(identity.installation_id))
    if not installation.is_active or installation.bot is None:
        return None
    workspace = installation.workspace
    return SlackRoute(
        installation_id=installation.id,
        token=installation.bot.token,
        workspace=workspace.team_id or workspace.enterprise_id or installation.id,
        # an org-wide token names the workspace: one the person was found in
        team_id=workspace.team_id or next(iter(identity.team_ids), None),
        slack_user_id=identity.slack_user_id,
        timezone=identity.tz,
        expires_at=installation.bot.expires_at,
    )


async def _why_not(uow: SlackUnitOfWork, identities: list[SlackIdentity]) -> str:
    if all(identity.deactivated for identity in identities):
        return "Their Slack account is deactivated."
    for identity in identities:
        installation = await uow.installations.get(InstallationId(identity.installation_id))
        if installation.needs_reconnecting:
            return f"{installation.workspace.display_name} needs reconnecting."
    return "Their Slack workspace is no longer connected."
