"""Inside a connection, from Slack: open it (partners, open tasks, latest messages), send a
message or reply (a modal; the partner gets it as a DM and it joins the connection's
history), mark a task done, add a task (title, assignee, optional due date)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    DatePickerElement,
    InputBlock,
    Option,
    StaticSelectElement,
)

from adapters.slack.actions.dispatch import Forged
from adapters.slack.actions.modals import (
    metadata_of,
    modal,
    note,
    section,
    text_input,
    zone,
)
from adapters.slack.actions.payloads import Click, Submission
from adapters.slack.actions.registry import (
    Acting,
    ClickReply,
    CloseModal,
    ModalErrors,
    OpenModal,
    Outcome,
    Registry,
    SubmitReply,
)
from adapters.slack.blocks import actions
from adapters.slack.blocks.parts import button, clip, day, esc
from application.usecases.connection_area import (
    ConnectionView,
    MyConnectionArea,
    my_connection_area,
)
from application.usecases.connection_work import (
    AddTask,
    CompleteTask,
    SendMessage,
    add_task,
    complete_task,
    send_message,
)
from domain.connection import MAX_TASK_TITLE
from domain.errors import NotFound
from domain.ids import ConnectionId, MemberId, TaskId

MESSAGE = "connection.message"
TASK = "connection.task"
BODY = "body"
TITLE = "title"
ASSIGNEE = "assignee"
DUE = "due"
MAX_BODY = 3000  # a plain-text input's limit (the platform takes up to 4,000)


def _id(value: str) -> str:
    if not value or len(value) > 64 or ":" in value:
        raise Forged()
    return value


async def _view_of(acting: Acting, connection_id: str) -> ConnectionView:
    area = await acting.run(my_connection_area, MyConnectionArea(messages=5))
    for view in area.connections:
        if view.connection.id == connection_id:
            return view
    raise NotFound("No such connection, or it is closed.")


def _partners(view: ConnectionView) -> str:
    return ", ".join(esc(p.name) for p in view.partners) or "your partner"


async def open_message(click: Click, acting: Acting) -> ClickReply:
    view = await _view_of(acting, _id(click.value))
    metadata = {"connection_id": view.connection.id, "response_url": click.response_url or ""}
    return OpenModal(modal(MESSAGE, "Send a message", [
        section(f"To *{_partners(view)}*. It also appears in your connection's history."),
        text_input(BODY, "Message", multiline=True, max_length=MAX_BODY),
    ], submit="Send", metadata=metadata))  # fmt: skip


async def send(sub: Submission, acting: Acting) -> SubmitReply:
    connection_id = _id(metadata_of(sub.private_metadata).get("connection_id") or "")
    body = sub.text(BODY, "value")
    if not body.strip():
        return ModalErrors({BODY: "Please write a message first."})
    await acting.run(send_message, SendMessage(connection_id=ConnectionId(connection_id),
                                                body=body))  # fmt: skip
    return CloseModal(note="✉️ Message sent.")


async def mark_done(click: Click, acting: Acting) -> ClickReply:
    connection_id, _, task_id = click.value.partition(":")
    command = CompleteTask(connection_id=ConnectionId(_id(connection_id)),
                           task_id=TaskId(_id(task_id)))  # fmt: skip
    task = await acting.run(complete_task, command)
    return Outcome(f"✅ Done: *{esc(clip(task.title, 200))}*, marked by you.")


async def open_task(click: Click, acting: Acting) -> ClickReply:
    view = await _view_of(acting, _id(click.value))
    people = [view.me, *view.partners]
    options = [Option(text=("Me" if m.id == view.me.id else clip(m.name, 70)), value=m.id)
               for m in people]  # fmt: skip
    metadata = {"connection_id": view.connection.id, "response_url": click.response_url or ""}
    return OpenModal(modal(TASK, "Add a task", [
        text_input(TITLE, "Task", max_length=MAX_TASK_TITLE,
                   placeholder="e.g. Read chapter 3 of the design book"),
        InputBlock(block_id=ASSIGNEE, label="Who does it?", element=StaticSelectElement(
            action_id="value", options=options, initial_option=options[-1])),
        InputBlock(block_id=DUE, label="Due date", optional=True,
                   element=DatePickerElement(action_id="value")),
    ], submit="Add task", metadata=metadata))  # fmt: skip


async def add(sub: Submission, acting: Acting) -> SubmitReply:
    connection_id = _id(metadata_of(sub.private_metadata).get("connection_id") or "")
    title = sub.text(TITLE, "value").strip()
    if not title:
        return ModalErrors({TITLE: "Please name the task."})
    assignee = sub.picked(ASSIGNEE, "value")
    due = _due(sub.date(DUE, "value"), acting)
    if due is not None and due <= acting.now():
        return ModalErrors({DUE: "Please pick a date from today on."})
    command = AddTask(connection_id=ConnectionId(connection_id), title=title,
                      assignee_id=MemberId(assignee) if assignee else None, due=due)  # fmt: skip
    task = await acting.run(add_task, command)
    return CloseModal(note=f"📝 Task added: *{esc(task.title)}*.")


def _due(picked: str | None, acting: Acting) -> datetime | None:
    """A picked day means the end of that day in the person's timezone."""
    if picked is None:
        return None
    try:
        day_ = date.fromisoformat(picked)
    except ValueError:
        raise Forged() from None
    return datetime.combine(day_, time(23, 59), tzinfo=zone(acting.caller.tz)).astimezone(UTC)


async def open_connection(click: Click, acting: Acting) -> ClickReply:
    view = await _view_of(acting, _id(click.value))
    cid = view.connection.id
    blocks: list[Block] = [section(f"With *{_partners(view)}*.")]
    tasks = view.connection.open_tasks()
    if tasks:
        blocks.append(section("*Open tasks:*\n" + "\n".join(
            f"• {esc(t.title)}" + (f" — due {day(t.due.isoformat())}" if t.due else "")
            for t in tasks[:20])))  # fmt: skip
    else:
        blocks.append(note("No open tasks."))
    if view.latest_messages:
        names = {view.me.id: "You", **{p.id: p.name for p in view.partners}}
        blocks.append(section("*Latest messages:*\n" + "\n".join(
            f"*{esc(names.get(m.author_id, 'Someone'))}:* {esc(clip(m.body, 300))}"
            for m in view.latest_messages)))  # fmt: skip
    blocks.append(ActionsBlock(elements=[
        button("Send message", actions.CONNECTION_SEND_MESSAGE, cid, "primary"),
        button("Add a task", actions.TASK_ADD, cid),
    ]))  # fmt: skip
    return OpenModal(modal("connection.open", "Your connection", blocks, close="Close"))


def register(registry: Registry) -> None:
    registry.on_click(actions.CONNECTION_SEND_MESSAGE, open_message)
    registry.on_submit(MESSAGE, send, main_block=BODY)
    registry.on_click(actions.TASK_MARK_DONE, mark_done)
    registry.on_click(actions.TASK_ADD, open_task)
    registry.on_submit(TASK, add, main_block=TITLE)
    registry.on_click(actions.CONNECTION_OPEN, open_connection)
