"""Who is acting when someone clicks in Slack: (Grid or workspace, Slack user id) -> the
platform user, as the Actor every use case takes, and the bot that answers them.

Each refusal says, in words the person reads in Slack, why nothing happened: an unknown or
removed workspace, Slack switched off, a Slack account mentorlink does not know, a
deactivated user."""

from __future__ import annotations

import attrs

from application.actors import Actor
from application.ports import Clock
from application.slack.bot_tokens import BotTokens
from application.slack.gateway import SlackGateway
from application.slack.ports import SlackUnitOfWork
from domain.errors import NotAllowed, NotFound
from domain.ids import OrganizationId
from domain.slack.identity import identity_id
from domain.slack.installation import SlackWorkspace, WorkspaceInstallation

UNKNOWN_WORKSPACE = (
    "This Slack workspace is not connected to mentorlink. Ask your program administrator to add it."
)
REMOVED_WORKSPACE = (
    "mentorlink was removed from this Slack workspace, so nothing can be done here any more. "
    "Ask your program administrator to add it again."
)
SLACK_OFF = "Slack is switched off for your organization's mentoring program for now."
UNKNOWN_PERSON = (
    "mentorlink doesn't know your Slack account yet. Ask your program administrator to make "
    "sure your Slack email matches the one you use for the mentoring program."
)
DEACTIVATED = "Your mentorlink account is deactivated, so you can't act here any more."


@attrs.frozen(kw_only=True)
class IdentifySlackUser:
    """Where a click came from, as Slack's payload says it."""

    enterprise_id: str | None
    team_id: str | None
    slack_user_id: str
    is_enterprise_install: bool = False


@attrs.frozen(kw_only=True)
class SlackCaller:
    """The person behind a click, and the bot that answers them (its token opens modals)."""

    actor: Actor
    name: str
    tz: str | None
    installation_id: str
    bot_token: str = attrs.field(repr=False)
    team_id: str | None  # names the workspace for an org-wide (Grid) token


def _candidate_keys(cmd: IdentifySlackUser) -> list[str]:
    """An org-wide Grid install is keyed by the Grid alone; a workspace install by both."""
    keys = []
    if cmd.team_id:
        keys.append(SlackWorkspace(enterprise_id=cmd.enterprise_id, team_id=cmd.team_id).key)
    if cmd.enterprise_id:
        keys.append(SlackWorkspace(enterprise_id=cmd.enterprise_id, is_enterprise_install=True).key)
    if cmd.is_enterprise_install:
        keys.reverse()
    return keys


async def _installation(uow: SlackUnitOfWork, cmd: IdentifySlackUser) -> WorkspaceInstallation:
    found = [i for k in _candidate_keys(cmd) if (i := await uow.installations.find_by_key(k))]
    active = [i for i in found if i.is_active]
    if active:
        return active[0]
    raise NotFound(REMOVED_WORKSPACE if found else UNKNOWN_WORKSPACE)


async def identify_slack_user(
    cmd: IdentifySlackUser,
    actor: Actor,
    uow: SlackUnitOfWork,
    clock: Clock,
    gateway: SlackGateway,
) -> SlackCaller:
    """The platform user a Slack user is, in the organization that installed the app there.
    Raises NotFound / NotAllowed worded for the person who clicked."""
    async with uow:
        installation = await _installation(uow, cmd)
        if installation.bot is None:
            raise NotFound(REMOVED_WORKSPACE)
        organization = await uow.organizations.get(OrganizationId(installation.organization_id))
        if not organization.slack_enabled:
            raise NotAllowed(SLACK_OFF)
        key = installation.workspace.directory_key
        try:
            identity = await uow.slack_identities.get(
                identity_id(installation.organization_id, key, cmd.slack_user_id)
            )
        except NotFound:
            raise NotFound(UNKNOWN_PERSON) from None
        user = await uow.users.get(identity.user_id)
        if not user.active:
            raise NotAllowed(DEACTIVATED)
        caller = SlackCaller(
            actor=Actor(user_id=user.id, organization_id=user.organization_id, role=user.role),
            name=user.name,
            tz=identity.tz,
            installation_id=installation.id,
            bot_token=installation.bot.token,
            team_id=cmd.team_id,
        )
    # a rotating token due for renewal is renewed before the reply uses it (once in 12 hours)
    token = await BotTokens(slack=gateway, uow_factory=lambda: uow, clock=clock).of(installation)
    return attrs.evolve(caller, bot_token=token)
