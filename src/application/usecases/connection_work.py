"""Inside a connection: send a message, read the message history, add a task, mark a task
done."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import attrs

from application.actors import Actor, connection_of
from application.ports import Clock, UnitOfWork
from domain.connection import Message, Task
from domain.errors import InvalidInput
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
        await uow.messages.add(message)
        await uow.commit()
        return message


@attrs.frozen(kw_only=True)
class MessageHistory:
    """A page of a connection's messages, newest first: those that come before the message
    sent at `before` whose id is `before_id` (the last one of the previous page)."""

    connection_id: ConnectionId
    before: datetime | None = None
    before_id: str | None = None
    limit: int = 50


MAX_PAGE = 200


async def message_history(
    query: MessageHistory, actor: Actor, uow: UnitOfWork, clock: Clock
) -> Sequence[Message]:
    if not 1 <= query.limit <= MAX_PAGE:
        raise InvalidInput(f"A page holds 1 to {MAX_PAGE} messages.")
    if query.before_id is not None and query.before is None:
        raise InvalidInput("`before_id` goes with `before`: the last message's sent_at and id.")
    if query.before is not None and query.before.utcoffset() is None:
        raise InvalidInput("`before` needs a time zone, e.g. 2027-01-10T15:00:00Z.")
    try:
        before = None if query.before is None else query.before.astimezone(UTC)
    except OverflowError:
        raise InvalidInput("`before` is out of range.") from None
    async with uow:
        connection, _ = await connection_of(uow, actor, query.connection_id)
        return await uow.messages.list_for_connection(
            connection.id, before=before, before_id=query.before_id, limit=query.limit
        )


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
