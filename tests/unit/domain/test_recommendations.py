"""Recommended mentors: goal overlap first, only mentors with room, each with a reason."""

from __future__ import annotations

import pytest

from domain.ids import MemberId, OrganizationId, ProgramId, UserId
from domain.people import Member, Profile, ProgramRole
from domain.recommendations import recommend_mentors

MENTOR = frozenset({ProgramRole.MENTOR})


def person(
    name: str,
    *,
    roles: frozenset[ProgramRole] = MENTOR,
    expertise: tuple[str, ...] = (),
    goals: tuple[str, ...] = (),
    capacity: int | None = None,
) -> Member:
    return Member(
        id=MemberId(name.lower()),
        organization_id=OrganizationId("o"),
        program_id=ProgramId("p"),
        user_id=UserId(f"u-{name.lower()}"),
        name=name,
        roles=roles,
        profile=Profile.of(list(expertise), list(goals)),
        capacity=capacity,
    )


SAM = person(
    "Sam",
    roles=frozenset({ProgramRole.MENTEE}),
    goals=("python", "public speaking"),
    expertise=("java", "sql", "go", "rust"),
)


def rank(
    mentors: list[Member],
    loads: dict[str, int] | None = None,
    excluded: set[str] | None = None,
    limit: int = 10,
) -> list[str]:
    found = recommend_mentors(
        SAM,
        mentors,
        loads={MemberId(k): v for k, v in (loads or {}).items()},
        default_capacity=3,
        excluded={MemberId(e) for e in excluded or set()},
        limit=limit,
    )
    return [r.name for r in found]


def test_a_mentor_who_helps_with_a_goal_ranks_above_any_shared_expertise() -> None:
    goal = person("Gil", expertise=("python",))
    peers = person("Pat", expertise=("java", "sql", "go", "rust"))
    nothing = person("Nia", expertise=("cooking",))
    assert rank([nothing, peers, goal]) == ["Gil", "Pat", "Nia"]


def test_more_goals_covered_ranks_higher() -> None:
    one = person("Ann", expertise=("python",))
    two = person("Bo", expertise=("python", "Public Speaking"))
    assert rank([one, two]) == ["Bo", "Ann"]


def test_free_places_then_names_break_ties() -> None:
    busy = person("Ann", expertise=("python",))
    free = person("Cy", expertise=("python",))
    twin = person("Bea", expertise=("python",))
    assert rank([busy, free, twin], loads={"ann": 2}) == ["Bea", "Cy", "Ann"]


def test_partners_pending_requests_full_mentors_and_non_mentors_are_left_out() -> None:
    partner = person("Ann", expertise=("python",))
    asked = person("Bo", expertise=("python",))
    full = person("Cy", expertise=("python",))
    closed = person("Di", expertise=("python",), capacity=0)
    mentee = person("Ed", roles=frozenset({ProgramRole.MENTEE}), expertise=("python",))
    open_ = person("Flo")
    found = rank(
        [partner, asked, full, closed, mentee, open_, SAM],
        loads={"cy": 3},
        excluded={"ann", "bo"},
    )
    assert found == ["Flo"]


def test_the_reason_names_the_overlap_and_the_room_left() -> None:
    mentors = [
        person("Gil", expertise=("python", "Public Speaking"), capacity=1),
        person("Pat", expertise=("sql", "go")),
        person("Nia"),
    ]
    found = {
        r.name: r
        for r in recommend_mentors(
            SAM,
            mentors,
            loads={MemberId("pat"): 1},
            default_capacity=3,
            excluded=set(),
        )
    }
    assert found["Gil"].reason == "Can help with your goals: public speaking, python; 1 open place."
    assert found["Pat"].reason == "Shares your expertise in go, sql; 2 open places."
    assert found["Nia"].reason == "Has 3 open places in this program."
    assert [found[n].open_places for n in ("Gil", "Pat", "Nia")] == [1, 2, 3]


def test_a_mentor_counts_a_tag_once_even_if_it_is_goal_and_expertise() -> None:
    mentee = person("Mo", roles=frozenset({ProgramRole.MENTEE}), goals=("go",), expertise=("go",))
    (only,) = recommend_mentors(
        mentee, [person("Gil", expertise=("go",))], loads={}, default_capacity=3, excluded=set()
    )
    assert only.reason.startswith("Can help with your goals: go;")


@pytest.mark.parametrize("limit", [1, 2])
def test_the_limit_keeps_the_best(limit: int) -> None:
    mentors = [person(n, expertise=("python",) if n == "Zed" else ()) for n in ("Ann", "Bo", "Zed")]
    assert rank(mentors, limit=limit) == ["Zed", "Ann"][:limit]
