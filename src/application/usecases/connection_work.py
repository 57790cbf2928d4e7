"""Inside a connection: send a message, add a task, mark a task done."""

from __future__ import annotations

from datetime import datetime

import attrs

from application.actors import Actor, connection_of
from application.ports import Clock, UnitOfWork
from domain.connection import Message, Task
from domain.ids import ConnectionId, MemberId, MessageId, TaskId, new_id


@attrs.frozen(kw_only=True)
class SendMessage:
    connection_id: ConnectionId
    body: str


@attrs.frozen(kw_only=True)
class AddTask:
    connection_id: ConnectionId
    title: str
    assignee_id: MemberId | None = None
    due: datetime | None = None


@attrs.frozen(kw_only=True)
class CompleteTask:
    connection_id: ConnectionId
    task_id: TaskId


async def send_message(cmd: SendMessage, actor: Actor, uow: UnitOfWork, clock: Clock) -> Message:
    async with uow:
        connection, member = await connection_of(uow, actor, cmd.connection_id)
        message = connection.send_message(
            cmd.body, by=member.id, id=MessageId(new_id()), now=clock.now()
        )
        await uow.commit()
        return message


async def add_task(cmd: AddTask, actor: Actor, uow: UnitOfWork, clock: Clock) -> Task:
    async with uow:
        connection, member = await connection_of(uow, actor, cmd.connection_id)
        task = connection.add_task(
            cmd.title,
            by=member.id,
            id=TaskId(new_id()),
            now=clock.now(),
            assignee=cmd.assignee_id,
            due=cmd.due,
        )
        await uow.commit()
        return task


async def complete_task(cmd: CompleteTask, actor: Actor, uow: UnitOfWork, clock: Clock) -> Task:
    async with uow:
        connection, member = await connection_of(uow, actor, cmd.connection_id)
        task = connection.complete_task(cmd.task_id, by=member.id, now=clock.now())
        await uow.commit()
        return task
