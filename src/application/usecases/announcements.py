"""A program administrator's announcement to the program's members, mentors or mentees."""

from __future__ import annotations

import attrs

from application.actors import Actor, program_of
from application.ports import Clock, UnitOfWork
from domain.ids import ProgramId, new_id
from domain.program import AnnouncementMade, Audience


@attrs.frozen(kw_only=True)
class MakeAnnouncement:
    program_id: ProgramId
    text: str
    audience: Audience = Audience.ALL


async def make_announcement(
    cmd: MakeAnnouncement, actor: Actor, uow: UnitOfWork, clock: Clock
) -> AnnouncementMade:
    """Recorded for delivery (each person of the audience hears it); nothing else changes."""
    actor.require_admin()
    async with uow:
        program = await program_of(uow, actor, cmd.program_id)
        made = program.announce(
            cmd.text, audience=cmd.audience, id=new_id(), by=actor.user_id, now=clock.now()
        )
        await uow.commit()
        return made
