"""Mentoring programs: their rules (capacity, request expiry) and their own Slack opt-in."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta
from typing import ClassVar

import attrs

from domain.aggregate import Aggregate
from domain.errors import IllegalTransition, InvalidInput
from domain.events import DomainEvent
from domain.ids import OrganizationId, ProgramId
from domain.people import MAX_MENTEES_PER_MENTOR

MAX_ANNOUNCEMENT = 2000
DEFAULT_MENTEES_PER_MENTOR = 3
DEFAULT_REQUEST_EXPIRY_DAYS = 14
MAX_REQUEST_EXPIRY_DAYS = 365


@attrs.frozen(kw_only=True)
class ProgramSlackOptInChanged(DomainEvent):
    topic: ClassVar[str] = "program.slack_opt_in_changed"
    program_id: str
    opted_in: bool


class Audience(enum.StrEnum):
    """Who in a program an announcement is for."""

    ALL = "all"
    MENTORS = "mentors"
    MENTEES = "mentees"


@attrs.frozen(kw_only=True)
class AnnouncementMade(DomainEvent):
    """A program administrator told the program's members (or its mentors or mentees) something."""

    topic: ClassVar[str] = "program.announcement_made"
    program_id: str
    announcement_id: str
    audience: str
    text: str
    by_user_id: str


@attrs.define(kw_only=True, eq=False)
class Program(Aggregate):
    """A program inside an organization. Slack delivery is on by default once the org has it."""

    id: ProgramId
    organization_id: OrganizationId
    name: str
    slack_opt_in: bool = True
    mentees_per_mentor: int = DEFAULT_MENTEES_PER_MENTOR
    request_expiry_days: int = DEFAULT_REQUEST_EXPIRY_DAYS

    def __attrs_post_init__(self) -> None:
        if not self.name.strip():
            raise InvalidInput("A program needs a name.")
        if not 1 <= self.mentees_per_mentor <= MAX_MENTEES_PER_MENTOR:
            raise InvalidInput(
                f"Mentees per mentor must be between 1 and {MAX_MENTEES_PER_MENTOR}."
            )
        if not 1 <= self.request_expiry_days <= MAX_REQUEST_EXPIRY_DAYS:
            raise InvalidInput(
                f"Request expiry must be between 1 and {MAX_REQUEST_EXPIRY_DAYS} days."
            )

    def request_deadline(self, now: datetime) -> datetime:
        """When a mentor request sent now expires if nobody answers it."""
        return now + timedelta(days=self.request_expiry_days)

    def set_slack_opt_in(self, opted_in: bool, *, now: datetime) -> None:
        if self.slack_opt_in == opted_in:
            state = "already uses" if opted_in else "already does not use"
            raise IllegalTransition(f"Program {self.name} {state} Slack.")
        self.slack_opt_in = opted_in
        self.record(
            ProgramSlackOptInChanged(
                organization_id=self.organization_id,
                occurred_at=now,
                program_id=self.id,
                opted_in=opted_in,
            )
        )

    def announce(
        self, text: str, *, audience: Audience, id: str, by: str, now: datetime
    ) -> AnnouncementMade:
        """Something for the program's `audience` to hear; it changes nothing of the program."""
        clean = text.strip()
        if not clean:
            raise InvalidInput("An announcement needs a text.")
        if len(clean) > MAX_ANNOUNCEMENT:
            raise InvalidInput(f"An announcement is at most {MAX_ANNOUNCEMENT} characters.")
        made = AnnouncementMade(
            organization_id=self.organization_id, occurred_at=now, program_id=self.id,
            announcement_id=id, audience=audience.value, text=clean, by_user_id=by,
        )  # fmt: skip
        self.record(made)
        return made
