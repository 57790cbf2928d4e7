"""MeetingProposal: 1-5 slots; the invitee picks one or declines; cancel and expiry rules."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from domain.errors import IllegalTransition, InvalidInput, NotAllowed
from domain.ids import ConnectionId, MeetingId, MemberId
from domain.meeting import (
    MeetingAccepted,
    MeetingCancelled,
    MeetingDeclined,
    MeetingExpired,
    MeetingProposal,
    MeetingProposed,
    MeetingStatus,
    Slot,
)
from tests.unit.domain.examples import (
    MENTEE,
    MENTOR,
    ORG,
    STRANGER,
    only_event,
    pending_meeting,
    slots,
)
from tests.unit.world import T0

SOON = T0 + timedelta(hours=1)


def propose(proposed: list[Slot], title: str = "", organizer: MemberId = MENTOR) -> MeetingProposal:
    return MeetingProposal.propose(
        id=MeetingId("m"),
        organization_id=ORG,
        connection_id=ConnectionId("c"),
        organizer_id=organizer,
        invitee_id=MENTEE,
        title=title,
        slots=proposed,
        now=T0,
    )


def test_a_slot_needs_a_timezone_and_a_sane_length() -> None:
    with pytest.raises(InvalidInput, match="needs a timezone"):
        Slot(start=datetime(2026, 3, 3, 9, 0))
    for minutes in (4, 481):
        with pytest.raises(InvalidInput, match="between 5 and 480 minutes"):
            Slot(start=T0, minutes=minutes)
    assert Slot(start=T0, minutes=45).end == T0 + timedelta(minutes=45)


def test_proposing_sorts_and_deduplicates_slots_and_announces_them() -> None:
    meeting = propose(slots(48, 24, 48), title="  ")
    assert meeting.slots == tuple(slots(24, 48))
    assert (meeting.status, meeting.title) == (MeetingStatus.PENDING, "Mentoring session")
    event = only_event(meeting)
    assert isinstance(event, MeetingProposed)
    assert event.topic == "meeting.proposed"
    assert event.slots == tuple(s.start.isoformat() for s in slots(24, 48))
    assert (event.organizer_id, event.invitee_id, event.connection_id) == (MENTOR, MENTEE, "c")


def test_up_to_five_distinct_slots() -> None:
    assert len(propose(slots(1, 2, 3, 4, 5)).slots) == 5
    assert len(propose(slots(1, 2, 3, 4, 5, 5)).slots) == 5


@pytest.mark.parametrize(
    ("proposed", "message"),
    [
        ([], "between 1 and 5 different time slots"),
        (slots(1, 2, 3, 4, 5, 6), "between 1 and 5 different time slots"),
        (slots(0), "must start in the future"),
        (slots(-1, 5), "must start in the future"),
    ],
)
def test_bad_proposals_are_refused(proposed: list[Slot], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        propose(proposed)


def test_nobody_invites_themselves_and_titles_have_a_limit() -> None:
    with pytest.raises(InvalidInput, match="cannot invite yourself"):
        propose(slots(1), organizer=MENTEE)
    with pytest.raises(InvalidInput, match="at most 150"):
        propose(slots(1), title="x" * 151)


def test_the_invitee_accepts_one_of_the_proposed_slots() -> None:
    meeting = pending_meeting(24, 48)
    chosen = meeting.slots[1]
    meeting.accept(chosen, by=MENTEE, now=SOON)
    assert (meeting.status, meeting.accepted_slot, meeting.decided_at) == (
        MeetingStatus.ACCEPTED,
        chosen,
        SOON,
    )
    event = only_event(meeting)
    assert isinstance(event, MeetingAccepted)
    assert (event.topic, event.start, event.minutes) == ("meeting.accepted", chosen.start, 30)


@pytest.mark.parametrize("who", [MENTOR, STRANGER])
def test_only_the_invitee_answers(who: MemberId) -> None:
    meeting = pending_meeting()
    for answer in (
        lambda: meeting.accept(meeting.slots[0], by=who, now=SOON),
        lambda: meeting.decline(by=who, now=SOON),
    ):
        with pytest.raises(NotAllowed, match="Only the person invited"):
            answer()
    assert (meeting.status, meeting.events) == (MeetingStatus.PENDING, [])


def test_accepting_a_slot_that_was_not_proposed_is_refused() -> None:
    meeting = pending_meeting(24)
    for other in (slots(25)[0], slots(24, minutes=60)[0]):
        with pytest.raises(InvalidInput, match="not one of the proposed slots"):
            meeting.accept(other, by=MENTEE, now=SOON)
    assert (meeting.status, meeting.events) == (MeetingStatus.PENDING, [])


def test_a_slot_that_has_started_cannot_be_accepted_but_a_later_one_can() -> None:
    meeting = pending_meeting(2, 24)
    with pytest.raises(IllegalTransition, match="already started"):
        meeting.accept(meeting.slots[0], by=MENTEE, now=T0 + timedelta(hours=2))
    assert meeting.open_slots(T0 + timedelta(hours=2)) == (meeting.slots[1],)
    meeting.accept(meeting.slots[1], by=MENTEE, now=T0 + timedelta(hours=2))
    assert meeting.accepted_slot == meeting.slots[1]


def test_the_invitee_declines_with_a_reason() -> None:
    meeting = pending_meeting()
    meeting.decline(by=MENTEE, now=SOON, reason=" Travelling ")
    assert (meeting.status, meeting.decline_reason) == (MeetingStatus.DECLINED, "Travelling")
    event = only_event(meeting)
    assert isinstance(event, MeetingDeclined)
    assert (event.topic, event.reason) == ("meeting.declined", "Travelling")
    meeting = pending_meeting()
    with pytest.raises(InvalidInput, match="at most 1000"):
        meeting.decline(by=MENTEE, now=SOON, reason="x" * 1001)
    assert meeting.status is MeetingStatus.PENDING


def test_the_organizer_cancels_a_pending_proposal_the_invitee_cannot() -> None:
    meeting = pending_meeting()
    for who in (MENTEE, STRANGER):
        with pytest.raises(NotAllowed, match="Only the person who proposed"):
            meeting.cancel(by=who, now=SOON)
    assert meeting.events == []
    meeting.cancel(by=MENTOR, now=SOON)
    assert meeting.status is MeetingStatus.CANCELLED
    event = only_event(meeting)
    assert isinstance(event, MeetingCancelled)
    assert (event.topic, event.by_member_id) == ("meeting.cancelled", MENTOR)


@pytest.mark.parametrize("who", [MENTOR, MENTEE])
def test_either_side_calls_off_an_accepted_meeting_before_it_starts(who: MemberId) -> None:
    meeting = pending_meeting(24)
    meeting.accept(meeting.slots[0], by=MENTEE, now=SOON)
    meeting.pull_events()
    with pytest.raises(NotAllowed, match="Only the two people meeting"):
        meeting.cancel(by=STRANGER, now=SOON)
    meeting.cancel(by=who, now=T0 + timedelta(hours=23, minutes=59))
    assert meeting.status is MeetingStatus.CANCELLED
    assert only_event(meeting).payload()["by_member_id"] == who


def test_an_accepted_meeting_that_started_cannot_be_cancelled() -> None:
    meeting = pending_meeting(24)
    meeting.accept(meeting.slots[0], by=MENTEE, now=SOON)
    meeting.pull_events()
    with pytest.raises(IllegalTransition, match="already started"):
        meeting.cancel(by=MENTOR, now=T0 + timedelta(hours=24))
    assert (meeting.status, meeting.events) == (MeetingStatus.ACCEPTED, [])


def test_a_proposal_expires_once_every_slot_has_started() -> None:
    meeting = pending_meeting(24, 48)
    for now in (SOON, T0 + timedelta(hours=47)):
        assert meeting.is_overdue(now) is False
        with pytest.raises(IllegalTransition, match="still in the future"):
            meeting.expire(now=now)
    assert meeting.events == []
    at = T0 + timedelta(hours=48)
    assert meeting.is_overdue(at) is True
    meeting.expire(now=at)
    assert (meeting.status, meeting.decided_at) == (MeetingStatus.EXPIRED, at)
    event = only_event(meeting)
    assert isinstance(event, MeetingExpired)
    assert (event.topic, event.meeting_id) == ("meeting.expired", "meet-1")


LATE = T0 + timedelta(days=30)


def _end(status: MeetingStatus) -> MeetingProposal:
    meeting = pending_meeting(24, 48)
    {
        MeetingStatus.ACCEPTED: lambda: meeting.accept(meeting.slots[0], by=MENTEE, now=SOON),
        MeetingStatus.DECLINED: lambda: meeting.decline(by=MENTEE, now=SOON),
        MeetingStatus.CANCELLED: lambda: meeting.cancel(by=MENTOR, now=SOON),
        MeetingStatus.EXPIRED: lambda: meeting.expire(now=LATE),
    }[status]()
    meeting.pull_events()
    return meeting


ANSWERS: dict[str, Callable[[MeetingProposal], object]] = {
    "accept": lambda m: m.accept(m.slots[1], by=MENTEE, now=SOON),
    "decline": lambda m: m.decline(by=MENTEE, now=SOON),
    "expire": lambda m: m.expire(now=LATE),
}


@pytest.mark.parametrize("status", [s for s in MeetingStatus if s is not MeetingStatus.PENDING])
@pytest.mark.parametrize("action", ANSWERS)
def test_answered_proposals_are_final(status: MeetingStatus, action: str) -> None:
    meeting = _end(status)
    before = (meeting.status, meeting.accepted_slot, meeting.decided_at)
    with pytest.raises(IllegalTransition, match=f"already {status.value}"):
        ANSWERS[action](meeting)
    assert (meeting.status, meeting.accepted_slot, meeting.decided_at) == before
    assert meeting.events == []
    assert meeting.is_overdue(LATE) is False


@pytest.mark.parametrize(
    "status", [MeetingStatus.DECLINED, MeetingStatus.CANCELLED, MeetingStatus.EXPIRED]
)
def test_a_finished_proposal_cannot_be_cancelled(status: MeetingStatus) -> None:
    meeting = _end(status)
    with pytest.raises(IllegalTransition, match=f"already {status.value}"):
        meeting.cancel(by=MENTOR, now=SOON)
    assert (meeting.status, meeting.events) == (status, [])
