"""What a member reads: recommended mentors and their connection area."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adapters.persistence.memory import MemoryStore
from application.running import UseCaseRunner
from application.usecases.answer_mentor_request import AcceptMentorRequest, accept_mentor_request
from application.usecases.connection_area import MyConnectionArea, my_connection_area
from application.usecases.connection_work import SendMessage, send_message
from application.usecases.meetings import (
    AcceptMeeting,
    ProposeMeeting,
    accept_meeting,
    propose_meeting,
)
from application.usecases.recommended_mentors import RecommendedMentors, recommended_mentors
from application.usecases.send_mentor_request import SendMentorRequest, send_mentor_request
from application.usecases.surveys import AssignSurvey, CreateSurvey, assign_survey, create_survey
from domain.errors import InvalidInput, NotAllowed, NotFound
from domain.meeting import Slot
from domain.survey import Question, QuestionKind
from tests.unit.world import FixedClock, Scene, World, fresh, publish


async def names(run: UseCaseRunner, scene: Scene, limit: int = 10) -> list[str]:
    found = await run(
        recommended_mentors,
        RecommendedMentors(program_id=scene.program.id, limit=limit),
        scene.sam.actor,
    )
    return [r.name for r in found]


async def test_recommendations_leave_out_asked_partnered_and_full_mentors(
    run: UseCaseRunner, world: World, scene: Scene
) -> None:
    nia = await world.mentor(scene.acme, scene.program, "Nia")
    assert await names(run, scene) == ["Maria", "Nia", "Omar"]
    assert await names(run, scene, limit=1) == ["Maria"]

    request = await run(
        send_mentor_request,
        SendMentorRequest(program_id=scene.program.id, mentor_id=scene.maria.id),
        scene.sam.actor,
    )
    assert await names(run, scene) == ["Nia", "Omar"]
    await run(accept_mentor_request, AcceptMentorRequest(request_id=request.id), scene.maria.actor)
    assert await names(run, scene) == ["Nia", "Omar"]

    kim = await world.mentee(scene.acme, scene.program, "Kim")
    await publish(world, scene.acme, scene.program, nia, scene.lee, kim)
    assert await names(run, scene) == ["Omar"]


async def test_recommendations_are_for_mentees_of_the_program(
    run: UseCaseRunner, scene: Scene
) -> None:
    query = RecommendedMentors(program_id=scene.program.id)
    with pytest.raises(InvalidInput, match="for mentees"):
        await run(recommended_mentors, query, scene.maria.actor)
    with pytest.raises(NotAllowed, match="not a member"):
        await run(recommended_mentors, query, scene.bystander)
    with pytest.raises(NotFound, match="No such program"):
        await run(recommended_mentors, query, scene.outsider.actor)
    for limit in (0, 51):
        with pytest.raises(InvalidInput, match="between 1 and 50"):
            await names(run, scene, limit=limit)


async def test_the_connection_area_shows_partners_meetings_requests_and_surveys(
    run: UseCaseRunner, world: World, scene: Scene, store: MemoryStore, clock: FixedClock
) -> None:
    pair = await publish(world, scene.acme, scene.program, scene.maria, scene.sam)
    for n in range(3):
        await run(send_message, SendMessage(connection_id=pair.id, body=f"m{n}"), scene.maria.actor)
        clock.advance(seconds=1)
    starts = [clock.now() + timedelta(days=d) for d in (2, 5)]
    proposals = []
    for start in starts:
        proposals.append(
            await run(
                propose_meeting,
                ProposeMeeting(
                    connection_id=pair.id, invitee_id=scene.sam.id, slots=(Slot(start=start),)
                ),
                scene.maria.actor,
            )
        )
    await run(
        accept_meeting,
        AcceptMeeting(meeting_id=proposals[0].id, slot_start=starts[0]),
        scene.sam.actor,
    )
    request = await run(
        send_mentor_request,
        SendMentorRequest(program_id=scene.program.id, mentor_id=scene.omar.id),
        scene.sam.actor,
    )
    survey = await run(
        create_survey,
        CreateSurvey(
            program_id=scene.program.id,
            title="Pulse",
            questions=(Question(id="q", kind=QuestionKind.RATING, prompt="OK?"),),
        ),
        scene.acme.admin,
    )
    await run(
        assign_survey, AssignSurvey(survey_id=survey.id, connection_id=pair.id), scene.acme.admin
    )

    area = await run(my_connection_area, MyConnectionArea(messages=2), scene.sam.actor)

    assert [m.id for m in area.memberships] == [scene.sam.id]
    (view,) = area.connections
    assert [p.name for p in view.partners] == ["Maria"]
    assert [m.body for m in view.latest_messages] == ["m1", "m2"]
    assert view.next_meeting is not None
    assert view.next_meeting.id == proposals[0].id
    assert [m.id for m in view.pending_meetings] == [proposals[1].id]
    assert [r.id for r in area.pending_requests] == [request.id]
    assert [(s.title, s.member.id) for s in area.surveys_due] == [("Pulse", scene.sam.id)]
    async with fresh(store) as uow:  # reading trimmed nothing that was stored
        assert len(await uow.messages.list_for_connection(pair.id, before=None, limit=9)) == 3

    clock.advance(days=3)
    later = await run(my_connection_area, MyConnectionArea(), scene.sam.actor)
    assert later.connections[0].next_meeting is None


async def test_closed_connections_leave_the_area(
    run: UseCaseRunner, world: World, scene: Scene, store: MemoryStore, clock: FixedClock
) -> None:
    pair = await publish(world, scene.acme, scene.program, scene.maria, scene.sam)
    async with fresh(store) as uow:
        (await uow.connections.get(pair.id)).close(by=scene.sam.id, now=clock.now())
        await uow.commit()
    area = await run(my_connection_area, MyConnectionArea(), scene.sam.actor)
    assert area.connections == ()
    empty = await run(my_connection_area, MyConnectionArea(), scene.bystander)
    assert (empty.memberships, empty.connections, empty.pending_requests) == ((), (), ())
