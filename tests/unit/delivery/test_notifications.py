"""Who is told what (issue 10, acceptance 1): the table is complete, and each rule reaches
exactly the people it names, on the in-memory store, with the facts the renderers need."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adapters.persistence.memory import MemoryStore, MemoryUnitOfWork
from application.actors import SYSTEM
from application.delivery.model import Notification, NotificationKind
from application.delivery.notifications import RULES, SILENT, MentoringNotifications
from application.delivery.stories import _GATHERERS
from application.event_registry import EVENT_TYPES, UnknownTopic
from application.ports import OutboxMessage
from application.running import UseCaseRunner
from application.usecases.announcements import MakeAnnouncement, make_announcement
from application.usecases.answer_mentor_request import (
    AcceptMentorRequest,
    DeclineMentorRequest,
    WithdrawMentorRequest,
    accept_mentor_request,
    decline_mentor_request,
    withdraw_mentor_request,
)
from application.usecases.connection_work import (
    AddTask,
    CompleteTask,
    SendMessage,
    add_task,
    complete_task,
    send_message,
)
from application.usecases.expire_overdue import ExpireOverdue, expire_overdue
from application.usecases.meetings import (
    AcceptMeeting,
    CancelMeeting,
    ProposeMeeting,
    accept_meeting,
    cancel_meeting,
    propose_meeting,
)
from application.usecases.send_mentor_request import SendMentorRequest, send_mentor_request
from application.usecases.surveys import (
    AssignSurvey,
    CreateSurvey,
    SubmitSurveyResponse,
    assign_survey,
    create_survey,
    submit_survey_response,
)
from domain.ids import InstallationId, UserId
from domain.meeting import Slot
from domain.program import Audience
from domain.slack.identity import SlackIdentity
from domain.survey import Question, QuestionKind
from tests.unit.world import FixedClock, Person, Scene, World, publish

K = NotificationKind
policy = MentoringNotifications()


def test_every_topic_has_rules_or_a_reason_nobody_is_told() -> None:
    undecided = set(EVENT_TYPES) - set(RULES) - set(SILENT)
    assert not undecided, f"decide who is told about {sorted(undecided)}"
    assert not set(RULES) & set(SILENT)
    assert set(RULES) | set(SILENT) <= set(EVENT_TYPES), "a rule for a topic nobody records"


def test_every_topic_with_rules_has_its_story_gathered() -> None:
    for topic in RULES:
        kind = EVENT_TYPES[topic]
        assert any(issubclass(kind, family) for family, _ in _GATHERERS), topic


async def _told(store: MemoryStore, mark: int) -> list[Notification]:
    found: list[Notification] = []
    for row in store.outbox[mark:]:
        async with MemoryUnitOfWork(store) as uow:
            found += await policy.notifications_for(row, uow)
    return found


def _who(scene: Scene, notifications: list[Notification]) -> list[tuple[str, str, bool]]:
    names = {
        p.member.user_id: p.member.name for p in (scene.maria, scene.omar, scene.sam, scene.lee)
    }
    return sorted(
        (n.kind.value, names.get(n.recipient_user_id, "?"), n.refresh) for n in notifications
    )


async def _request(run: UseCaseRunner, scene: Scene, note: str = "Keen on Python") -> str:
    request = await run(
        send_mentor_request,
        SendMentorRequest(program_id=scene.program.id, mentor_id=scene.maria.id, note=note),
        scene.sam.actor,
    )
    return str(request.id)


async def test_a_request_tells_the_mentor_with_the_note_and_the_mentee_profile(
    run: UseCaseRunner, scene: Scene, store: MemoryStore
) -> None:
    mark = len(store.outbox)
    request_id = await _request(run, scene)
    (told,) = await _told(store, mark)
    assert (told.kind, told.recipient_user_id, told.urgent) == (
        K.MENTOR_REQUEST_RECEIVED,
        scene.maria.member.user_id,
        True,
    )
    assert told.subject.key == f"mentor_request:{request_id}"
    assert told.facts["note"] == "Keen on Python"
    assert told.facts["mentee"]["name"] == "Sam"
    assert told.facts["mentee"]["goals"] == ["python"]
    assert told.program_id == scene.program.id


async def test_accepting_tells_the_mentee_refreshes_the_mentors_dm_and_publishes(
    run: UseCaseRunner, scene: Scene, store: MemoryStore, clock: FixedClock
) -> None:
    request_id = await _request(run, scene)
    (sent,) = await _told(store, len(store.outbox) - 1)
    mark = len(store.outbox)
    clock.advance(hours=1)
    await run(accept_mentor_request, AcceptMentorRequest(request_id=request_id), scene.maria.actor)
    told = await _told(store, mark)
    assert _who(scene, told) == [
        ("connection_published", "Maria", False),
        ("connection_published", "Sam", False),
        ("mentor_request_answered", "Sam", False),
        ("mentor_request_received", "Maria", True),
    ]
    refresh = next(n for n in told if n.refresh)
    assert refresh.subject == sent.subject and refresh.subject_version > sent.subject_version
    assert refresh.facts["outcome"] == "accepted"
    assert refresh.facts["by"]["user_id"] == scene.maria.member.user_id
    published = next(n for n in told if n.kind is K.CONNECTION_PUBLISHED)
    assert {p["name"] for p in published.facts["participants"]} == {"Maria", "Sam"}


async def test_declining_offers_the_mentee_other_mentors(
    run: UseCaseRunner, scene: Scene, store: MemoryStore
) -> None:
    request_id = await _request(run, scene)
    mark = len(store.outbox)
    await run(
        decline_mentor_request,
        DeclineMentorRequest(request_id=request_id, reason="Full this quarter"),
        scene.maria.actor,
    )
    told = await _told(store, mark)
    assert _who(scene, told) == [
        ("mentor_request_answered", "Sam", False),
        ("mentor_request_received", "Maria", True),
    ]
    answer = next(n for n in told if not n.refresh)
    assert (answer.facts["outcome"], answer.facts["reason"]) == ("declined", "Full this quarter")
    assert [r["name"] for r in answer.facts["recommended"]] == ["Omar"]
    assert answer.facts["recommended"][0]["reason"]


async def test_withdrawing_tells_the_mentor(
    run: UseCaseRunner, scene: Scene, store: MemoryStore
) -> None:
    request_id = await _request(run, scene)
    mark = len(store.outbox)
    await run(
        withdraw_mentor_request, WithdrawMentorRequest(request_id=request_id), scene.sam.actor
    )
    assert _who(scene, await _told(store, mark)) == [
        ("mentor_request_received", "Maria", True),
        ("mentor_request_withdrawn", "Maria", False),
    ]


async def test_expiry_tells_the_mentee_and_refreshes_the_mentors_dm(
    run: UseCaseRunner, scene: Scene, store: MemoryStore, clock: FixedClock
) -> None:
    await _request(run, scene)
    mark = len(store.outbox)
    clock.advance(days=8)
    await run(expire_overdue, ExpireOverdue(), SYSTEM)
    told = await _told(store, mark)
    assert _who(scene, told) == [
        ("mentor_request_answered", "Sam", False),
        ("mentor_request_received", "Maria", True),
    ]
    assert told[0].facts["outcome"] == "expired" and told[0].facts["by"] is None


async def _connected(world: World, scene: Scene) -> str:
    connection = await publish(world, scene.acme, scene.program, scene.maria, scene.sam)
    return str(connection.id)


async def test_a_meeting_tells_the_invitee_then_the_other_party_of_each_answer(
    world: World, run: UseCaseRunner, scene: Scene, store: MemoryStore, clock: FixedClock
) -> None:
    connection_id = await _connected(world, scene)
    slots = (
        Slot(start=clock.now() + timedelta(days=1)),
        Slot(start=clock.now() + timedelta(days=2)),
    )
    mark = len(store.outbox)
    meeting = await run(
        propose_meeting,
        ProposeMeeting(
            connection_id=connection_id, invitee_id=scene.maria.id, slots=slots, title="Kick-off"
        ),
        scene.sam.actor,
    )
    (proposed,) = await _told(store, mark)
    assert (_who(scene, [proposed]), proposed.urgent) == (
        [("meeting_proposed", "Maria", False)],
        True,
    )
    assert [s["start"] for s in proposed.facts["slots"]] == [s.start.isoformat() for s in slots]
    mark = len(store.outbox)
    await run(
        accept_meeting,
        AcceptMeeting(meeting_id=meeting.id, slot_start=slots[1].start),
        scene.maria.actor,
    )
    told = await _told(store, mark)
    assert _who(scene, told) == [
        ("meeting_answered", "Sam", False),
        ("meeting_proposed", "Maria", True),
    ]
    assert told[0].facts["chosen"]["start"] == slots[1].start.isoformat()
    mark = len(store.outbox)
    await run(cancel_meeting, CancelMeeting(meeting_id=meeting.id), scene.sam.actor)
    told = await _told(store, mark)
    assert _who(scene, told) == [
        ("meeting_answered", "Maria", False),
        ("meeting_proposed", "Maria", True),
    ]
    assert told[0].facts["outcome"] == "cancelled" and told[0].facts["by"]["name"] == "Sam"


async def test_a_message_reaches_the_partners_never_the_sender(
    world: World, run: UseCaseRunner, scene: Scene, store: MemoryStore
) -> None:
    connection = await publish(world, scene.acme, scene.program, scene.maria, scene.sam, scene.lee)
    mark = len(store.outbox)
    await run(
        send_message, SendMessage(connection_id=connection.id, body="Hello both"), scene.sam.actor
    )
    told = await _told(store, mark)
    assert _who(scene, told) == [
        ("message_received", "Lee", False),
        ("message_received", "Maria", False),
    ]
    assert {n.facts["body"] for n in told} == {"Hello both"}
    assert not any(n.urgent for n in told)


async def test_tasks_tell_the_assignee_and_when_done_the_others(
    world: World, run: UseCaseRunner, scene: Scene, store: MemoryStore, clock: FixedClock
) -> None:
    connection_id = await _connected(world, scene)
    mark = len(store.outbox)
    due = clock.now() + timedelta(days=3)
    task = await run(
        add_task,
        AddTask(
            connection_id=connection_id, title="Read chapter two", assignee_id=scene.sam.id, due=due
        ),
        scene.maria.actor,
    )
    (assigned,) = await _told(store, mark)
    assert _who(scene, [assigned]) == [("task_assigned", "Sam", False)]
    assert (assigned.facts["title"], assigned.facts["due"]) == ("Read chapter two", due.isoformat())
    assert assigned.subject.key == f"task:{connection_id}:{task.id}"
    mark = len(store.outbox)
    await run(
        complete_task, CompleteTask(connection_id=connection_id, task_id=task.id), scene.sam.actor
    )
    assert _who(scene, await _told(store, mark)) == [
        ("task_assigned", "Sam", True),
        ("task_completed", "Maria", False),
    ]
    mark = len(store.outbox)
    await run(
        add_task,
        AddTask(connection_id=connection_id, title="Mine", assignee_id=scene.maria.id),
        scene.maria.actor,
    )
    assert await _told(store, mark) == []


QUESTIONS = (Question(id="mood", kind=QuestionKind.RATING, prompt="How is it going?"),)


async def test_a_survey_tells_each_respondent_and_an_answer_refreshes_only_theirs(
    world: World, run: UseCaseRunner, scene: Scene, store: MemoryStore, clock: FixedClock
) -> None:
    connection_id = await _connected(world, scene)
    survey = await run(
        create_survey,
        CreateSurvey(program_id=scene.program.id, title="Pulse", questions=QUESTIONS),
        scene.acme.admin,
    )
    mark = len(store.outbox)
    due = clock.now() + timedelta(days=7)
    assignment = await run(
        assign_survey,
        AssignSurvey(survey_id=survey.id, connection_id=connection_id, due=due),
        scene.acme.admin,
    )
    told = await _told(store, mark)
    assert _who(scene, told) == [
        ("survey_assigned", "Maria", False),
        ("survey_assigned", "Sam", False),
    ]
    assert {n.subject.key for n in told} == {
        f"survey_assignment:{assignment.id}:{p.member.user_id}" for p in (scene.maria, scene.sam)
    }
    assert {(n.facts["title"], n.facts["due"]) for n in told} == {("Pulse", due.isoformat())}
    mark = len(store.outbox)
    await run(
        submit_survey_response,
        SubmitSurveyResponse(assignment_id=assignment.id, answers={"mood": 4}),
        scene.sam.actor,
    )
    (refresh,) = await _told(store, mark)
    assert _who(scene, [refresh]) == [("survey_assigned", "Sam", True)]
    assert refresh.subject.key == f"survey_assignment:{assignment.id}:{scene.sam.member.user_id}"


@pytest.mark.parametrize(
    ("audience", "heard"),
    [
        (Audience.ALL, ["Lee", "Maria", "Omar", "Sam"]),
        (Audience.MENTORS, ["Maria", "Omar"]),
        (Audience.MENTEES, ["Lee", "Sam"]),
    ],
)
async def test_an_announcement_reaches_its_audience_in_the_program(
    run: UseCaseRunner, scene: Scene, store: MemoryStore, audience: Audience, heard: list[str]
) -> None:
    mark = len(store.outbox)
    await run(
        make_announcement,
        MakeAnnouncement(program_id=scene.program.id, text="Kick-off on Monday", audience=audience),
        scene.acme.admin,
    )
    told = await _told(store, mark)
    assert [name for _, name, _ in _who(scene, told)] == heard
    assert {(n.kind, n.facts["text"], n.facts["by_name"]) for n in told} == {
        (K.ANNOUNCEMENT, "Kick-off on Monday", "Admin")
    }


async def test_a_mentee_who_joins_hears_of_the_three_best_mentors(
    world: World, scene: Scene, store: MemoryStore
) -> None:
    await world.mentor(scene.acme, scene.program, "Ada", expertise=("python",))
    await world.mentor(scene.acme, scene.program, "Bo", expertise=("go",))
    mark = len(store.outbox)
    newcomer: Person = await world.mentee(scene.acme, scene.program, "Nia", goals=("python",))
    (told,) = await _told(store, mark)
    assert (told.kind, told.recipient_user_id) == (K.MENTORS_RECOMMENDED, newcomer.member.user_id)
    names = [r["name"] for r in told.facts["recommended"]]
    assert len(names) == 3 and names[:2] == ["Ada", "Maria"]
    assert all(r["reason"] for r in told.facts["recommended"])


async def test_enrolling_a_mentor_tells_nobody(
    world: World, scene: Scene, store: MemoryStore
) -> None:
    mark = len(store.outbox)
    await world.mentor(scene.acme, scene.program, "Ada", expertise=("python",))
    assert await _told(store, mark) == []


async def test_someone_first_found_in_slack_is_welcomed_with_what_waits_for_them(
    world: World, run: UseCaseRunner, scene: Scene, store: MemoryStore, clock: FixedClock
) -> None:
    request_id = await _request(run, scene)
    connection_id = (await publish(world, scene.acme, scene.program, scene.maria, scene.lee)).id
    slot = Slot(start=clock.now() + timedelta(days=1))
    await run(
        propose_meeting,
        ProposeMeeting(connection_id=connection_id, invitee_id=scene.maria.id, slots=(slot,)),
        scene.lee.actor,
    )
    mark = len(store.outbox)
    async with MemoryUnitOfWork(store) as uow:
        await uow.slack_identities.add(
            SlackIdentity.found(
                id="id-maria",
                organization_id=scene.acme.organization.id,
                user_id=UserId(scene.maria.member.user_id),
                directory_key="T1",
                slack_user_id="U1",
                installation_id=InstallationId("inst"),
                email="maria@acme.example",
                tz=None,
                now=clock.now(),
            )
        )
        await uow.commit()
    (welcome,) = await _told(store, mark)
    assert (welcome.kind, welcome.recipient_user_id) == (K.WELCOME, scene.maria.member.user_id)
    assert [r["request_id"] for r in welcome.facts["requests"]] == [request_id]
    assert [m["organizer_name"] for m in welcome.facts["meetings"]] == ["Lee"]
    assert welcome.facts["surveys"] == []


@pytest.mark.parametrize("topic", sorted(SILENT))
async def test_a_silent_topic_tells_nobody(topic: str, store: MemoryStore) -> None:
    row = OutboxMessage(
        id=1,
        topic=topic,
        organization_id="o",
        payload={},
        created_at=FixedClock().now(),
        available_at=FixedClock().now(),
    )
    async with MemoryUnitOfWork(store) as uow:
        assert await policy.notifications_for(row, uow) == []


async def test_a_topic_nobody_decided_about_is_refused(store: MemoryStore) -> None:
    row = OutboxMessage(
        id=1,
        topic="no.such",
        organization_id="o",
        payload={},
        created_at=FixedClock().now(),
        available_at=FixedClock().now(),
    )
    async with MemoryUnitOfWork(store) as uow:
        with pytest.raises(UnknownTopic):
            await policy.notifications_for(row, uow)
