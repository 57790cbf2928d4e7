"""Users, profiles and program members."""

from __future__ import annotations

import pytest

from domain.errors import IllegalTransition, InvalidInput
from domain.ids import MemberId, OrganizationId, ProgramId, UserId
from domain.people import Member, Profile, ProgramRole, User
from tests.unit.world import T0

MENTOR = frozenset({ProgramRole.MENTOR})
MENTEE = frozenset({ProgramRole.MENTEE})


def user(email: str = "Ada@Example.org", name: str = "Ada") -> User:
    return User(id=UserId("u"), organization_id=OrganizationId("o"), email=email, name=name)


def member(roles: frozenset[ProgramRole] = MENTOR, capacity: int | None = None) -> Member:
    return Member(
        id=MemberId("m"),
        organization_id=OrganizationId("o"),
        program_id=ProgramId("p"),
        user_id=UserId("u"),
        name="Ada",
        roles=roles,
        capacity=capacity,
    )


def test_emails_are_kept_trimmed_and_lowercase() -> None:
    assert user(email="  Ada@Example.ORG ").email == "ada@example.org"


@pytest.mark.parametrize("email", ["", "ada", "ada@example", "a da@example.org", "@example.org"])
def test_a_user_needs_an_email_address(email: str) -> None:
    with pytest.raises(InvalidInput, match="is not an email address"):
        user(email=email)


def test_a_user_needs_a_name() -> None:
    with pytest.raises(InvalidInput, match="needs a name"):
        user(name="  ")


def test_deactivated_users_stay_but_cannot_act() -> None:
    ada = user()
    ada.deactivate(now=T0)
    assert ada.active is False
    assert [e.topic for e in ada.pull_events()] == ["user.deactivated"]
    with pytest.raises(IllegalTransition, match="already deactivated"):
        ada.deactivate(now=T0)


def test_profile_tags_are_trimmed_lowercase_and_without_blanks() -> None:
    profile = Profile.of(["Python", " SQL ", " "], ["Leadership", "python"], "  Hi  ")
    assert profile.expertise == {"python", "sql"}
    assert profile.goals == {"leadership", "python"}
    assert profile.bio == "Hi"


def test_a_bio_is_at_most_2000_characters() -> None:
    assert len(Profile.of(bio="x" * 2000).bio) == 2000
    with pytest.raises(InvalidInput, match="2000"):
        Profile.of(bio="x" * 2001)


def test_a_member_has_at_least_one_role() -> None:
    with pytest.raises(InvalidInput, match="mentor, a mentee, or both"):
        member(roles=frozenset())


@pytest.mark.parametrize("capacity", [-1, 51])
def test_a_mentor_capacity_is_between_0_and_50(capacity: int) -> None:
    with pytest.raises(InvalidInput, match="between 0 and 50"):
        member(capacity=capacity)


def test_mentee_capacity_uses_the_program_default_unless_set() -> None:
    assert member().mentee_capacity(3) == 3
    assert member(capacity=0).mentee_capacity(3) == 0
    assert member(capacity=7).mentee_capacity(3) == 7


def test_mentees_take_no_mentees() -> None:
    mentee = member(roles=MENTEE, capacity=5)
    assert (mentee.is_mentee, mentee.is_mentor) == (True, False)
    assert mentee.mentee_capacity(3) == 0


def test_someone_can_be_both_mentor_and_mentee() -> None:
    both = member(roles=MENTOR | MENTEE)
    assert both.is_mentor
    assert both.is_mentee
