"""Meeting proposals driven at random and checked against a model: 1-5 slots, only the
invitee answers, an accepted slot is a proposed one still in the future, cancel rules,
expiry once every slot has started, and nothing changes after an end state."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime, timedelta

import attrs
from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
)

from domain.errors import DomainError, IllegalTransition, InvalidInput, NotAllowed
from domain.ids import ConnectionId, MeetingId, MemberId, OrganizationId
from domain.meeting import MAX_SLOTS, MeetingProposal, MeetingStatus, Slot
from tests.unit.world import T0

ORGANIZER, INVITEE, STRANGER = MemberId("mentor"), MemberId("mentee"), MemberId("stranger")
PEOPLE = st.sampled_from([ORGANIZER, INVITEE, STRANGER])
OFFSETS = st.lists(st.integers(-3, 120), max_size=MAX_SLOTS + 2)  # hours from now
MINUTES = st.sampled_from([15, 30, 60])
Outcome = type[DomainError] | None


@attrs.define
class Modelled:
    meeting: MeetingProposal
    status: str = "pending"
    accepted: Slot | None = None
    accepted_at: datetime | None = None
    topics: list[str] = attrs.field(factory=lambda: ["meeting.proposed"])
    path: list[str] = attrs.field(factory=list)  # the statuses it went through
    final: tuple[MeetingStatus, datetime | None] | None = None  # as it was when it ended

    def move(self, status: str) -> None:
        self.status = status
        self.path.append(status)
        if status != "accepted":
            self.final = (self.meeting.status, self.meeting.decided_at)


class MeetingMachine(RuleBasedStateMachine):
    meetings = Bundle("meetings")

    def __init__(self) -> None:
        super().__init__()
        self.now = T0
        self.ids = itertools.count(1)
        self.model: dict[MeetingId, Modelled] = {}

    def propose(self, offsets: list[int], minutes: int) -> tuple[Outcome, MeetingProposal | None]:
        slots = [Slot(start=self.now + timedelta(hours=h), minutes=minutes) for h in offsets]
        try:
            meeting = MeetingProposal.propose(
                id=MeetingId(f"m{next(self.ids)}"),
                organization_id=OrganizationId("o"),
                connection_id=ConnectionId("c"),
                organizer_id=ORGANIZER,
                invitee_id=INVITEE,
                title="",
                slots=slots,
                now=self.now,
            )
        except DomainError as refused:
            return type(refused), None
        assert meeting.slots == tuple(sorted(set(slots)))
        assert [e.topic for e in meeting.pull_events()] == ["meeting.proposed"]
        self.model[meeting.id] = Modelled(meeting=meeting)
        return None, meeting

    @initialize(target=meetings, offsets=st.lists(st.integers(1, 96), min_size=1, max_size=5))
    def a_first_proposal(self, offsets: list[int]) -> MeetingId:
        outcome, meeting = self.propose(offsets, 30)
        assert outcome is None
        assert meeting is not None
        return meeting.id

    @rule(target=meetings, offsets=OFFSETS, minutes=MINUTES)
    def another_proposal(self, offsets: list[int], minutes: int) -> object:
        distinct = set(offsets)
        valid = 1 <= len(distinct) <= MAX_SLOTS and min(distinct) > 0
        outcome, meeting = self.propose(offsets, minutes)
        assert outcome is (None if valid else InvalidInput)
        return multiple() if meeting is None else meeting.id

    def act(self, meeting_id: MeetingId, expected: Outcome, action: Callable[[], object]) -> bool:
        """Run one transition; a refusal must be the expected one and change nothing."""
        modelled = self.model[meeting_id]
        meeting = modelled.meeting
        before = (meeting.status, meeting.accepted_slot, meeting.decided_at, meeting.decline_reason)
        try:
            action()
            outcome: Outcome = None
        except DomainError as refused:
            outcome = type(refused)
            message = refused.message
            assert message
        event(f"{getattr(action, '__name__', 'act')}: {getattr(outcome, '__name__', 'ok')}")
        assert outcome is expected
        events = meeting.pull_events()
        if outcome is not None:
            assert events == []
            after = (meeting.status, meeting.accepted_slot, meeting.decided_at)
            assert (*after, meeting.decline_reason) == before
            return False
        assert len(events) == 1
        assert events[0].occurred_at == self.now
        modelled.topics.append(events[0].topic)
        return True

    @rule(meeting=meetings, by=PEOPLE, pick=st.integers(-1, MAX_SLOTS - 1))
    def accept(self, meeting: MeetingId, by: MemberId, pick: int) -> None:
        modelled = self.model[meeting]
        slots = modelled.meeting.slots
        slot = (
            slots[pick % len(slots)]
            if pick >= 0
            else Slot(start=slots[0].start + timedelta(minutes=7))
        )
        if by != INVITEE:
            expected: Outcome = NotAllowed
        elif modelled.status != "pending":
            expected = IllegalTransition
        elif slot not in slots:
            expected = InvalidInput
        elif slot.start <= self.now:
            expected = IllegalTransition
        else:
            expected = None

        def accepting() -> None:
            modelled.meeting.accept(slot, by=by, now=self.now)

        if self.act(meeting, expected, accepting):
            modelled.move("accepted")
            modelled.accepted, modelled.accepted_at = slot, self.now

    def open_to_answer(self) -> list[MeetingId]:
        return sorted(
            i
            for i, m in self.model.items()
            if m.status == "pending" and m.meeting.open_slots(self.now)
        )

    @precondition(lambda self: self.open_to_answer())
    @rule(data=st.data())
    def the_invitee_picks_an_open_slot(self, data: st.DataObject) -> None:
        meeting = data.draw(st.sampled_from(self.open_to_answer()))
        proposal = self.model[meeting].meeting
        slot = data.draw(st.sampled_from(proposal.open_slots(self.now)))
        self.accept(meeting, INVITEE, proposal.slots.index(slot))

    @rule(meeting=meetings, by=PEOPLE)
    def decline(self, meeting: MeetingId, by: MemberId) -> None:
        modelled = self.model[meeting]
        expected: Outcome = None
        if by != INVITEE:
            expected = NotAllowed
        elif modelled.status != "pending":
            expected = IllegalTransition

        def declining() -> None:
            modelled.meeting.decline(by=by, now=self.now, reason="no time")

        if self.act(meeting, expected, declining):
            modelled.move("declined")

    @rule(meeting=meetings, by=PEOPLE)
    def cancel(self, meeting: MeetingId, by: MemberId) -> None:
        modelled = self.model[meeting]
        expected: Outcome = None
        if modelled.status == "accepted":
            assert modelled.accepted is not None
            if by not in (ORGANIZER, INVITEE):
                expected = NotAllowed
            elif modelled.accepted.start <= self.now:
                expected = IllegalTransition
        elif by != ORGANIZER:
            expected = NotAllowed
        elif modelled.status != "pending":
            expected = IllegalTransition

        def cancelling() -> None:
            modelled.meeting.cancel(by=by, now=self.now)

        if self.act(meeting, expected, cancelling):
            modelled.move("cancelled")

    @rule(meeting=meetings)
    def expire(self, meeting: MeetingId) -> None:
        modelled = self.model[meeting]
        every_slot_started = all(s.start <= self.now for s in modelled.meeting.slots)
        expected: Outcome = None
        if modelled.status != "pending" or not every_slot_started:
            expected = IllegalTransition

        def expiring() -> None:
            modelled.meeting.expire(now=self.now)

        if self.act(meeting, expected, expiring):
            modelled.move("expired")

    @rule(hours=st.sampled_from([1, 6, 24, 48]))
    def time_passes(self, hours: int) -> None:
        self.now += timedelta(hours=hours)

    @rule(meeting=meetings, pick=st.integers(0, MAX_SLOTS - 1), early=st.booleans())
    def time_reaches_a_slot(self, meeting: MeetingId, pick: int, early: bool) -> None:
        """Jump to a slot's start (or just before): where "in the future" is decided."""
        slots = self.model[meeting].meeting.slots
        target = slots[pick % len(slots)].start - timedelta(microseconds=1 if early else 0)
        self.now = max(self.now, target)

    @invariant()
    def meetings_match_the_model(self) -> None:
        for modelled in self.model.values():
            meeting = modelled.meeting
            assert meeting.status == MeetingStatus(modelled.status)
            assert meeting.accepted_slot == modelled.accepted
            assert (meeting.decided_at is None) == (modelled.status == "pending")
            assert meeting.is_overdue(self.now) == (
                modelled.status == "pending" and all(s.start <= self.now for s in meeting.slots)
            )
            assert modelled.topics == ["meeting.proposed"] + [f"meeting.{s}" for s in modelled.path]

    @invariant()
    def ended_proposals_never_change_again(self) -> None:
        for modelled in self.model.values():
            if modelled.final is not None:
                assert (modelled.meeting.status, modelled.meeting.decided_at) == modelled.final
                assert modelled.meeting.events == []

    @invariant()
    def an_accepted_slot_was_proposed_and_in_the_future_when_chosen(self) -> None:
        for modelled in self.model.values():
            meeting = modelled.meeting
            if meeting.accepted_slot is not None:
                assert meeting.accepted_slot in meeting.slots
                assert modelled.accepted_at is not None
                assert meeting.accepted_slot.start > modelled.accepted_at

    @invariant()
    def expired_proposals_had_no_slot_left(self) -> None:
        for modelled in self.model.values():
            if modelled.status == "expired":
                assert all(s.start <= decided(modelled.meeting) for s in modelled.meeting.slots)

    @invariant()
    def proposals_have_one_to_five_future_slots_when_made(self) -> None:
        for modelled in self.model.values():
            meeting = modelled.meeting
            assert 1 <= len(meeting.slots) <= MAX_SLOTS
            assert all(s.start > meeting.created_at for s in meeting.slots)


def decided(meeting: MeetingProposal) -> datetime:
    assert meeting.decided_at is not None
    return meeting.decided_at


MeetingMachine.TestCase.settings = settings(max_examples=200, stateful_step_count=50, deadline=None)
test_meeting_proposals_follow_the_model = MeetingMachine.TestCase
