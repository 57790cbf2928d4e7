"""A program administrator matches mentors and mentees directly (an admin match)."""

from __future__ import annotations

import attrs

from application.actors import Actor, program_of
from application.ports import Clock, UnitOfWork
from domain.connection import Connection
from domain.errors import IllegalTransition, InvalidInput, NotFound
from domain.ids import ConnectionId, MemberId, ProgramId, new_id


@attrs.frozen(kw_only=True)
class PublishConnection:
    program_id: ProgramId
    mentor_ids: tuple[MemberId, ...]
    mentee_ids: tuple[MemberId, ...]


async def publish_connection(
    cmd: PublishConnection, actor: Actor, uow: UnitOfWork, clock: Clock
) -> Connection:
    actor.require_admin()
    async with uow:
        program = await program_of(uow, actor, cmd.program_id)
        mentor_ids = tuple(dict.fromkeys(cmd.mentor_ids))
        mentee_ids = tuple(dict.fromkeys(cmd.mentee_ids))
        for mentor_id in mentor_ids:
            mentor = await uow.members.get(mentor_id)
            if mentor.organization_id != program.organization_id:
                raise NotFound("No such member.")  # never name another organization's people
            if mentor.program_id != program.id or not mentor.is_mentor:
                raise InvalidInput(f"{mentor.name} is not a mentor in {program.name}.")
            load = await uow.connections.active_mentee_count(mentor.id)
            room = mentor.mentee_capacity(program.mentees_per_mentor) - load
            if room < len(mentee_ids):
                raise IllegalTransition(f"{mentor.name} has {max(room, 0)} open places left.")
            uow.members.guard(mentor)
        for mentee_id in mentee_ids:
            mentee = await uow.members.get(mentee_id)
            if mentee.organization_id != program.organization_id:
                raise NotFound("No such member.")
            if mentee.program_id != program.id or not mentee.is_mentee:
                raise InvalidInput(f"{mentee.name} is not a mentee in {program.name}.")
            for existing in await uow.connections.list_for_member(mentee.id):
                paired = set(existing.mentor_ids) & set(mentor_ids)
                if existing.is_active and paired:
                    raise IllegalTransition(f"{mentee.name} is already connected with that mentor.")
        connection = Connection.publish(
            id=ConnectionId(new_id()),
            organization_id=program.organization_id,
            program_id=program.id,
            mentor_ids=mentor_ids,
            mentee_ids=mentee_ids,
            now=clock.now(),
        )
        await uow.connections.add(connection)
        await uow.commit()
        return connection
