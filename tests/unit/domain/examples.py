"""Small factories for domain tests: entities in a known state at a known time."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from domain.aggregate import Aggregate
from domain.connection import Connection
from domain.events import DomainEvent
from domain.ids import (
    ConnectionId,
    MeetingId,
    MemberId,
    MentorRequestId,
    OrganizationId,
    ProgramId,
)
from domain.meeting import MeetingProposal, Slot
from domain.mentor_request import MentorRequest
from tests.unit.world import T0

ORG = OrganizationId("org-1")
PROGRAM = ProgramId("prog-1")
MENTOR = MemberId("mentor-1")
OTHER_MENTOR = MemberId("mentor-2")
MENTEE = MemberId("mentee-1")
STRANGER = MemberId("stranger-1")
DEADLINE = T0 + timedelta(days=14)


def only_event(aggregate: Aggregate) -> DomainEvent:
    """The single event the last transition recorded (and forget it)."""
    events = aggregate.pull_events()
    assert len(events) == 1, events
    return events[0]


def pending_request(**overrides: Any) -> MentorRequest:
    facts: dict[str, Any] = {
        "id": MentorRequestId("req-1"),
        "organization_id": ORG,
        "program_id": PROGRAM,
        "mentee_id": MENTEE,
        "mentor_id": MENTOR,
        "note": "  Could you help me with Python?  ",
        "now": T0,
        "expires_at": DEADLINE,
    }
    request = MentorRequest.send(**(facts | overrides))
    request.pull_events()
    return request


def connection(**overrides: Any) -> Connection:
    facts: dict[str, Any] = {
        "id": ConnectionId("conn-1"),
        "organization_id": ORG,
        "program_id": PROGRAM,
        "mentor_ids": (MENTOR,),
        "mentee_ids": (MENTEE,),
        "now": T0,
    }
    made = Connection.publish(**(facts | overrides))
    made.pull_events()
    return made


def slots(*hours: float, minutes: int = 30) -> list[Slot]:
    """Slots starting the given number of hours after T0."""
    return [Slot(start=T0 + timedelta(hours=h), minutes=minutes) for h in hours]


def pending_meeting(*hours: float) -> MeetingProposal:
    meeting = MeetingProposal.propose(
        id=MeetingId("meet-1"),
        organization_id=ORG,
        connection_id=ConnectionId("conn-1"),
        organizer_id=MENTOR,
        invitee_id=MENTEE,
        title="Kick-off",
        slots=slots(*(hours or (24, 48))),
        now=T0,
    )
    meeting.pull_events()
    return meeting
