"""Meeting proposals: slots proposed, one picked, or declined / cancelled."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from domain.meeting import MAX_SLOTS, MAX_TITLE, MeetingProposal, Slot

from .common import AwareDatetime, Body, Id, Out, utc


class SlotIn(Body):
    start: AwareDatetime
    minutes: int = 30

    def __post_init__(self) -> None:
        self.start = utc(self.start)


class NewMeeting(Body):
    invitee_id: Id
    slots: Annotated[list[SlotIn], msgspec.Meta(min_length=1, max_length=MAX_SLOTS)]
    title: Annotated[str, msgspec.Meta(max_length=MAX_TITLE)] = ""


class SlotChoice(Body):
    """The start of one of the proposed slots."""

    slot_start: AwareDatetime

    def __post_init__(self) -> None:
        self.slot_start = utc(self.slot_start)


class SlotOut(Out):
    start: datetime
    minutes: int
    end: datetime

    @classmethod
    def of(cls, slot: Slot) -> SlotOut:
        return cls(start=slot.start, minutes=slot.minutes, end=slot.end)


class MeetingOut(Out):
    id: str
    connection_id: str
    organizer_id: str
    invitee_id: str
    title: str
    status: str
    slots: list[SlotOut]
    accepted_slot: SlotOut | None
    decline_reason: str
    created_at: datetime
    decided_at: datetime | None

    @classmethod
    def of(cls, meeting: MeetingProposal) -> MeetingOut:
        accepted = meeting.accepted_slot
        return cls(
            id=meeting.id,
            connection_id=meeting.connection_id,
            organizer_id=meeting.organizer_id,
            invitee_id=meeting.invitee_id,
            title=meeting.title,
            status=meeting.status.value,
            slots=[SlotOut.of(slot) for slot in meeting.slots],
            accepted_slot=SlotOut.of(accepted) if accepted is not None else None,
            decline_reason=meeting.decline_reason,
            created_at=meeting.created_at,
            decided_at=meeting.decided_at,
        )
