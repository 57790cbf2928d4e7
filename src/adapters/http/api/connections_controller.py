"""Inside a connection (participants only): messages, tasks and meeting proposals."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from litestar import Controller, get, post
from litestar.params import FromPath, JSONBody, QueryParameter

from adapters.http.api.auth import CurrentActor
from adapters.http.api.errors import problems
from adapters.http.api.schemas.connections import MessageOut, NewMessage, NewTask, TaskOut
from adapters.http.api.schemas.meetings import MeetingOut, NewMeeting
from adapters.http.dependencies import Runner
from application.usecases.connection_work import (
    MAX_PAGE,
    AddTask,
    CompleteTask,
    MessageHistory,
    SendMessage,
    add_task,
    complete_task,
    message_history,
    send_message,
)
from application.usecases.meetings import ProposeMeeting, propose_meeting
from domain.ids import ConnectionId, MemberId, TaskId
from domain.meeting import Slot

_WORK = problems(403, 404, 409, 422)


class ConnectionsController(Controller):
    path = "/connections/{connection_id:str}"
    tags = ["connections"]

    @post("/messages", summary="Send a message to the connection", responses=_WORK)
    async def message(
        self,
        connection_id: FromPath[str],
        data: JSONBody[NewMessage],
        actor: CurrentActor,
        runner: Runner,
    ) -> MessageOut:
        command = SendMessage(connection_id=ConnectionId(connection_id), body=data.body)
        return MessageOut.of(await runner(send_message, command, actor))

    @get(
        "/messages",
        summary="The connection's messages, newest first, a page at a time",
        description="For the next page, pass the last message's `sent_at` as `before` and its"
        " `id` as `before_id`.",
        responses=problems(403, 404, 422),
    )
    async def messages(
        self,
        connection_id: FromPath[str],
        actor: CurrentActor,
        runner: Runner,
        before: Annotated[
            datetime | None, QueryParameter(description="Only messages sent before this time.")
        ] = None,
        before_id: Annotated[
            str | None,
            QueryParameter(max_length=64, description="With `before`: the last message's id."),
        ] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=MAX_PAGE)] = 50,
    ) -> list[MessageOut]:
        query = MessageHistory(
            connection_id=ConnectionId(connection_id),
            before=before,
            before_id=before_id,
            limit=limit,
        )
        return [MessageOut.of(m) for m in await runner(message_history, query, actor)]

    @post("/tasks", summary="Add a task", responses=_WORK)
    async def add_task(
        self,
        connection_id: FromPath[str],
        data: JSONBody[NewTask],
        actor: CurrentActor,
        runner: Runner,
    ) -> TaskOut:
        command = AddTask(
            connection_id=ConnectionId(connection_id),
            title=data.title,
            assignee_id=MemberId(data.assignee_id) if data.assignee_id else None,
            due=data.due,
        )
        return TaskOut.of(await runner(add_task, command, actor))

    @post(
        "/tasks/{task_id:str}/complete",
        status_code=200,
        summary="Mark a task done",
        responses=_WORK,
    )
    async def complete_task(
        self,
        connection_id: FromPath[str],
        task_id: FromPath[str],
        actor: CurrentActor,
        runner: Runner,
    ) -> TaskOut:
        command = CompleteTask(connection_id=ConnectionId(connection_id), task_id=TaskId(task_id))
        return TaskOut.of(await runner(complete_task, command, actor))

    @post("/meetings", summary="Propose a meeting with 1 to 5 time slots", responses=_WORK)
    async def propose_meeting(
        self,
        connection_id: FromPath[str],
        data: JSONBody[NewMeeting],
        actor: CurrentActor,
        runner: Runner,
    ) -> MeetingOut:
        command = ProposeMeeting(
            connection_id=ConnectionId(connection_id),
            invitee_id=MemberId(data.invitee_id),
            title=data.title,
            slots=tuple(Slot(start=s.start, minutes=s.minutes) for s in data.slots),
        )
        return MeetingOut.of(await runner(propose_meeting, command, actor))
