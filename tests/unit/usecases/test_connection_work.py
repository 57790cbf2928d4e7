"""Messages and tasks inside a connection."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adapters.persistence.memory import MemoryStore
from application.running import UseCaseRunner
from application.usecases.connection_work import (
    AddTask,
    CompleteTask,
    SendMessage,
    add_task,
    complete_task,
    send_message,
)
from domain.connection import Connection, TaskStatus
from domain.errors import IllegalTransition, InvalidInput, NotAllowed, NotFound
from domain.ids import TaskId
from tests.unit.world import FixedClock, Scene, World, fresh, publish, snapshot, topics_since


@pytest.fixture
async def pair(world: World, scene: Scene) -> Connection:
    return await publish(world, scene.acme, scene.program, scene.maria, scene.sam)


async def stored(store: MemoryStore, pair: Connection) -> Connection:
    async with fresh(store) as uow:
        return await uow.connections.get(pair.id)


async def test_a_message_is_kept_and_announced_to_the_partner(
    run: UseCaseRunner, scene: Scene, pair: Connection, store: MemoryStore, clock: FixedClock
) -> None:
    mark = len(store.outbox)
    sent = await run(
        send_message, SendMessage(connection_id=pair.id, body=" Hi! "), scene.sam.actor
    )
    async with fresh(store) as uow:
        saved = await uow.messages.list_for_connection(pair.id, before=None, limit=10)
        assert (await uow.connections.get(pair.id)).version == pair.version  # untouched
    assert [(m.id, m.body, m.author_id, m.sent_at) for m in saved] == [
        (sent.id, "Hi!", scene.sam.id, clock.now())
    ]
    assert topics_since(store, mark) == ["connection.message_sent"]
    assert list(store.outbox[mark].payload["recipient_ids"]) == [scene.maria.id]


async def test_a_task_is_added_then_completed(
    run: UseCaseRunner, scene: Scene, pair: Connection, store: MemoryStore, clock: FixedClock
) -> None:
    mark = len(store.outbox)
    due = clock.now() + timedelta(days=7)
    cmd = AddTask(connection_id=pair.id, title="Read chapter 1", assignee_id=scene.sam.id, due=due)
    task = await run(add_task, cmd, scene.maria.actor)
    clock.advance(days=1)
    await run(complete_task, CompleteTask(connection_id=pair.id, task_id=task.id), scene.sam.actor)
    (saved,) = (await stored(store, pair)).tasks
    assert (saved.title, saved.assignee_id, saved.due) == ("Read chapter 1", scene.sam.id, due)
    assert (saved.status, saved.completed_at) == (TaskStatus.DONE, clock.now())
    assert topics_since(store, mark) == ["connection.task_added", "connection.task_completed"]
    with pytest.raises(IllegalTransition, match="already done"):
        await run(
            complete_task, CompleteTask(connection_id=pair.id, task_id=task.id), scene.sam.actor
        )
    assert len(store.outbox) == mark + 2


async def test_outsiders_non_participants_and_bad_input_change_nothing(
    run: UseCaseRunner, scene: Scene, pair: Connection, store: MemoryStore
) -> None:
    task = await run(add_task, AddTask(connection_id=pair.id, title="Read"), scene.maria.actor)
    before = snapshot(store)
    message = SendMessage(connection_id=pair.id, body="hello")
    new_task = AddTask(connection_id=pair.id, title="Sneaky")
    done = CompleteTask(connection_id=pair.id, task_id=task.id)
    for cmd, handler in ((message, send_message), (new_task, add_task), (done, complete_task)):
        with pytest.raises(NotFound, match="No such connection"):
            await run(handler, cmd, scene.outsider.actor)  # type: ignore[arg-type]
        with pytest.raises(NotAllowed, match="not a member of this program"):
            await run(handler, cmd, scene.bystander)  # type: ignore[arg-type]
        with pytest.raises(NotAllowed, match="Only the people in this connection"):
            await run(handler, cmd, scene.lee.actor)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="cannot be empty"):
        await run(send_message, SendMessage(connection_id=pair.id, body="  "), scene.sam.actor)
    with pytest.raises(InvalidInput, match="someone in the connection"):
        await run(
            add_task,
            AddTask(connection_id=pair.id, title="x", assignee_id=scene.lee.id),
            scene.sam.actor,
        )
    with pytest.raises(NotFound, match="No such task"):
        await run(
            complete_task, CompleteTask(connection_id=pair.id, task_id=TaskId("x")), scene.sam.actor
        )
    assert snapshot(store) == before
