"""Housekeeping: mentor requests past their deadline and meetings with no future slot expire."""

from __future__ import annotations

import attrs

from application.actors import Actor
from application.ports import Clock, UnitOfWork
from domain.people import Role


@attrs.frozen(kw_only=True)
class ExpireOverdue:
    batch: int = 500


@attrs.frozen(kw_only=True)
class Expired:
    requests: int
    meetings: int


async def expire_overdue(
    cmd: ExpireOverdue, actor: Actor, uow: UnitOfWork, clock: Clock
) -> Expired:
    """Support staff expire what is overdue in their own organization; the system actor (the
    CLI, the worker) in every organization. The counts are of what this call expired."""
    actor.require(Role.SUPPORT)
    scope = actor.organization_scope
    async with uow:
        now = clock.now()
        requests = await uow.mentor_requests.list_overdue(now, cmd.batch, organization_id=scope)
        for request in requests:
            request.expire(now=now)
        meetings = await uow.meetings.list_overdue(now, cmd.batch, organization_id=scope)
        for meeting in meetings:
            meeting.expire(now=now)
        await uow.commit()
        return Expired(requests=len(requests), meetings=len(meetings))
