"""The organization's working window (quiet hours outside it): read by its administrators,
changed by its global administrators. Held notifications wait for the window's next start."""

from __future__ import annotations

from datetime import time

import attrs

from application.actors import Actor
from application.ports import Clock, UnitOfWork
from domain.errors import InvalidInput
from domain.organization import Organization
from domain.people import Role
from domain.working_hours import WorkingWindow


@attrs.frozen(kw_only=True)
class ReadWorkingWindow:
    pass


@attrs.frozen(kw_only=True)
class SetWorkingWindow:
    """Days 0 (Monday) to 6 (Sunday); `start` and `end` as `HH:MM` in `timezone` (IANA)."""

    days: frozenset[int]
    start: str
    end: str
    timezone: str


async def read_working_window(
    _: ReadWorkingWindow, actor: Actor, uow: UnitOfWork, clock: Clock
) -> Organization:
    actor.require(Role.GLOBAL_ADMIN)
    async with uow:
        return await uow.organizations.get(actor.organization_id)


async def set_working_window(
    cmd: SetWorkingWindow, actor: Actor, uow: UnitOfWork, clock: Clock
) -> Organization:
    actor.require(Role.GLOBAL_ADMIN)
    window = WorkingWindow(
        days=frozenset(cmd.days), start=_time(cmd.start, "start"), end=_time(cmd.end, "end")
    )
    async with uow:
        organization = await uow.organizations.get(actor.organization_id)
        organization.set_working_window(window, timezone=cmd.timezone.strip())
        await uow.commit()
        return organization


def _time(value: str, which: str) -> time:
    try:
        parsed = time.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(f"The {which} must be a time like 08:00 (got {value!r}).") from None
    if parsed.second or parsed.microsecond or parsed.tzinfo:
        raise InvalidInput(f"The {which} must be hours and minutes, like 08:00.")
    return parsed
