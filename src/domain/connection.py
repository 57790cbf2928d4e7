"""Connections: mentor(s) and mentee(s) working together, with tasks and messages."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import ClassVar

import attrs

from domain.aggregate import Aggregate
from domain.errors import IllegalTransition, InvalidInput, NotAllowed, NotFound
from domain.events import DomainEvent
from domain.ids import ConnectionId, MemberId, MessageId, OrganizationId, ProgramId, TaskId


class ConnectionStatus(enum.StrEnum):
    ACTIVE = "active"
    CLOSED = "closed"


class TaskStatus(enum.StrEnum):
    OPEN = "open"
    DONE = "done"


@attrs.frozen(kw_only=True)
class ConnectionPublished(DomainEvent):
    topic: ClassVar[str] = "connection.published"
    connection_id: str
    program_id: str
    mentor_ids: tuple[str, ...]
    mentee_ids: tuple[str, ...]


@attrs.frozen(kw_only=True)
class ConnectionClosed(DomainEvent):
    topic: ClassVar[str] = "connection.closed"
    connection_id: str
    by_member_id: str | None


@attrs.frozen(kw_only=True)
class TaskAdded(DomainEvent):
    topic: ClassVar[str] = "connection.task_added"
    connection_id: str
    task_id: str
    title: str
    assignee_id: str | None
    by_member_id: str


@attrs.frozen(kw_only=True)
class TaskCompleted(DomainEvent):
    topic: ClassVar[str] = "connection.task_completed"
    connection_id: str
    task_id: str
    by_member_id: str


@attrs.frozen(kw_only=True)
class MessageSent(DomainEvent):
    topic: ClassVar[str] = "connection.message_sent"
    connection_id: str
    message_id: str
    author_id: str
    recipient_ids: tuple[str, ...]


@attrs.define(kw_only=True, eq=False)
class Task:
    id: TaskId
    title: str
    created_at: datetime
    assignee_id: MemberId | None = None
    due: datetime | None = None
    status: TaskStatus = TaskStatus.OPEN
    completed_at: datetime | None = None


@attrs.frozen(kw_only=True)
class Message:
    """Said once, never changed: kept apart from its connection (a long mentorship has
    thousands), so that sending one neither rewrites the connection nor conflicts with the
    partner's message sent at the same moment."""

    id: MessageId
    connection_id: ConnectionId
    author_id: MemberId
    body: str
    sent_at: datetime


MAX_MESSAGE = 4000
MAX_TASK_TITLE = 200


@attrs.define(kw_only=True, eq=False)
class Connection(Aggregate):
    """A published match. Only its participants read or change it; closed ones are read-only."""

    id: ConnectionId
    organization_id: OrganizationId
    program_id: ProgramId
    mentor_ids: tuple[MemberId, ...]
    mentee_ids: tuple[MemberId, ...]
    created_at: datetime
    status: ConnectionStatus = ConnectionStatus.ACTIVE
    tasks: list[Task] = attrs.field(factory=list)

    @classmethod
    def publish(
        cls,
        *,
        id: ConnectionId,
        organization_id: OrganizationId,
        program_id: ProgramId,
        mentor_ids: tuple[MemberId, ...],
        mentee_ids: tuple[MemberId, ...],
        now: datetime,
    ) -> Connection:
        if not mentor_ids or not mentee_ids:
            raise InvalidInput("A connection needs at least one mentor and one mentee.")
        if set(mentor_ids) & set(mentee_ids):
            raise InvalidInput("Nobody can mentor themselves in one connection.")
        connection = cls(
            id=id,
            organization_id=organization_id,
            program_id=program_id,
            mentor_ids=tuple(dict.fromkeys(mentor_ids)),
            mentee_ids=tuple(dict.fromkeys(mentee_ids)),
            created_at=now,
        )
        connection.record(
            ConnectionPublished(
                organization_id=organization_id,
                occurred_at=now,
                connection_id=id,
                program_id=program_id,
                mentor_ids=connection.mentor_ids,
                mentee_ids=connection.mentee_ids,
            )
        )
        return connection

    @property
    def participants(self) -> tuple[MemberId, ...]:
        return self.mentor_ids + self.mentee_ids

    @property
    def is_active(self) -> bool:
        return self.status is ConnectionStatus.ACTIVE

    def partners_of(self, member: MemberId) -> tuple[MemberId, ...]:
        return tuple(p for p in self.participants if p != member)

    def open_tasks(self) -> list[Task]:
        return [t for t in self.tasks if t.status is TaskStatus.OPEN]

    def ensure_participant(self, member: MemberId) -> None:
        if member not in self.participants:
            raise NotAllowed("Only the people in this connection can do that.")

    def ensure_may_meet(self, invitee: MemberId, *, by: MemberId) -> None:
        """A meeting is proposed by a participant of an active connection to a partner."""
        self.ensure_participant(by)
        self._ensure_active()
        if invitee not in self.partners_of(by):
            raise InvalidInput("You can only invite your partner in this connection.")

    def survey_respondents(self, survey_program: ProgramId) -> tuple[MemberId, ...]:
        """Who answers a survey of `survey_program` sent to this (active) connection."""
        if survey_program != self.program_id:
            raise InvalidInput("The survey and the connection belong to different programs.")
        self._ensure_active()
        return self.participants

    def _ensure_active(self) -> None:
        if not self.is_active:
            raise IllegalTransition("This connection is closed.")

    def send_message(self, body: str, *, by: MemberId, id: MessageId, now: datetime) -> Message:
        """A new message for the message store; the connection only checks and announces it."""
        self.ensure_participant(by)
        self._ensure_active()
        text = body.strip()
        if not text:
            raise InvalidInput("A message cannot be empty.")
        if len(text) > MAX_MESSAGE:
            raise InvalidInput(f"A message is at most {MAX_MESSAGE} characters.")
        message = Message(id=id, connection_id=self.id, author_id=by, body=text, sent_at=now)
        self.record(
            MessageSent(
                organization_id=self.organization_id,
                occurred_at=now,
                connection_id=self.id,
                message_id=id,
                author_id=by,
                recipient_ids=self.partners_of(by),
            )
        )
        return message

    def add_task(
        self,
        title: str,
        *,
        by: MemberId,
        id: TaskId,
        now: datetime,
        assignee: MemberId | None = None,
        due: datetime | None = None,
    ) -> Task:
        self.ensure_participant(by)
        self._ensure_active()
        clean = title.strip()
        if not clean or len(clean) > MAX_TASK_TITLE:
            raise InvalidInput(f"A task title has 1 to {MAX_TASK_TITLE} characters.")
        if assignee is not None and assignee not in self.participants:
            raise InvalidInput("A task can only be assigned to someone in the connection.")
        task = Task(id=id, title=clean, created_at=now, assignee_id=assignee, due=due)
        self.tasks.append(task)
        self.record(
            TaskAdded(
                organization_id=self.organization_id,
                occurred_at=now,
                connection_id=self.id,
                task_id=id,
                title=clean,
                assignee_id=assignee,
                by_member_id=by,
            )
        )
        return task

    def complete_task(self, task_id: TaskId, *, by: MemberId, now: datetime) -> Task:
        self.ensure_participant(by)
        self._ensure_active()
        task = next((t for t in self.tasks if t.id == task_id), None)
        if task is None:
            raise NotFound("No such task in this connection.")
        if task.status is TaskStatus.DONE:
            raise IllegalTransition(f"Task {task.title!r} is already done.")
        task.status = TaskStatus.DONE
        task.completed_at = now
        self.record(
            TaskCompleted(
                organization_id=self.organization_id,
                occurred_at=now,
                connection_id=self.id,
                task_id=task_id,
                by_member_id=by,
            )
        )
        return task

    def close(self, *, by: MemberId | None, now: datetime) -> None:
        if by is not None:
            self.ensure_participant(by)
        self._ensure_active()
        self.status = ConnectionStatus.CLOSED
        self.record(
            ConnectionClosed(
                organization_id=self.organization_id,
                occurred_at=now,
                connection_id=self.id,
                by_member_id=by,
            )
        )
