"""Commit to delivery without waiting for a poll: the composition root's outbox bell wakes the
worker the moment a commit writes outbox rows; a stopping worker gives back the outbox rows
it claimed but did not begin."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta

from adapters.persistence.outbox import MemoryOutbox
from adapters.settings import Settings
from application.usecases.send_mentor_request import SendMentorRequest, send_mentor_request
from bootstrap import create_container
from tests.unit.world import World, build_scene

POLL = 30.0  # far longer than the test waits: only the bell can wake the worker in time


async def test_a_commit_with_outbox_rows_wakes_the_worker_at_once() -> None:
    container = create_container(Settings(database_url="memory://"))
    run = container.runner()
    scene = await build_scene(World(run))
    worker = container.delivery_worker()
    worker.poll_every = POLL
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    store = container.memory_store()
    await asyncio.sleep(0.2)  # the worker has emptied the outbox and sleeps
    handled = sum(1 for m in store.outbox if m.status == "handled")
    ask = SendMentorRequest(program_id=scene.program.id, mentor_id=scene.maria.id)
    await run(send_mentor_request, ask, scene.sam.actor)
    started = time.monotonic()
    while sum(1 for m in store.outbox if m.status == "handled") == handled:
        assert time.monotonic() - started < 2.0, "the commit did not wake the worker"
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(task, 5)


class StopBeforeSecond:
    def __init__(self, stop: asyncio.Event) -> None:
        self.stop, self.turns = stop, 0

    async def wait_turn(self) -> None:
        self.turns += 1
        if self.turns == 2:
            self.stop.set()


async def test_a_stopping_worker_gives_back_the_outbox_rows_it_did_not_begin() -> None:
    container = create_container(Settings(database_url="memory://"))
    run = container.runner()
    scene = await build_scene(World(run))
    store = container.memory_store()
    for mentor in (scene.maria, scene.omar):
        ask = SendMentorRequest(program_id=scene.program.id, mentor_id=mentor.id)
        await run(send_mentor_request, ask, scene.sam.actor)
    waiting = [m.id for m in store.outbox if m.status == "pending"]
    assert len(waiting) >= 2
    worker = container.delivery_worker()
    stop = asyncio.Event()
    worker.expander.turns = StopBeforeSecond(stop)
    await worker.expander.expand_due(stop=stop)
    statuses = {m.id: (m.status, m.attempts) for m in store.outbox if m.id in waiting}
    assert statuses[waiting[0]] == ("handled", 1)
    assert all(statuses[i] == ("pending", 0) for i in waiting[1:])
    later = await MemoryOutbox(store).claim(container.clock().now(), 50, timedelta(seconds=5))
    assert {m.id for m in later} == set(waiting[1:])  # due at once, not after a lease


async def test_an_outbox_row_that_ended_every_worker_that_expanded_it_is_dead() -> None:
    container = create_container(Settings(database_url="memory://"))
    run = container.runner()
    scene = await build_scene(World(run))
    store = container.memory_store()
    ask = SendMentorRequest(program_id=scene.program.id, mentor_id=scene.maria.id)
    await run(send_mentor_request, ask, scene.sam.actor)
    worker = container.delivery_worker()
    outbox, now = MemoryOutbox(store), container.clock().now()
    await worker.expander.expand_due()  # everything before: expanded
    await run(
        send_mentor_request,
        ask.__class__(program_id=scene.program.id, mentor_id=scene.omar.id),
        scene.sam.actor,
    )
    [poison] = [m for m in store.outbox if m.status == "pending"]
    for _ in range(worker.expander.retry.max_attempts):  # a worker dies each time
        now += timedelta(minutes=5)
        assert [m.id for m in await outbox.claim(now, 1, timedelta(minutes=1))] == [poison.id]
    worker.expander.clock = FixedNow(now + timedelta(minutes=5))
    assert await worker.expander.expand_due() == 1
    row = next(m for m in store.outbox if m.id == poison.id)
    assert row.status == "dead"
    assert row.last_error is not None and "abandoned 8 times" in row.last_error


class FixedNow:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at
