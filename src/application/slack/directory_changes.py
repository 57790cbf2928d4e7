"""A person's Slack account changed: `team_join` (someone joined a workspace after the
install) and `user_change` (a new timezone, e-mail or name; deactivated; active again),
applied from the event at once — no periodic re-sync of the whole directory.

Slack retries an event with the same `event_id`: each is applied once (the event log).
Events for a workspace no active installation covers (unknown, removed) change nothing.
A deactivated account keeps its identity, marked deactivated: DMs stop going there and
routing falls back to e-mail; the same account active again is reachable again."""

from __future__ import annotations

from datetime import datetime

import attrs

from application.actors import Actor
from application.ports import Clock
from application.slack.gateway import SlackUser
from application.slack.home_publishing import installation_for
from application.slack.ports import SlackUnitOfWork
from domain.errors import ConcurrencyConflict, NotFound
from domain.slack.identity import SlackIdentity, identity_id
from domain.slack.installation import WorkspaceInstallation


@attrs.frozen(kw_only=True)
class SlackAccountChanged:
    """`team_join` or `user_change` (the same to the directory), with the account as the
    event shows it."""

    event_id: str
    enterprise_id: str | None
    team_id: str | None
    is_enterprise_install: bool = False
    account: SlackUser


async def slack_account_changed(
    cmd: SlackAccountChanged, actor: Actor, uow: SlackUnitOfWork, clock: Clock
) -> bool:
    """Apply the change to the person's identity. True if this delivery changed something.
    A retry racing its first delivery loses the commit and, run again, sees the event done."""
    try:
        return await _apply_once(cmd, uow, clock)
    except ConcurrencyConflict:
        return await _apply_once(cmd, uow, clock)


async def _apply_once(cmd: SlackAccountChanged, uow: SlackUnitOfWork, clock: Clock) -> bool:
    async with uow:
        now = clock.now()
        if not await uow.slack_events.first_time(cmd.event_id, now):
            return False
        installation = await installation_for(
            uow, enterprise_id=cmd.enterprise_id, team_id=cmd.team_id,
            org_wide=cmd.is_enterprise_install,
        )  # fmt: skip
        changed = installation is not None and await _apply(uow, installation, cmd, now)
        await uow.commit()
        return changed


async def _apply(
    uow: SlackUnitOfWork, installation: WorkspaceInstallation, cmd: SlackAccountChanged,
    now: datetime,
) -> bool:  # fmt: skip
    account = cmd.account
    if account.is_bot:
        return False
    key = installation.workspace.directory_key
    id = identity_id(installation.organization_id, key, account.id)
    try:
        existing: SlackIdentity | None = await uow.slack_identities.get(id)
    except NotFound:
        existing = None
    if account.deleted:
        return existing is not None and existing.deactivate(now=now)
    team = account.team_id or cmd.team_id
    email = (account.email or "").lower()
    if existing is not None:
        # The same Slack account is the same person, whatever its e-mail becomes.
        teams = tuple(sorted({*existing.team_ids, *([team] if team else [])}))
        email = email or existing.email  # no users:read.email: keep what was known
        if (existing.email, existing.tz, existing.team_ids, existing.deactivated) == (
            email, account.tz, teams, False,
        ):  # fmt: skip
            return False
        existing.refresh(installation_id=installation.id, email=email, tz=account.tz,
                         now=now, team_ids=teams)  # fmt: skip
        return True
    if not email:
        return False
    user = await uow.users.find_by_email(installation.organization_id, email)
    if user is None or not user.active:
        return False  # nobody the organization knows (yet): a later sync or event finds them
    await uow.slack_identities.add(
        SlackIdentity.found(
            id=id, organization_id=installation.organization_id, user_id=user.id,
            directory_key=key, slack_user_id=account.id, installation_id=installation.id,
            email=email, tz=account.tz, now=now, team_ids=(team,) if team else (),
        )
    )  # fmt: skip
    return True
