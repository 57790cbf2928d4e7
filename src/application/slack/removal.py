"""The app was removed from Slack's side: `app_uninstalled` or `tokens_revoked` (bot tokens),
in either order, each possibly delivered more than once."""

from __future__ import annotations

import attrs

from application.actors import Actor
from application.ports import Clock
from application.slack.ports import SlackUnitOfWork
from domain.errors import ConcurrencyConflict
from domain.slack.installation import RemovedBy, SlackWorkspace


@attrs.frozen(kw_only=True)
class WorkspaceRemovedInSlack:
    event_id: str
    enterprise_id: str | None
    team_id: str | None
    is_enterprise_install: bool = False


async def workspace_removed_in_slack(
    cmd: WorkspaceRemovedInSlack, actor: Actor, uow: SlackUnitOfWork, clock: Clock
) -> bool:
    """Mark the installation removed. True if this delivery changed something.

    Slack sends `app_uninstalled` and `tokens_revoked` together and may retry an event while
    its first delivery is still being handled: when another delivery removed the installation
    (or recorded the event) first, one more run sees that and changes nothing."""
    try:
        return await _remove_once(cmd, uow, clock)
    except ConcurrencyConflict:
        return await _remove_once(cmd, uow, clock)


async def _remove_once(cmd: WorkspaceRemovedInSlack, uow: SlackUnitOfWork, clock: Clock) -> bool:
    async with uow:
        now = clock.now()
        if not await uow.slack_events.first_time(cmd.event_id, now):
            return False
        changed = False
        for key in _candidate_keys(cmd):
            installation = await uow.installations.find_by_key(key)
            if installation is not None and not installation.is_removed:
                installation.remove(by=RemovedBy.SLACK, now=now)
                changed = True
                break
        await uow.commit()
        return changed


def _candidate_keys(cmd: WorkspaceRemovedInSlack) -> list[str]:
    """An org-wide Grid install is keyed by the Grid alone; a workspace install by both."""
    keys = []
    if cmd.is_enterprise_install and cmd.enterprise_id:
        keys.append(SlackWorkspace(enterprise_id=cmd.enterprise_id, is_enterprise_install=True).key)
    if cmd.team_id:
        keys.append(SlackWorkspace(enterprise_id=cmd.enterprise_id, team_id=cmd.team_id).key)
    return keys
