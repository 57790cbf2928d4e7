"""Mentor requests: sending, answering, and the pending ones of the caller."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from application.usecases.my_requests import RequestListing
from domain.mentor_request import MAX_NOTE, MentorRequest

from .common import Body, Id, Out

Note = Annotated[str, msgspec.Meta(max_length=MAX_NOTE)]


class NewMentorRequest(Body):
    program_id: Id
    mentor_id: Id
    note: Note = ""


class DeclineReason(Body):
    reason: Note = ""


class MentorRequestOut(Out):
    id: str
    program_id: str
    mentee_id: str
    mentor_id: str
    note: str
    status: str
    created_at: datetime
    expires_at: datetime
    decided_at: datetime | None
    decline_reason: str
    connection_id: str | None

    @classmethod
    def of(cls, request: MentorRequest) -> MentorRequestOut:
        return cls(
            id=request.id,
            program_id=request.program_id,
            mentee_id=request.mentee_id,
            mentor_id=request.mentor_id,
            note=request.note,
            status=request.status.value,
            created_at=request.created_at,
            expires_at=request.expires_at,
            decided_at=request.decided_at,
            decline_reason=request.decline_reason,
            connection_id=request.connection_id,
        )


class PersonOut(Out):
    member_id: str
    name: str


class PendingRequestOut(Out):
    """A pending request with the two people it is between."""

    request: MentorRequestOut
    mentee: PersonOut
    mentor: PersonOut

    @classmethod
    def of(cls, listing: RequestListing) -> PendingRequestOut:
        return cls(
            request=MentorRequestOut.of(listing.request),
            mentee=PersonOut(member_id=listing.mentee.id, name=listing.mentee.name),
            mentor=PersonOut(member_id=listing.mentor.id, name=listing.mentor.name),
        )


class MyRequestsOut(Out):
    """Pending requests: `sent` as a mentee, `received` as a mentor."""

    sent: list[PendingRequestOut]
    received: list[PendingRequestOut]
