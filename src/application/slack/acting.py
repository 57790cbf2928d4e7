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
from application.slack.ports import SlackUnitOfWork, WorkspaceCaller
from domain.errors import NotAllowed, NotFound
from domain.slack.installation import SlackWorkspace

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


def _directory_key(cmd: IdentifySlackUser) -> str:
    """The directory scoping the Slack user id (the same for every candidate key)."""
    return SlackWorkspace(enterprise_id=cmd.enterprise_id, team_id=cmd.team_id).directory_key


async def _workspace_caller(uow: SlackUnitOfWork, cmd: IdentifySlackUser) -> WorkspaceCaller:
    keys = _candidate_keys(cmd)
    found = await uow.slack_callers.find(keys, _directory_key(cmd), cmd.slack_user_id)
    active = [c for c in found if c.installation.is_active]
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
        found = await _workspace_caller(uow, cmd)
        installation, identity, user = found.installation, found.identity, found.user
        if installation.bot is None:
            raise NotFound(REMOVED_WORKSPACE)
        if not found.organization.slack_enabled:
            raise NotAllowed(SLACK_OFF)
        if identity is None or user is None:
            raise NotFound(UNKNOWN_PERSON)
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
