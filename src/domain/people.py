"""People: platform users with an organization role, and their membership in programs."""

from __future__ import annotations

import enum
import re
from datetime import datetime
from typing import ClassVar

import attrs

from domain.aggregate import Aggregate
from domain.errors import IllegalTransition, InvalidInput
from domain.events import DomainEvent
from domain.ids import MemberId, OrganizationId, ProgramId, UserId

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_BIO = 2000
MAX_MENTEES_PER_MENTOR = 50  # a mentor's own capacity, and a program's default, at most


class Role(enum.StrEnum):
    """What a user may do in their organization."""

    SUPPORT = "support"
    GLOBAL_ADMIN = "global_admin"
    PROGRAM_ADMIN = "program_admin"
    MEMBER = "member"

    @property
    def one(self) -> str:
        """One holder of the role, in words: "a program administrator"."""
        return _ROLE_WORDS[self][0]

    @property
    def holders(self) -> str:
        """Every holder of the role, in words: "program administrators"."""
        return _ROLE_WORDS[self][1]


_ROLE_WORDS = {
    Role.SUPPORT: ("support staff", "support staff"),
    Role.GLOBAL_ADMIN: ("a global administrator", "global administrators"),
    Role.PROGRAM_ADMIN: ("a program administrator", "program administrators"),
    Role.MEMBER: ("a member", "members"),
}


class ProgramRole(enum.StrEnum):
    MENTOR = "mentor"
    MENTEE = "mentee"


@attrs.frozen(kw_only=True)
class UserDeactivated(DomainEvent):
    topic: ClassVar[str] = "user.deactivated"
    user_id: str


@attrs.frozen(kw_only=True)
class MenteeJoined(DomainEvent):
    """A mentee joined a program and has no mentor there yet."""

    topic: ClassVar[str] = "member.mentee_joined"
    member_id: str
    program_id: str
    user_id: str


@attrs.define(kw_only=True, eq=False)
class User(Aggregate):
    """Someone who signs in. Deactivated users keep their history but cannot act."""

    id: UserId
    organization_id: OrganizationId
    email: str
    name: str
    role: Role = Role.MEMBER
    active: bool = True
    joined_at: datetime | None = None  # lets the Slack directory look up only newcomers

    def __attrs_post_init__(self) -> None:
        self.email = self.email.strip().lower()
        if not _EMAIL.match(self.email):
            raise InvalidInput(f"{self.email!r} is not an email address.")
        if not self.name.strip():
            raise InvalidInput("A user needs a name.")

    def deactivate(self, *, now: datetime) -> None:
        """Deactivated users keep their history but can no longer sign in or act."""
        if not self.active:
            raise IllegalTransition(f"{self.name} is already deactivated.")
        self.active = False
        self.record(
            UserDeactivated(organization_id=self.organization_id, occurred_at=now, user_id=self.id)
        )


@attrs.frozen(kw_only=True)
class Profile:
    """What a member offers or seeks. Tags are compared case-insensitively."""

    expertise: frozenset[str] = frozenset()
    goals: frozenset[str] = frozenset()
    bio: str = ""

    @staticmethod
    def of(
        expertise: list[str] | None = None, goals: list[str] | None = None, bio: str = ""
    ) -> Profile:
        def tags(values: list[str] | None) -> frozenset[str]:
            return frozenset(v.strip().lower() for v in values or [] if v.strip())

        if len(bio) > MAX_BIO:
            raise InvalidInput(f"A bio is at most {MAX_BIO} characters.")
        return Profile(expertise=tags(expertise), goals=tags(goals), bio=bio.strip())


@attrs.define(kw_only=True, eq=False)
class Member(Aggregate):
    """A user's place in one program: mentor and/or mentee, with a profile and a capacity."""

    id: MemberId
    organization_id: OrganizationId
    program_id: ProgramId
    user_id: UserId
    name: str
    roles: frozenset[ProgramRole]
    profile: Profile = attrs.field(factory=Profile)
    capacity: int | None = None  # mentees this mentor takes; None = the program's default

    def __attrs_post_init__(self) -> None:
        if not self.roles:
            raise InvalidInput("A member is a mentor, a mentee, or both.")
        if self.capacity is not None and not 0 <= self.capacity <= MAX_MENTEES_PER_MENTOR:
            raise InvalidInput(
                f"A mentor's capacity is between 0 and {MAX_MENTEES_PER_MENTOR} mentees."
            )

    @property
    def is_mentor(self) -> bool:
        return ProgramRole.MENTOR in self.roles

    @property
    def is_mentee(self) -> bool:
        return ProgramRole.MENTEE in self.roles

    def joined(self, *, now: datetime) -> None:
        """Just enrolled: a mentee starts without a mentor (they hear who could help)."""
        if self.is_mentee:
            self.record(
                MenteeJoined(
                    organization_id=self.organization_id,
                    occurred_at=now,
                    member_id=self.id,
                    program_id=self.program_id,
                    user_id=self.user_id,
                )
            )

    def mentee_capacity(self, program_default: int) -> int:
        """How many mentees this member takes at once as a mentor."""
        if not self.is_mentor:
            return 0
        return program_default if self.capacity is None else self.capacity
