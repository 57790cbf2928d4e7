"""A mentee asks a mentor of the same program for mentoring."""

from __future__ import annotations

import attrs

from application.actors import Actor, member_of
from application.ports import Clock, UnitOfWork
from domain.errors import IllegalTransition, InvalidInput, NotFound
from domain.ids import MemberId, MentorRequestId, ProgramId, new_id
from domain.mentor_request import MentorRequest


@attrs.frozen(kw_only=True)
class SendMentorRequest:
    program_id: ProgramId
    mentor_id: MemberId
    note: str = ""


async def send_mentor_request(
    cmd: SendMentorRequest, actor: Actor, uow: UnitOfWork, clock: Clock
) -> MentorRequest:
    async with uow:
        now = clock.now()
        mentee = await member_of(uow, actor, cmd.program_id)
        if not mentee.is_mentee:
            raise InvalidInput("Only mentees can ask for mentoring.")
        mentor = await uow.members.get(cmd.mentor_id)
        if mentor.organization_id != mentee.organization_id:
            raise NotFound("No such member.")
        if mentor.program_id != cmd.program_id or not mentor.is_mentor:
            raise InvalidInput("That person is not a mentor in this program.")
        if await uow.mentor_requests.find_pending(mentee.id, mentor.id) is not None:
            raise IllegalTransition(f"You already have a pending request with {mentor.name}.")
        for connection in await uow.connections.list_for_member(mentee.id):
            if connection.is_active and mentor.id in connection.mentor_ids:
                raise IllegalTransition(f"{mentor.name} already mentors you.")
        program = await uow.programs.get(cmd.program_id)
        load = await uow.connections.active_mentee_count(mentor.id)
        if load >= mentor.mentee_capacity(program.mentees_per_mentor):
            raise IllegalTransition(f"{mentor.name} has no open places right now.")
        request = MentorRequest.send(
            id=MentorRequestId(new_id()),
            organization_id=program.organization_id,
            program_id=program.id,
            mentee_id=mentee.id,
            mentor_id=mentor.id,
            note=cmd.note,
            now=now,
            expires_at=program.request_deadline(now),
        )
        # Two sends for the same pair at once must not leave two pending requests.
        uow.members.guard(mentee)
        await uow.mentor_requests.add(request)
        await uow.commit()
        return request
