"""A mentee asks a mentor of the same program for mentoring."""

from __future__ import annotations

import attrs

from application.actors import Actor, member_of
from application.ports import Clock, UnitOfWork
from domain.ids import MemberId, MentorRequestId, ProgramId, new_id
from domain.matching import Places, Ties, ensure_may_ask, ensure_mentee
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
        ensure_mentee(mentee)
        mentor = await uow.members.get(cmd.mentor_id)
        program = await uow.programs.get(cmd.program_id)
        ties = Ties.of(
            mentee.id,
            connections=await uow.connections.list_for_member(mentee.id),
            pending=await uow.mentor_requests.list_pending_for_member(mentee.id),
        )
        places = Places.of(
            mentor,
            default_capacity=program.mentees_per_mentor,
            taken=await uow.connections.active_mentee_count(mentor.id),
        )
        ensure_may_ask(mentee, mentor, ties=ties, places=places)
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
