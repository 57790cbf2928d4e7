"""Eligibility to be matched: the rules that span members, connections and mentor requests.

Sending a mentor request, accepting one, an admin match and the recommended mentors all ask
this one place whether a mentor and a mentee may be matched: the right roles in the same
program, not already connected, no pending request between them, and room left with the
mentor. The use cases gather the facts (`Ties`, `Places`); the rules live here. Each refusal
is worded for the person who meets it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import attrs

from domain.connection import Connection
from domain.errors import DomainError, IllegalTransition, InvalidInput, NotFound
from domain.ids import MemberId
from domain.people import Member
from domain.program import Program

if TYPE_CHECKING:  # mentor_request asks this module when a request is accepted
    from domain.mentor_request import MentorRequest

_ONLY_MENTEES = "Only mentees can ask for mentoring."


@attrs.frozen(kw_only=True)
class Places:
    """A mentor's room: how many mentees they take at once, and how many they have now."""

    capacity: int
    taken: int

    @classmethod
    def of(cls, mentor: Member, *, default_capacity: int, taken: int) -> Places:
        """`default_capacity` is the program's mentees per mentor; `taken` the active mentees."""
        return cls(capacity=mentor.mentee_capacity(default_capacity), taken=taken)

    @property
    def open(self) -> int:
        """Places left; below zero when a capacity was lowered under the current mentees."""
        return self.capacity - self.taken

    def has_room_for(self, mentees: int = 1) -> bool:
        return self.open >= mentees


@attrs.frozen(kw_only=True)
class Ties:
    """What already links one member, as a mentee, to mentors."""

    connected: frozenset[MemberId] = frozenset()  # mentors in an active connection with them
    requested: frozenset[MemberId] = frozenset()  # mentors they have a pending request with

    @classmethod
    def of(
        cls,
        member_id: MemberId,
        *,
        connections: Iterable[Connection],
        pending: Iterable[MentorRequest] = (),
    ) -> Ties:
        """From the member's connections and mentor requests (others' are ignored)."""
        return cls(
            connected=frozenset(
                mentor
                for connection in connections
                if connection.is_active and member_id in connection.participants
                for mentor in connection.mentor_ids
            ),
            requested=frozenset(
                request.mentor_id
                for request in pending
                if request.is_pending and request.mentee_id == member_id
            ),
        )


def refusal_to_ask(
    mentee: Member, mentor: Member, *, ties: Ties, places: Places
) -> DomainError | None:
    """Why `mentee` may not ask `mentor` for mentoring now, or None when they may."""
    if not mentee.is_mentee:
        return InvalidInput(_ONLY_MENTEES)
    if mentor.organization_id != mentee.organization_id:
        return NotFound("No such member.")  # never confirm another organization's people
    if mentor.program_id != mentee.program_id or not mentor.is_mentor:
        return InvalidInput("That person is not a mentor in this program.")
    if mentor.id in ties.requested:
        return IllegalTransition(f"You already have a pending request with {mentor.name}.")
    if mentor.id in ties.connected:
        return IllegalTransition(f"{mentor.name} already mentors you.")
    if not places.has_room_for(1):
        return IllegalTransition(f"{mentor.name} has no open places right now.")
    if mentor.id == mentee.id:
        return InvalidInput("You cannot ask yourself for mentoring.")
    return None


def ensure_mentee(member: Member) -> None:
    """Only mentees ask for mentoring (checked before anything about the mentor is read)."""
    if not member.is_mentee:
        raise InvalidInput(_ONLY_MENTEES)


def ensure_may_ask(mentee: Member, mentor: Member, *, ties: Ties, places: Places) -> None:
    """A mentee sends a mentor request: raise the first rule it breaks."""
    refusal = refusal_to_ask(mentee, mentor, ties=ties, places=places)
    if refusal is not None:
        raise refusal


def ensure_room_to_accept(places: Places) -> None:
    """The mentor accepts one more mentee: only while they have a place left."""
    if not places.has_room_for(1):
        raise IllegalTransition(
            f"You already mentor {places.taken} of {places.capacity} mentees; "
            "finish a connection or raise your capacity first."
        )


def ensure_may_mentor(program: Program, mentor: Member, *, places: Places, mentees: int) -> None:
    """An admin match: `mentor` mentors the program and has room for `mentees` more."""
    _ensure_in_organization(program, mentor)
    if mentor.program_id != program.id or not mentor.is_mentor:
        raise InvalidInput(f"{mentor.name} is not a mentor in {program.name}.")
    if not places.has_room_for(mentees):
        raise IllegalTransition(f"{mentor.name} has {max(places.open, 0)} open places left.")


def ensure_may_be_mentored(
    program: Program, mentee: Member, *, ties: Ties, mentor_ids: Iterable[MemberId]
) -> None:
    """An admin match: `mentee` is a mentee of the program, connected with none of `mentor_ids`."""
    _ensure_in_organization(program, mentee)
    if mentee.program_id != program.id or not mentee.is_mentee:
        raise InvalidInput(f"{mentee.name} is not a mentee in {program.name}.")
    if ties.connected & set(mentor_ids):
        raise IllegalTransition(f"{mentee.name} is already connected with that mentor.")


def _ensure_in_organization(program: Program, member: Member) -> None:
    if member.organization_id != program.organization_id:
        raise NotFound("No such member.")  # never name another organization's people
