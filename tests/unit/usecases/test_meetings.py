"""Proposing, accepting, declining and cancelling meetings inside a connection."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from adapters.persistence.memory import MemoryStore
from application.running import UseCaseRunner
from application.usecases.meetings import (
    AcceptMeeting,
    CancelMeeting,
    DeclineMeeting,
    ProposeMeeting,
    accept_meeting,
    cancel_meeting,
    decline_meeting,
    propose_meeting,
)
from domain.connection import Connection
from domain.errors import IllegalTransition, InvalidInput, NotAllowed, NotFound
from domain.meeting import MeetingProposal, MeetingStatus, Slot
from tests.unit.world import (
    FixedClock,
    Person,
    Scene,
    World,
    fresh,
    publish,
    snapshot,
    topics_since,
)


@pytest.fixture
async def pair(world: World, scene: Scene) -> Connection:
    return await publish(world, scene.acme, scene.program, scene.maria, scene.sam)


def slots_from(now: datetime, *hours: int) -> tuple[Slot, ...]:
    return tuple(Slot(start=now + timedelta(hours=h), minutes=45) for h in hours)


async def propose(
    run: UseCaseRunner, pair: Connection, by: Person, invitee: Person, now: datetime
) -> MeetingProposal:
    cmd = ProposeMeeting(
        connection_id=pair.id,
        invitee_id=invitee.id,
        slots=slots_from(now, 48, 24, 72),
        title="Kick-off",
    )
    return await run(propose_meeting, cmd, by.actor)


async def stored(store: MemoryStore, meeting: MeetingProposal) -> MeetingProposal:
    async with fresh(store) as uow:
        return await uow.meetings.get(meeting.id)


async def test_a_participant_proposes_slots_to_their_partner(
    run: UseCaseRunner, scene: Scene, pair: Connection, store: MemoryStore, clock: FixedClock
) -> None:
    mark = len(store.outbox)
    meeting = await propose(run, pair, scene.maria, scene.sam, clock.now())
    saved = await stored(store, meeting)
    assert (saved.status, saved.title, saved.organizer_id, saved.invitee_id) == (
        MeetingStatus.PENDING,
        "Kick-off",
        scene.maria.id,
        scene.sam.id,
    )
    assert saved.slots == slots_from(clock.now(), 24, 48, 72)
    assert topics_since(store, mark) == ["meeting.proposed"]
    assert store.outbox[mark].payload["invitee_id"] == scene.sam.id


async def test_proposing_is_for_participants_inviting_their_partner(
    run: UseCaseRunner, scene: Scene, pair: Connection, store: MemoryStore, clock: FixedClock
) -> None:
    before = snapshot(store)
    now = clock.now()
    with pytest.raises(NotFound, match="No such connection"):
        await propose(run, pair, scene.outsider, scene.sam, now)
    with pytest.raises(NotAllowed, match="Only the people in this connection"):
        await propose(run, pair, scene.lee, scene.sam, now)
    with pytest.raises(InvalidInput, match="only invite your partner"):
        await propose(run, pair, scene.maria, scene.lee, now)
    with pytest.raises(InvalidInput, match="only invite your partner"):
        await propose(run, pair, scene.maria, scene.maria, now)
    with pytest.raises(InvalidInput, match="start in the future"):
        await propose(run, pair, scene.maria, scene.sam, now + timedelta(hours=-30))
    assert snapshot(store) == before


async def test_the_invitee_accepts_a_slot_by_its_start(
    run: UseCaseRunner, scene: Scene, pair: Connection, store: MemoryStore, clock: FixedClock
) -> None:
    meeting = await propose(run, pair, scene.maria, scene.sam, clock.now())
    chosen = meeting.slots[1]
    clock.advance(hours=1)
    mark = len(store.outbox)
    await run(
        accept_meeting,
        AcceptMeeting(meeting_id=meeting.id, slot_start=chosen.start),
        scene.sam.actor,
    )
    saved = await stored(store, meeting)
    assert (saved.status, saved.accepted_slot, saved.decided_at) == (
        MeetingStatus.ACCEPTED,
        chosen,
        clock.now(),
    )
    assert topics_since(store, mark) == ["meeting.accepted"]
    assert store.outbox[mark].payload["start"] == chosen.start.isoformat()


async def test_answers_from_the_wrong_people_or_for_the_wrong_time_change_nothing(
    run: UseCaseRunner, scene: Scene, pair: Connection, store: MemoryStore, clock: FixedClock
) -> None:
    meeting = await propose(run, pair, scene.maria, scene.sam, clock.now())
    before = snapshot(store)
    start = meeting.slots[0].start
    accept = AcceptMeeting(meeting_id=meeting.id, slot_start=start)
    decline = DeclineMeeting(meeting_id=meeting.id)
    with pytest.raises(NotFound, match="No such meeting"):
        await run(accept_meeting, accept, scene.outsider.actor)
    with pytest.raises(NotAllowed, match="not a member"):
        await run(decline_meeting, decline, scene.bystander)
    with pytest.raises(NotAllowed, match="Only the people in this connection"):
        await run(accept_meeting, accept, scene.lee.actor)
    with pytest.raises(NotAllowed, match="Only the person invited"):
        await run(accept_meeting, accept, scene.maria.actor)
    with pytest.raises(NotAllowed, match="Only the person invited"):
        await run(decline_meeting, decline, scene.maria.actor)
    other = AcceptMeeting(meeting_id=meeting.id, slot_start=start + timedelta(minutes=5))
    with pytest.raises(InvalidInput, match="not one of the proposed slots"):
        await run(accept_meeting, other, scene.sam.actor)
    clock.advance(hours=24)
    with pytest.raises(IllegalTransition, match="already started"):
        await run(accept_meeting, accept, scene.sam.actor)
    assert snapshot(store) == before


async def test_the_invitee_declines_and_then_it_is_final(
    run: UseCaseRunner, scene: Scene, pair: Connection, store: MemoryStore, clock: FixedClock
) -> None:
    meeting = await propose(run, pair, scene.sam, scene.maria, clock.now())
    mark = len(store.outbox)
    await run(
        decline_meeting,
        DeclineMeeting(meeting_id=meeting.id, reason="On leave"),
        scene.maria.actor,
    )
    saved = await stored(store, meeting)
    assert (saved.status, saved.decline_reason) == (MeetingStatus.DECLINED, "On leave")
    assert topics_since(store, mark) == ["meeting.declined"]
    start = meeting.slots[0].start
    with pytest.raises(IllegalTransition, match="already declined"):
        await run(
            accept_meeting,
            AcceptMeeting(meeting_id=meeting.id, slot_start=start),
            scene.maria.actor,
        )
    assert len(store.outbox) == mark + 1


async def test_cancel_rules_pending_by_organizer_accepted_by_either_side(
    run: UseCaseRunner, scene: Scene, pair: Connection, store: MemoryStore, clock: FixedClock
) -> None:
    first = await propose(run, pair, scene.maria, scene.sam, clock.now())
    with pytest.raises(NotAllowed, match="Only the person who proposed"):
        await run(cancel_meeting, CancelMeeting(meeting_id=first.id), scene.sam.actor)
    mark = len(store.outbox)
    await run(cancel_meeting, CancelMeeting(meeting_id=first.id), scene.maria.actor)
    assert (await stored(store, first)).status is MeetingStatus.CANCELLED
    assert topics_since(store, mark) == ["meeting.cancelled"]

    second = await propose(run, pair, scene.maria, scene.sam, clock.now())
    start = second.slots[0].start
    await run(
        accept_meeting, AcceptMeeting(meeting_id=second.id, slot_start=start), scene.sam.actor
    )
    await run(cancel_meeting, CancelMeeting(meeting_id=second.id), scene.sam.actor)
    saved = await stored(store, second)
    assert saved.status is MeetingStatus.CANCELLED
    assert store.outbox[-1].payload["by_member_id"] == scene.sam.id


async def test_an_accepted_meeting_cannot_be_cancelled_once_started(
    run: UseCaseRunner, scene: Scene, pair: Connection, store: MemoryStore, clock: FixedClock
) -> None:
    meeting = await propose(run, pair, scene.maria, scene.sam, clock.now())
    start = meeting.slots[0].start
    await run(
        accept_meeting, AcceptMeeting(meeting_id=meeting.id, slot_start=start), scene.sam.actor
    )
    clock.current = start
    before = snapshot(store)
    with pytest.raises(IllegalTransition, match="already started"):
        await run(cancel_meeting, CancelMeeting(meeting_id=meeting.id), scene.maria.actor)
    assert snapshot(store) == before


async def test_no_new_meetings_in_a_closed_connection(
    run: UseCaseRunner, scene: Scene, pair: Connection, store: MemoryStore, clock: FixedClock
) -> None:
    async with fresh(store) as uow:
        (await uow.connections.get(pair.id)).close(by=None, now=clock.now())
        await uow.commit()
    before = snapshot(store)
    with pytest.raises(IllegalTransition, match="closed"):
        await propose(run, pair, scene.maria, scene.sam, clock.now())
    assert snapshot(store) == before
