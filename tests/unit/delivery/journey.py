"""A mentoring journey on the in-memory store that makes every notification kind (and every
refresh) through the real use cases and the real policy: what the renderer tests render."""

from __future__ import annotations

from datetime import timedelta

from adapters.persistence.memory import MemoryStore, MemoryUnitOfWork
from application.actors import SYSTEM
from application.delivery.model import Notification
from application.delivery.notifications import MentoringNotifications
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
    DeclineMeeting,
    ProposeMeeting,
    accept_meeting,
    cancel_meeting,
    decline_meeting,
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
from tests.unit.world import FixedClock, Scene, World, publish

LONG = "Tricky <text> & *stars* " * 400  # far past every Block Kit limit, with things to escape


async def journey(
    world: World, run: UseCaseRunner, scene: Scene, store: MemoryStore, clock: FixedClock
) -> list[Notification]:
    """Every kind of notification, from one afternoon in Acme's pilot program."""
    maria, omar, sam, lee, program = scene.maria, scene.omar, scene.sam, scene.lee, scene.program
    ask = SendMentorRequest(program_id=program.id, mentor_id=maria.id, note=LONG[:1000])
    first = await run(send_mentor_request, ask, sam.actor)
    await run(
        decline_mentor_request,
        DeclineMentorRequest(request_id=first.id, reason=LONG[:1000]),
        maria.actor,
    )
    second = await run(send_mentor_request, ask, sam.actor)
    await run(withdraw_mentor_request, WithdrawMentorRequest(request_id=second.id), sam.actor)
    third = await run(send_mentor_request, ask, sam.actor)
    await run(accept_mentor_request, AcceptMentorRequest(request_id=third.id), maria.actor)
    await run(
        send_mentor_request, SendMentorRequest(program_id=program.id, mentor_id=omar.id), lee.actor
    )
    clock.advance(days=8)
    await run(expire_overdue, ExpireOverdue(), SYSTEM)
    mine = await publish(world, scene.acme, program, omar, sam, lee)
    slots = tuple(Slot(start=clock.now() + timedelta(days=d), minutes=45) for d in (1, 2, 3))
    for answer in ("accept", "decline", "cancel", "expire"):
        meeting = await run(
            propose_meeting,
            ProposeMeeting(
                connection_id=mine.id, invitee_id=omar.id, slots=slots, title=f"Chat {answer}"
            ),
            sam.actor,
        )
        if answer == "accept":
            await run(
                accept_meeting,
                AcceptMeeting(meeting_id=meeting.id, slot_start=slots[0].start),
                omar.actor,
            )
            await run(cancel_meeting, CancelMeeting(meeting_id=meeting.id), omar.actor)
        elif answer == "decline":
            await run(
                decline_meeting,
                DeclineMeeting(meeting_id=meeting.id, reason=LONG[:1000]),
                omar.actor,
            )
        elif answer == "cancel":
            await run(cancel_meeting, CancelMeeting(meeting_id=meeting.id), sam.actor)
    clock.advance(days=4)
    await run(expire_overdue, ExpireOverdue(), SYSTEM)
    await run(send_message, SendMessage(connection_id=mine.id, body=LONG[:3900]), sam.actor)
    task = await run(
        add_task,
        AddTask(
            connection_id=mine.id,
            title="Read <chapter> two & three",
            assignee_id=sam.id,
            due=clock.now() + timedelta(days=3),
        ),
        omar.actor,
    )
    await run(complete_task, CompleteTask(connection_id=mine.id, task_id=task.id), sam.actor)
    survey = await run(
        create_survey,
        CreateSurvey(
            program_id=program.id,
            title="Pulse check",
            questions=(Question(id="mood", kind=QuestionKind.RATING, prompt="How?"),),
        ),
        scene.acme.admin,
    )
    assignment = await run(
        assign_survey,
        AssignSurvey(
            survey_id=survey.id, connection_id=mine.id, due=clock.now() + timedelta(days=7)
        ),
        scene.acme.admin,
    )
    await run(
        submit_survey_response,
        SubmitSurveyResponse(assignment_id=assignment.id, answers={"mood": 5}),
        sam.actor,
    )
    await run(
        make_announcement,
        MakeAnnouncement(program_id=program.id, text=LONG[:2000], audience=Audience.ALL),
        scene.acme.admin,
    )
    await world.mentee(scene.acme, program, "Nia", goals=("python", "design"))
    for _ in range(8):  # a mentor with more waiting than one DM lists
        newcomer = await world.mentee(scene.acme, program, "Newcomer", goals=("python",))
        await run(
            send_mentor_request,
            SendMentorRequest(program_id=program.id, mentor_id=maria.id, note=LONG[:900]),
            newcomer.actor,
        )
    await run(
        propose_meeting,
        ProposeMeeting(
            connection_id=mine.id,
            invitee_id=omar.id,
            slots=(
                Slot(start=clock.now() + timedelta(days=1)),
                Slot(start=clock.now() + timedelta(days=9)),
            ),
        ),
        sam.actor,
    )
    async with MemoryUnitOfWork(store) as uow:
        for person, key in ((omar, "U-OMAR"), (maria, "U-MARIA"), (lee, "U-LEE")):
            await uow.slack_identities.add(
                SlackIdentity.found(
                    id=f"id-{key}",
                    organization_id=scene.acme.organization.id,
                    user_id=UserId(person.member.user_id),
                    directory_key="T1",
                    slack_user_id=key,
                    installation_id=InstallationId("inst"),
                    email=f"{key}@acme.example",
                    tz=None,
                    now=clock.now(),
                )
            )
        await uow.commit()
    policy, told = MentoringNotifications(), []
    for row in store.outbox:
        async with MemoryUnitOfWork(store) as uow:
            told += await policy.notifications_for(row, uow)
    return told
