"""Recommended mentors: rank a program's mentors for one mentee, each with a reason in words."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet

import attrs

from domain.ids import MemberId
from domain.matching import Places, Ties, refusal_to_ask
from domain.people import Member

MAX_RECOMMENDATIONS = 50  # at most this many asked for at once


@attrs.frozen(kw_only=True)
class Recommendation:
    mentor_id: MemberId
    name: str
    score: float
    reason: str
    open_places: int


def recommend_mentors(
    mentee: Member,
    mentors: Iterable[Member],
    *,
    loads: Mapping[MemberId, int],
    default_capacity: int,
    excluded: AbstractSet[MemberId],
    limit: int = 10,
) -> list[Recommendation]:
    """Mentors the mentee may ask (`domain.matching`), best first: goals they can help with
    come first, then shared expertise, and free places break ties.

    `loads` is each mentor's number of active mentees; `excluded` holds current partners and
    mentors the mentee already has a pending request with.
    """
    ties = Ties(connected=frozenset(excluded))  # partners or requested: either rules one out
    ranked: list[tuple[int, Recommendation]] = []
    for mentor in mentors:
        room = Places.of(mentor, default_capacity=default_capacity, taken=loads.get(mentor.id, 0))
        if refusal_to_ask(mentee, mentor, ties=ties, places=room) is not None:
            continue
        places = room.open
        goal_match = sorted(mentee.profile.goals & mentor.profile.expertise)
        shared = sorted((mentee.profile.expertise & mentor.profile.expertise) - set(goal_match))
        score = 3.0 * len(goal_match) + 1.0 * len(shared) + min(places, 5) * 0.1
        ranked.append(
            (
                len(goal_match),
                Recommendation(
                    mentor_id=mentor.id,
                    name=mentor.name,
                    score=round(score, 2),
                    reason=_reason(goal_match, shared, places),
                    open_places=places,
                ),
            )
        )
    # Goal overlap decides first: many shared expertise tags never outrank one goal covered.
    ranked.sort(key=lambda pair: (-pair[0], -pair[1].score, pair[1].name, pair[1].mentor_id))
    return [recommendation for _, recommendation in ranked[:limit]]


def _reason(goal_match: list[str], shared: list[str], places: int) -> str:
    room = f"{places} open place{'s' if places != 1 else ''}"
    if goal_match:
        return f"Can help with your goals: {', '.join(goal_match[:3])}; {room}."
    if shared:
        return f"Shares your expertise in {', '.join(shared[:3])}; {room}."
    return f"Has {room} in this program."
