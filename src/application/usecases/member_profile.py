"""A program member's profile as another member of the same program sees it: who they are,
and for a mentor, how much room they have and, for a mentee who may ask them, why they fit."""

from __future__ import annotations

import attrs

from application.actors import Actor, ensure_same_organization, member_of
from application.ports import Clock, UnitOfWork
from domain.ids import MemberId
from domain.matching import Places, Ties, refusal_to_ask
from domain.people import Member
from domain.recommendations import Recommendation, recommend_mentors


@attrs.frozen(kw_only=True)
class ViewMemberProfile:
    member_id: MemberId


@attrs.frozen(kw_only=True)
class MemberProfile:
    member: Member
    program_name: str
    open_places: int | None  # mentors only
    recommendation: Recommendation | None  # the viewer is a mentee who may ask this mentor
    why_not: str | None  # the viewer is a mentee who may not ask this mentor now: why


async def view_member_profile(
    query: ViewMemberProfile, actor: Actor, uow: UnitOfWork, clock: Clock
) -> MemberProfile:
    async with uow:
        member = await uow.members.get(query.member_id)
        ensure_same_organization(actor, member.organization_id, "member")
        viewer = await member_of(uow, actor, member.program_id)
        program = await uow.programs.get(member.program_id)
        if not member.is_mentor:
            return MemberProfile(member=member, program_name=program.name, open_places=None,
                                 recommendation=None, why_not=None)  # fmt: skip
        taken = await uow.connections.active_mentee_count(member.id)
        places = Places.of(member, default_capacity=program.mentees_per_mentor, taken=taken)
        recommendation, why_not = None, None
        if viewer.is_mentee and viewer.id != member.id:
            ties = Ties.of(
                viewer.id,
                connections=await uow.connections.list_for_member(viewer.id),
                pending=await uow.mentor_requests.list_pending_for_member(viewer.id),
            )
            refused = refusal_to_ask(viewer, member, ties=ties, places=places)
            if refused is not None:
                why_not = refused.message
            else:
                [recommendation] = recommend_mentors(
                    viewer, [member], loads={member.id: taken},
                    default_capacity=program.mentees_per_mentor, excluded=frozenset(), limit=1,
                )  # fmt: skip
        return MemberProfile(member=member, program_name=program.name,
                             open_places=max(places.open, 0), recommendation=recommendation,
                             why_not=why_not)  # fmt: skip
