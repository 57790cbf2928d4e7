"""Work inside a connection: messages and tasks."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from domain.connection import MAX_MESSAGE, MAX_TASK_TITLE, Message, Task

from .common import AwareDatetime, Body, Id, Out, utc


class NewMessage(Body):
    body: Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_MESSAGE)]


class MessageOut(Out):
    id: str
    author_id: str
    body: str
    sent_at: datetime

    @classmethod
    def of(cls, message: Message) -> MessageOut:
        return cls(
            id=message.id, author_id=message.author_id, body=message.body, sent_at=message.sent_at
        )


class NewTask(Body):
    title: Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_TASK_TITLE)]
    assignee_id: Id | None = None
    due: AwareDatetime | None = None

    def __post_init__(self) -> None:
        self.due = utc(self.due) if self.due else None


class TaskOut(Out):
    id: str
    title: str
    status: str
    assignee_id: str | None
    due: datetime | None
    created_at: datetime
    completed_at: datetime | None

    @classmethod
    def of(cls, task: Task) -> TaskOut:
        return cls(
            id=task.id,
            title=task.title,
            status=task.status.value,
            assignee_id=task.assignee_id,
            due=task.due,
            created_at=task.created_at,
            completed_at=task.completed_at,
        )
