"""Programs, their members, admin matches and recommended mentors."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from domain.connection import Connection
from domain.people import MAX_BIO, MAX_MENTEES_PER_MENTOR, Member, ProgramRole
from domain.program import (
    DEFAULT_MENTEES_PER_MENTOR,
    DEFAULT_REQUEST_EXPIRY_DAYS,
    MAX_ANNOUNCEMENT,
    MAX_REQUEST_EXPIRY_DAYS,
    AnnouncementMade,
    Audience,
    Program,
)
from domain.recommendations import Recommendation

from .common import Body, Id, Name, Out, Tags


class NewProgram(Body):
    name: Name
    mentees_per_mentor: Annotated[int, msgspec.Meta(ge=1, le=MAX_MENTEES_PER_MENTOR)] = (
        DEFAULT_MENTEES_PER_MENTOR
    )
    request_expiry_days: Annotated[int, msgspec.Meta(ge=1, le=MAX_REQUEST_EXPIRY_DAYS)] = (
        DEFAULT_REQUEST_EXPIRY_DAYS
    )


class SlackOptIn(Body):
    opted_in: bool


class ProgramOut(Out):
    id: str
    organization_id: str
    name: str
    slack_opt_in: bool
    mentees_per_mentor: int
    request_expiry_days: int

    @classmethod
    def of(cls, program: Program) -> ProgramOut:
        return cls(
            id=program.id,
            organization_id=program.organization_id,
            name=program.name,
            slack_opt_in=program.slack_opt_in,
            mentees_per_mentor=program.mentees_per_mentor,
            request_expiry_days=program.request_expiry_days,
        )


class NewMember(Body):
    """Enrolls a user (created when the email is new in the organization) in the program."""

    email: Annotated[str, msgspec.Meta(min_length=3, max_length=254)]
    name: Name
    roles: Annotated[list[ProgramRole], msgspec.Meta(min_length=1, max_length=2)]
    expertise: Tags = []
    goals: Tags = []
    bio: Annotated[str, msgspec.Meta(max_length=MAX_BIO)] = ""
    capacity: Annotated[int, msgspec.Meta(ge=0, le=MAX_MENTEES_PER_MENTOR)] | None = None


class MemberOut(Out):
    id: str
    program_id: str
    user_id: str
    name: str
    roles: list[str]
    expertise: list[str]
    goals: list[str]
    bio: str
    capacity: int | None

    @classmethod
    def of(cls, member: Member) -> MemberOut:
        return cls(
            id=member.id,
            program_id=member.program_id,
            user_id=member.user_id,
            name=member.name,
            roles=sorted(member.roles),
            expertise=sorted(member.profile.expertise),
            goals=sorted(member.profile.goals),
            bio=member.profile.bio,
            capacity=member.capacity,
        )


class NewConnection(Body):
    """An admin match: member ids of the program's mentors and mentees."""

    mentor_ids: Annotated[list[Id], msgspec.Meta(min_length=1, max_length=10)]
    mentee_ids: Annotated[list[Id], msgspec.Meta(min_length=1, max_length=10)]


class ConnectionOut(Out):
    id: str
    program_id: str
    mentor_ids: list[str]
    mentee_ids: list[str]
    status: str
    created_at: datetime

    @classmethod
    def of(cls, connection: Connection) -> ConnectionOut:
        return cls(
            id=connection.id,
            program_id=connection.program_id,
            mentor_ids=list(connection.mentor_ids),
            mentee_ids=list(connection.mentee_ids),
            status=connection.status.value,
            created_at=connection.created_at,
        )


class RecommendationOut(Out):
    mentor_id: str
    name: str
    score: float
    reason: str
    open_places: int

    @classmethod
    def of(cls, recommendation: Recommendation) -> RecommendationOut:
        return cls(
            mentor_id=recommendation.mentor_id,
            name=recommendation.name,
            score=recommendation.score,
            reason=recommendation.reason,
            open_places=recommendation.open_places,
        )


class NewAnnouncement(Body):
    """Told to the program's members: everyone, only the mentors, or only the mentees."""

    text: Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_ANNOUNCEMENT)]
    audience: Audience = Audience.ALL


class AnnouncementOut(Out):
    id: str
    program_id: str
    audience: str
    text: str
    made_at: datetime

    @classmethod
    def of(cls, made: AnnouncementMade) -> AnnouncementOut:
        return cls(
            id=made.announcement_id,
            program_id=made.program_id,
            audience=made.audience,
            text=made.text,
            made_at=made.occurred_at,
        )
