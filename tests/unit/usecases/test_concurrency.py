"""Optimistic concurrency: two transactions that both loaded the same state, one commit wins."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from adapters.persistence.memory import MemoryStore, MemoryUnitOfWork
from application.running import UseCaseRunner
from application.usecases.answer_mentor_request import (
    AcceptMentorRequest,
    DeclineMentorRequest,
    accept_mentor_request,
    decline_mentor_request,
)
from application.usecases.send_mentor_request import SendMentorRequest, send_mentor_request
from domain.connection import Connection
from domain.errors import ConcurrencyConflict, DomainError, IllegalTransition
from domain.ids import ConnectionId
from domain.mentor_request import MentorRequest, RequestStatus
from tests.unit.world import FixedClock, Person, Scene, World, fresh, interleave

Start = Callable[[MemoryUnitOfWork], Awaitable[Any]]


async def race(store: MemoryStore, first: Start, second: Start) -> tuple[Any, DomainError]:
    """Both handlers load before either commits; the first commits first and wins."""
    won, lost = await interleave(store, first, second)
    assert not isinstance(won, DomainError)
    assert isinstance(lost, ConcurrencyConflict)
    assert "Someone else changed this" in lost.message
    return won, lost


async def ask(run: UseCaseRunner, scene: Scene, mentee: Person, mentor: Person) -> MentorRequest:
    cmd = SendMentorRequest(program_id=scene.program.id, mentor_id=mentor.id)
    return await run(send_mentor_request, cmd, mentee.actor)


def accepting(request: MentorRequest, mentor: Person, clock: FixedClock) -> Start:
    cmd = AcceptMentorRequest(request_id=request.id)
    return lambda uow: accept_mentor_request(cmd, mentor.actor, uow, clock)


async def connections_of(store: MemoryStore, scene: Scene) -> dict[Any, int]:
    async with fresh(store) as uow:
        return await uow.connections.active_mentee_counts(scene.program.id)


async def test_two_accepts_of_one_request_give_one_connection_and_one_conflict(
    run: UseCaseRunner, scene: Scene, store: MemoryStore, clock: FixedClock
) -> None:
    request = await ask(run, scene, scene.sam, scene.maria)
    mark = len(store.outbox)
    accept = accepting(request, scene.maria, clock)
    won, _ = await race(store, accept, accept)
    async with fresh(store) as uow:
        saved = await uow.mentor_requests.get(request.id)
        assert (saved.status, saved.connection_id) == (RequestStatus.ACCEPTED, won.id)
    assert await connections_of(store, scene) == {scene.maria.id: 1}
    assert [m.topic for m in store.outbox[mark:]] == [
        "mentor_request.accepted",
        "connection.published",
    ]


async def test_accept_and_decline_at_once_the_first_commit_decides(
    run: UseCaseRunner, scene: Scene, store: MemoryStore, clock: FixedClock
) -> None:
    request = await ask(run, scene, scene.sam, scene.maria)
    cmd = DeclineMentorRequest(request_id=request.id, reason="busy")
    await race(
        store,
        lambda uow: decline_mentor_request(cmd, scene.maria.actor, uow, clock),
        accepting(request, scene.maria, clock),
    )
    async with fresh(store) as uow:
        assert (await uow.mentor_requests.get(request.id)).status is RequestStatus.DECLINED
    assert await connections_of(store, scene) == {}
    assert store.outbox[-1].topic == "mentor_request.declined"


async def test_two_requests_for_the_last_place_one_wins(
    run: UseCaseRunner, scene: Scene, store: MemoryStore, clock: FixedClock, world: World
) -> None:
    kim = await world.mentee(scene.acme, scene.program, "Kim")
    first, second, third = [
        await ask(run, scene, p, scene.maria) for p in (scene.sam, scene.lee, kim)
    ]
    await run(accept_mentor_request, AcceptMentorRequest(request_id=first.id), scene.maria.actor)
    # Maria takes 2 mentees and has 1 left: both transactions see room for one more.
    await race(store, accepting(second, scene.maria, clock), accepting(third, scene.maria, clock))
    assert await connections_of(store, scene) == {scene.maria.id: 2}
    async with fresh(store) as uow:
        statuses = [(await uow.mentor_requests.get(r.id)).status for r in (second, third)]
    assert statuses == [RequestStatus.ACCEPTED, RequestStatus.PENDING]
    # Trying again now sees the real load and gets the capacity refusal.
    with pytest.raises(IllegalTransition, match="already mentor 2 of 2"):
        await run(
            accept_mentor_request, AcceptMentorRequest(request_id=third.id), scene.maria.actor
        )


async def test_accepts_for_different_mentors_do_not_conflict(
    run: UseCaseRunner, scene: Scene, store: MemoryStore, clock: FixedClock
) -> None:
    to_maria = await ask(run, scene, scene.sam, scene.maria)
    to_omar = await ask(run, scene, scene.lee, scene.omar)
    both = await interleave(
        store, accepting(to_maria, scene.maria, clock), accepting(to_omar, scene.omar, clock)
    )
    assert [type(c) for c in both] == [Connection, Connection]
    assert await connections_of(store, scene) == {scene.maria.id: 1, scene.omar.id: 1}


async def test_two_units_of_work_loading_one_request_only_the_first_commit_lands(
    run: UseCaseRunner, scene: Scene, store: MemoryStore, clock: FixedClock
) -> None:
    request = await ask(run, scene, scene.sam, scene.maria)
    mark = len(store.outbox)
    async with fresh(store) as one, fresh(store) as two:
        mine, theirs = (
            await one.mentor_requests.get(request.id),
            await two.mentor_requests.get(request.id),
        )
        assert mine is not theirs
        for uow, loaded, cid in ((one, mine, "c-1"), (two, theirs, "c-2")):
            made = loaded.accept(
                by=scene.maria.id,
                now=clock.now(),
                mentor_load=0,
                mentor_capacity=2,
                connection_id=ConnectionId(cid),
            )
            await uow.connections.add(made)
        await one.commit()
        with pytest.raises(ConcurrencyConflict):
            await two.commit()
    async with fresh(store) as uow:
        saved = await uow.mentor_requests.get(request.id)
        assert (saved.connection_id, saved.version) == ("c-1", 2)
        assert [c.id for c in await uow.connections.list_for_member(scene.sam.id)] == ["c-1"]
    assert len(store.outbox) == mark + 2
