"""Connections: publishing, messages, tasks and closing."""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest

from domain.connection import (
    MAX_MESSAGE,
    Connection,
    ConnectionClosed,
    ConnectionPublished,
    ConnectionStatus,
    MessageSent,
    TaskAdded,
    TaskCompleted,
    TaskStatus,
)
from domain.errors import IllegalTransition, InvalidInput, NotAllowed, NotFound
from domain.ids import ConnectionId, MemberId, MessageId, ProgramId, TaskId
from tests.unit.domain.examples import (
    MENTEE,
    MENTOR,
    ORG,
    OTHER_MENTOR,
    PROGRAM,
    STRANGER,
    connection,
    only_event,
)
from tests.unit.world import T0

LATER = T0 + timedelta(hours=1)


def test_publishing_records_who_is_in_the_connection() -> None:
    made = Connection.publish(
        id=ConnectionId("c"),
        organization_id=ORG,
        program_id=PROGRAM,
        mentor_ids=(MENTOR, OTHER_MENTOR, MENTOR),
        mentee_ids=(MENTEE,),
        now=T0,
    )
    assert made.mentor_ids == (MENTOR, OTHER_MENTOR)
    assert made.status is ConnectionStatus.ACTIVE
    event = only_event(made)
    assert isinstance(event, ConnectionPublished)
    assert event.topic == "connection.published"
    assert (event.connection_id, event.program_id) == ("c", PROGRAM)
    assert (event.mentor_ids, event.mentee_ids) == ((MENTOR, OTHER_MENTOR), (MENTEE,))


@pytest.mark.parametrize(
    ("mentors", "mentees", "message"),
    [
        ((), (MENTEE,), "at least one mentor and one mentee"),
        ((MENTOR,), (), "at least one mentor and one mentee"),
        ((MENTOR,), (MENTOR, MENTEE), "mentor themselves"),
    ],
)
def test_publishing_needs_distinct_mentors_and_mentees(
    mentors: tuple[MemberId, ...], mentees: tuple[MemberId, ...], message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        connection(mentor_ids=mentors, mentee_ids=mentees)


def test_partners_are_everyone_else_in_the_connection() -> None:
    group = connection(mentor_ids=(MENTOR, OTHER_MENTOR))
    assert group.partners_of(MENTEE) == (MENTOR, OTHER_MENTOR)
    assert group.partners_of(MENTOR) == (OTHER_MENTOR, MENTEE)


def _state(pair: Connection) -> dict[str, object]:
    return attrs.asdict(pair, filter=lambda field, _: field.name != "events")


def test_a_message_is_trimmed_and_announced_to_the_partners() -> None:
    pair = connection()
    before = _state(pair)
    message = pair.send_message("  Hello!  ", by=MENTEE, id=MessageId("m1"), now=LATER)
    assert (message.body, message.author_id, message.sent_at) == ("Hello!", MENTEE, LATER)
    assert message.connection_id == pair.id
    assert _state(pair) == before  # kept by the message store, not inside the connection
    event = only_event(pair)
    assert isinstance(event, MessageSent)
    assert event.topic == "connection.message_sent"
    assert (event.message_id, event.author_id, event.recipient_ids) == ("m1", MENTEE, (MENTOR,))


@pytest.mark.parametrize(
    ("body", "error", "message"),
    [
        ("   ", InvalidInput, "cannot be empty"),
        ("x" * (MAX_MESSAGE + 1), InvalidInput, f"at most {MAX_MESSAGE}"),
    ],
)
def test_bad_messages_are_refused(body: str, error: type[Exception], message: str) -> None:
    pair = connection()
    with pytest.raises(error, match=message):
        pair.send_message(body, by=MENTOR, id=MessageId("m"), now=LATER)
    assert pair.events == []


def test_a_message_of_exactly_the_limit_is_fine() -> None:
    pair = connection()
    message = pair.send_message("x" * MAX_MESSAGE, by=MENTOR, id=MessageId("m"), now=LATER)
    assert len(message.body) == MAX_MESSAGE


def test_a_task_is_added_open_and_announced() -> None:
    pair = connection()
    due = T0 + timedelta(days=7)
    task = pair.add_task(
        " Read chapter 1 ", by=MENTOR, id=TaskId("t1"), now=LATER, assignee=MENTEE, due=due
    )
    assert (task.title, task.status, task.assignee_id, task.due) == (
        "Read chapter 1",
        TaskStatus.OPEN,
        MENTEE,
        due,
    )
    assert pair.open_tasks() == [task]
    event = only_event(pair)
    assert isinstance(event, TaskAdded)
    assert (event.topic, event.task_id, event.title) == (
        "connection.task_added",
        "t1",
        "Read chapter 1",
    )
    assert (event.assignee_id, event.by_member_id) == (MENTEE, MENTOR)


@pytest.mark.parametrize(
    ("title", "assignee", "message"),
    [
        ("  ", None, "1 to 200 characters"),
        ("x" * 201, None, "1 to 200 characters"),
        ("Fine title", STRANGER, "someone in the connection"),
    ],
)
def test_bad_tasks_are_refused(title: str, assignee: MemberId | None, message: str) -> None:
    pair = connection()
    with pytest.raises(InvalidInput, match=message):
        pair.add_task(title, by=MENTOR, id=TaskId("t"), now=LATER, assignee=assignee)
    assert (pair.tasks, pair.events) == ([], [])


def test_completing_a_task_marks_it_done_once() -> None:
    pair = connection()
    pair.add_task("Read", by=MENTOR, id=TaskId("t1"), now=T0)
    pair.pull_events()

    done = pair.complete_task(TaskId("t1"), by=MENTEE, now=LATER)
    assert (done.status, done.completed_at) == (TaskStatus.DONE, LATER)
    assert pair.open_tasks() == []
    event = only_event(pair)
    assert isinstance(event, TaskCompleted)
    assert (event.topic, event.task_id, event.by_member_id) == (
        "connection.task_completed",
        "t1",
        MENTEE,
    )

    with pytest.raises(IllegalTransition, match="'Read' is already done"):
        pair.complete_task(TaskId("t1"), by=MENTOR, now=LATER)
    assert pair.events == []


def test_completing_an_unknown_task_is_not_found() -> None:
    with pytest.raises(NotFound, match="No such task"):
        connection().complete_task(TaskId("nope"), by=MENTOR, now=LATER)


def test_outsiders_can_do_nothing_in_a_connection() -> None:
    pair = connection()
    pair.add_task("Read", by=MENTOR, id=TaskId("t1"), now=T0)
    pair.pull_events()
    attempts = [
        lambda: pair.send_message("hi", by=STRANGER, id=MessageId("m"), now=LATER),
        lambda: pair.add_task("x", by=STRANGER, id=TaskId("t2"), now=LATER),
        lambda: pair.complete_task(TaskId("t1"), by=STRANGER, now=LATER),
        lambda: pair.close(by=STRANGER, now=LATER),
    ]
    for attempt in attempts:
        with pytest.raises(NotAllowed, match="Only the people in this connection"):
            attempt()
    assert (pair.events, len(pair.tasks), pair.is_active) == ([], 1, True)


@pytest.mark.parametrize("by", [MENTEE, None])
def test_a_participant_or_the_system_closes_a_connection(by: MemberId | None) -> None:
    pair = connection()
    pair.close(by=by, now=LATER)
    assert pair.status is ConnectionStatus.CLOSED
    event = only_event(pair)
    assert isinstance(event, ConnectionClosed)
    assert (event.topic, event.by_member_id) == ("connection.closed", by)


def test_a_closed_connection_is_read_only() -> None:
    pair = connection()
    pair.add_task("Read", by=MENTOR, id=TaskId("t1"), now=T0)
    pair.close(by=MENTOR, now=T0)
    pair.pull_events()
    attempts = [
        lambda: pair.send_message("hi", by=MENTEE, id=MessageId("m"), now=LATER),
        lambda: pair.add_task("x", by=MENTEE, id=TaskId("t2"), now=LATER),
        lambda: pair.complete_task(TaskId("t1"), by=MENTEE, now=LATER),
        lambda: pair.close(by=MENTEE, now=LATER),
    ]
    for attempt in attempts:
        with pytest.raises(IllegalTransition, match="closed"):
            attempt()
    assert pair.events == []
    assert pair.tasks[0].status is TaskStatus.OPEN


def test_a_participant_may_propose_a_meeting_only_to_a_partner_while_active() -> None:
    pair = connection()
    pair.ensure_may_meet(MENTEE, by=MENTOR)
    with pytest.raises(InvalidInput, match="only invite your partner"):
        pair.ensure_may_meet(MENTOR, by=MENTOR)
    with pytest.raises(InvalidInput, match="only invite your partner"):
        pair.ensure_may_meet(STRANGER, by=MENTOR)
    with pytest.raises(NotAllowed):
        pair.ensure_may_meet(MENTEE, by=STRANGER)
    pair.close(by=None, now=T0)
    with pytest.raises(IllegalTransition, match="closed"):
        pair.ensure_may_meet(MENTEE, by=MENTOR)


def test_a_survey_of_the_same_program_goes_to_every_participant_while_active() -> None:
    pair = connection()
    assert pair.survey_respondents(PROGRAM) == pair.participants
    with pytest.raises(InvalidInput, match="different programs"):
        pair.survey_respondents(ProgramId("another"))
    pair.close(by=None, now=T0)
    with pytest.raises(IllegalTransition, match="closed"):
        pair.survey_respondents(PROGRAM)
