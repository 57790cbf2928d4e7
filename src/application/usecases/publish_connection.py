"""A program administrator matches mentors and mentees directly (an admin match)."""

from __future__ import annotations

import attrs

from application.actors import Actor, program_of
from application.ports import Clock, UnitOfWork
from domain.connection import Connection
from domain.ids import ConnectionId, MemberId, ProgramId, new_id
from domain.matching import Places, Ties, ensure_may_be_mentored, ensure_may_mentor


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
            places = Places.of(
                mentor,
                default_capacity=program.mentees_per_mentor,
                taken=await uow.connections.active_mentee_count(mentor.id),
            )
            ensure_may_mentor(program, mentor, places=places, mentees=len(mentee_ids))
            uow.members.guard(mentor)
        for mentee_id in mentee_ids:
            mentee = await uow.members.get(mentee_id)
            ties = Ties.of(mentee.id, connections=await uow.connections.list_for_member(mentee.id))
            ensure_may_be_mentored(program, mentee, ties=ties, mentor_ids=mentor_ids)
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
