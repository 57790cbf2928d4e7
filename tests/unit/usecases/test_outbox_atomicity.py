"""Domain events reach the outbox in the same transaction as the change: all or nothing."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from adapters.persistence.memory import MemoryStore
from application.actors import SYSTEM
from application.running import UseCaseRunner
from application.usecases.answer_mentor_request import (
    WithdrawMentorRequest,
    withdraw_mentor_request,
)
from application.usecases.expire_overdue import ExpireOverdue, expire_overdue
from application.usecases.meetings import ProposeMeeting, propose_meeting
from application.usecases.organization_setup import EnrollMember, enroll_member
from application.usecases.send_mentor_request import SendMentorRequest, send_mentor_request
from domain.errors import ConcurrencyConflict, NotAllowed
from domain.meeting import MeetingStatus, Slot
from domain.mentor_request import MentorRequest, RequestStatus
from domain.people import ProgramRole
from tests.unit.world import (
    FixedClock,
    GatedUnitOfWork,
    Person,
    Scene,
    World,
    fresh,
    publish,
    snapshot,
    topics_since,
)


async def ask(run: UseCaseRunner, scene: Scene, mentee: Person, mentor: Person) -> MentorRequest:
    cmd = SendMentorRequest(program_id=scene.program.id, mentor_id=mentor.id)
    return await run(send_mentor_request, cmd, mentee.actor)


async def test_a_commit_that_fails_after_changes_writes_no_row_and_no_state(
    run: UseCaseRunner, scene: Scene, store: MemoryStore, clock: FixedClock
) -> None:
    sams = await ask(run, scene, scene.sam, scene.maria)
    lees = await ask(run, scene, scene.lee, scene.omar)
    clock.advance(days=8)
    mark = len(store.outbox)
    gated = GatedUnitOfWork(store)
    expiring = asyncio.create_task(expire_overdue(ExpireOverdue(), SYSTEM, gated, clock))
    await asyncio.wait_for(gated.reached.wait(), timeout=1)
    # Both requests are already expired inside the pending transaction; Sam withdraws meanwhile.
    await run(withdraw_mentor_request, WithdrawMentorRequest(request_id=sams.id), scene.sam.actor)
    before = snapshot(store)
    gated.gate.set()
    with pytest.raises(ConcurrencyConflict):
        await expiring
    assert snapshot(store) == before
    assert topics_since(store, mark) == ["mentor_request.withdrawn"]
    async with fresh(store) as uow:
        assert (await uow.mentor_requests.get(lees.id)).status is RequestStatus.PENDING
        assert (await uow.mentor_requests.get(sams.id)).status is RequestStatus.WITHDRAWN


async def test_a_unique_clash_at_commit_leaves_neither_user_nor_member(
    world: World, scene: Scene, store: MemoryStore, clock: FixedClock
) -> None:
    cmd = EnrollMember(
        program_id=scene.program.id,
        email="twin@acme.example",
        name="Twin",
        roles=frozenset({ProgramRole.MENTEE}),
    )
    gates = [GatedUnitOfWork(store), GatedUnitOfWork(store)]
    tasks = [asyncio.create_task(enroll_member(cmd, scene.acme.admin, g, clock)) for g in gates]
    for gate in gates:
        await asyncio.wait_for(gate.reached.wait(), timeout=1)
    gates[0].gate.set()
    winner = await tasks[0]
    before = snapshot(store)
    gates[1].gate.set()
    with pytest.raises(ConcurrencyConflict, match="already exists"):
        await tasks[1]
    assert snapshot(store) == before
    async with fresh(store) as uow:
        assert [m.id for m in await uow.members.list_for_user(winner.user_id)] == [winner.id]


async def test_expiring_writes_exactly_one_row_per_expired_subject_in_order(
    run: UseCaseRunner, world: World, scene: Scene, store: MemoryStore, clock: FixedClock
) -> None:
    sams = await ask(run, scene, scene.sam, scene.maria)
    lees = await ask(run, scene, scene.lee, scene.omar)
    connection = await publish(world, scene.acme, scene.program, scene.omar, scene.sam)
    meeting = await run(
        propose_meeting,
        ProposeMeeting(
            connection_id=connection.id,
            invitee_id=scene.sam.id,
            slots=(Slot(start=clock.now() + timedelta(hours=1)),),
        ),
        scene.omar.actor,
    )
    clock.advance(days=7)
    mark = len(store.outbox)

    expired = await run(expire_overdue, ExpireOverdue(), SYSTEM)

    assert (expired.requests, expired.meetings) == (2, 1)
    rows = store.outbox[mark:]
    assert [r.topic for r in rows] == [
        "mentor_request.expired",
        "mentor_request.expired",
        "meeting.expired",
    ]
    assert [r.payload.get("request_id") for r in rows[:2]] == [sams.id, lees.id]
    assert rows[2].payload["meeting_id"] == meeting.id
    assert [r.id for r in rows] == [mark + 1, mark + 2, mark + 3]
    assert {(r.status, r.created_at, r.organization_id) for r in rows} == {
        ("pending", clock.now(), scene.acme.organization.id)
    }
    async with fresh(store) as uow:
        assert (await uow.meetings.get(meeting.id)).status is MeetingStatus.EXPIRED
        pending = await uow.outbox.list_pending(limit=1000)
        assert list(pending[-3:]) == rows

    again = await run(expire_overdue, ExpireOverdue(), SYSTEM)
    assert (again.requests, again.meetings) == (0, 0)
    assert len(store.outbox) == mark + 3


async def test_expiry_respects_the_batch_size(
    run: UseCaseRunner, scene: Scene, store: MemoryStore, clock: FixedClock
) -> None:
    for mentee in (scene.sam, scene.lee):
        await ask(run, scene, mentee, scene.maria)
    clock.advance(days=7)
    first = await run(expire_overdue, ExpireOverdue(batch=1), SYSTEM)
    second = await run(expire_overdue, ExpireOverdue(batch=1), SYSTEM)
    third = await run(expire_overdue, ExpireOverdue(batch=1), SYSTEM)
    assert [first.requests, second.requests, third.requests] == [1, 1, 0]


async def test_nothing_expires_a_moment_before_the_deadline(
    run: UseCaseRunner, scene: Scene, store: MemoryStore, clock: FixedClock
) -> None:
    await ask(run, scene, scene.sam, scene.maria)
    clock.advance(days=7, seconds=-1)
    before = snapshot(store)
    expired = await run(expire_overdue, ExpireOverdue(), SYSTEM)
    assert (expired.requests, expired.meetings) == (0, 0)
    assert snapshot(store) == before


async def test_only_support_runs_the_expiry_housekeeping(
    run: UseCaseRunner, scene: Scene, store: MemoryStore, clock: FixedClock
) -> None:
    await ask(run, scene, scene.sam, scene.maria)
    clock.advance(days=8)
    before = snapshot(store)
    for actor in (scene.acme.admin, scene.maria.actor):
        with pytest.raises(NotAllowed, match="Only support staff"):
            await run(expire_overdue, ExpireOverdue(), actor)
    assert snapshot(store) == before
