"""Eligibility to be matched: roles, program, ties and room, decided on plain state."""

from __future__ import annotations

import pytest

from domain.connection import Connection
from domain.errors import IllegalTransition, InvalidInput, NotFound
from domain.ids import ConnectionId, MemberId, OrganizationId, ProgramId, UserId
from domain.matching import (
    Places,
    Ties,
    ensure_may_ask,
    ensure_may_be_mentored,
    ensure_may_mentor,
    ensure_mentee,
    ensure_room_to_accept,
    refusal_to_ask,
)
from domain.people import Member, ProgramRole
from domain.program import Program
from tests.unit.domain.examples import ORG, PROGRAM, pending_request
from tests.unit.world import T0

MENTOR_ROLE = frozenset({ProgramRole.MENTOR})
MENTEE_ROLE = frozenset({ProgramRole.MENTEE})
PILOT = Program(id=PROGRAM, organization_id=ORG, name="Pilot", mentees_per_mentor=2)


def member(
    name: str,
    roles: frozenset[ProgramRole],
    *,
    org: str = ORG,
    program: str = PROGRAM,
    capacity: int | None = None,
) -> Member:
    return Member(
        id=MemberId(f"{name.lower()}-1"),
        organization_id=OrganizationId(org),
        program_id=ProgramId(program),
        user_id=UserId(f"u-{name.lower()}"),
        name=name,
        roles=roles,
        capacity=capacity,
    )


MARIA = member("Maria", MENTOR_ROLE)
SAM = member("Sam", MENTEE_ROLE)
ROOM = Places(capacity=2, taken=0)


def connection(mentor: Member, mentee: Member) -> Connection:
    return Connection.publish(
        id=ConnectionId("c-1"),
        organization_id=ORG,
        program_id=PROGRAM,
        mentor_ids=(mentor.id,),
        mentee_ids=(mentee.id,),
        now=T0,
    )


def test_places_use_the_program_default_unless_the_mentor_set_their_own() -> None:
    assert Places.of(MARIA, default_capacity=3, taken=1).open == 2
    assert Places.of(member("Fay", MENTOR_ROLE, capacity=1), default_capacity=3, taken=1).open == 0
    assert Places.of(SAM, default_capacity=3, taken=0).capacity == 0  # mentees take no mentees
    lowered = Places(capacity=1, taken=3)  # a capacity lowered under the current mentees
    assert lowered.open == -2
    assert not lowered.has_room_for(1)


def test_ties_come_from_active_connections_and_own_pending_requests() -> None:
    active = connection(MARIA, SAM)
    closed = connection(member("Lee", MENTOR_ROLE), SAM)
    closed.close(by=None, now=T0)
    asked = pending_request(mentee_id=SAM.id, mentor_id=MemberId("omar-1"))
    answered = pending_request(mentee_id=SAM.id, mentor_id=MemberId("kim-1"))
    answered.withdraw(by=SAM.id, now=T0)
    addressed_to_sam = pending_request(mentee_id=MemberId("zed-1"), mentor_id=SAM.id)

    ties = Ties.of(
        SAM.id, connections=[active, closed], pending=[asked, answered, addressed_to_sam]
    )

    assert ties.connected == {MARIA.id}
    assert ties.requested == {MemberId("omar-1")}


def test_a_mentee_may_ask_a_mentor_of_the_program_with_room() -> None:
    assert refusal_to_ask(SAM, MARIA, ties=Ties(), places=ROOM) is None
    ensure_may_ask(SAM, MARIA, ties=Ties(), places=ROOM)


@pytest.mark.parametrize(
    ("mentee", "mentor", "ties", "places", "refusal", "words"),
    [
        (MARIA, MARIA, Ties(), ROOM, InvalidInput, "Only mentees can ask"),
        (SAM, member("Olga", MENTOR_ROLE, org="globex"), Ties(), ROOM, NotFound, "No such member"),
        (SAM, member("Lee", MENTEE_ROLE), Ties(), ROOM, InvalidInput, "not a mentor in this"),
        (SAM, member("Pia", MENTOR_ROLE, program="p2"), Ties(), ROOM, InvalidInput, "not a mentor"),
        (SAM, MARIA, Ties(requested=frozenset({MARIA.id})), ROOM, IllegalTransition, "pending"),
        (SAM, MARIA, Ties(connected=frozenset({MARIA.id})), ROOM, IllegalTransition, "mentors you"),
        (SAM, MARIA, Ties(), Places(capacity=2, taken=2), IllegalTransition, "no open places"),
    ],
)
def test_asking_is_refused_for_the_first_rule_broken(
    mentee: Member,
    mentor: Member,
    ties: Ties,
    places: Places,
    refusal: type[Exception],
    words: str,
) -> None:
    with pytest.raises(refusal, match=words):
        ensure_may_ask(mentee, mentor, ties=ties, places=places)


def test_nobody_asks_themselves_even_with_both_roles() -> None:
    both = member("Ada", MENTOR_ROLE | MENTEE_ROLE)
    with pytest.raises(InvalidInput, match="ask yourself"):
        ensure_may_ask(both, both, ties=Ties(), places=ROOM)


def test_a_pending_request_is_named_before_an_existing_connection() -> None:
    tied = Ties(connected=frozenset({MARIA.id}), requested=frozenset({MARIA.id}))
    with pytest.raises(IllegalTransition, match="pending request with Maria"):
        ensure_may_ask(SAM, MARIA, ties=tied, places=Places(capacity=0, taken=0))


def test_only_mentees_ask() -> None:
    ensure_mentee(SAM)
    with pytest.raises(InvalidInput, match="Only mentees"):
        ensure_mentee(MARIA)


def test_a_mentor_accepts_only_while_a_place_is_left() -> None:
    ensure_room_to_accept(Places(capacity=2, taken=1))
    with pytest.raises(IllegalTransition, match="You already mentor 2 of 2 mentees"):
        ensure_room_to_accept(Places(capacity=2, taken=2))


def test_an_admin_match_needs_room_for_every_mentee() -> None:
    ensure_may_mentor(PILOT, MARIA, places=Places(capacity=2, taken=0), mentees=2)
    with pytest.raises(IllegalTransition, match="Maria has 1 open places left"):
        ensure_may_mentor(PILOT, MARIA, places=Places(capacity=2, taken=1), mentees=2)
    with pytest.raises(IllegalTransition, match="Maria has 0 open places left"):
        ensure_may_mentor(PILOT, MARIA, places=Places(capacity=1, taken=3), mentees=1)


def test_an_admin_match_takes_only_the_programs_mentors_and_mentees() -> None:
    with pytest.raises(InvalidInput, match="Sam is not a mentor in Pilot"):
        ensure_may_mentor(PILOT, SAM, places=ROOM, mentees=1)
    with pytest.raises(InvalidInput, match="Maria is not a mentee in Pilot"):
        ensure_may_be_mentored(PILOT, MARIA, ties=Ties(), mentor_ids=())
    outsider = member("Olga", MENTOR_ROLE | MENTEE_ROLE, org="globex")
    with pytest.raises(NotFound, match="No such member") as refused:
        ensure_may_mentor(PILOT, outsider, places=ROOM, mentees=1)
    assert "Olga" not in refused.value.args[0]
    with pytest.raises(NotFound, match="No such member"):
        ensure_may_be_mentored(PILOT, outsider, ties=Ties(), mentor_ids=())


def test_an_admin_match_refuses_a_pair_already_connected() -> None:
    ties = Ties(connected=frozenset({MARIA.id}))
    ensure_may_be_mentored(PILOT, SAM, ties=ties, mentor_ids=(MemberId("lee-1"),))
    with pytest.raises(IllegalTransition, match="Sam is already connected with that mentor"):
        ensure_may_be_mentored(PILOT, SAM, ties=ties, mentor_ids=(MemberId("lee-1"), MARIA.id))
