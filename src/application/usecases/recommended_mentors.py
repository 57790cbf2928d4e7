"""The mentors a mentee could ask next, ranked, each with a reason."""

from __future__ import annotations

import attrs

from application.actors import Actor, member_of
from application.ports import Clock, UnitOfWork
from domain.errors import InvalidInput
from domain.ids import ProgramId
from domain.matching import Ties
from domain.recommendations import MAX_RECOMMENDATIONS, Recommendation, recommend_mentors


@attrs.frozen(kw_only=True)
class RecommendedMentors:
    program_id: ProgramId
    limit: int = 10


async def recommended_mentors(
    query: RecommendedMentors, actor: Actor, uow: UnitOfWork, clock: Clock
) -> list[Recommendation]:
    if not 1 <= query.limit <= MAX_RECOMMENDATIONS:
        raise InvalidInput(f"Ask for between 1 and {MAX_RECOMMENDATIONS} recommendations.")
    async with uow:
        mentee = await member_of(uow, actor, query.program_id)
        if not mentee.is_mentee:
            raise InvalidInput("Recommendations are for mentees.")
        program = await uow.programs.get(query.program_id)
        ties = Ties.of(
            mentee.id,
            connections=await uow.connections.list_for_member(mentee.id),
            pending=await uow.mentor_requests.list_pending_for_member(mentee.id),
        )
        return recommend_mentors(
            mentee,
            await uow.members.list_mentors(program.id),
            loads=await uow.connections.active_mentee_counts(program.id),
            default_capacity=program.mentees_per_mentor,
            excluded=ties.connected | ties.requested,
            limit=query.limit,
        )
