"""Admins define surveys and send them to connections; participants answer once each."""

from __future__ import annotations

import pytest

from adapters.persistence.memory import MemoryStore
from application.running import UseCaseRunner
from application.usecases.surveys import (
    AssignSurvey,
    CreateSurvey,
    SubmitSurveyResponse,
    assign_survey,
    create_survey,
    submit_survey_response,
)
from domain.connection import Connection
from domain.errors import IllegalTransition, InvalidInput, NotAllowed, NotFound
from domain.people import Role
from domain.program import Program
from domain.survey import Question, QuestionKind, Survey
from tests.unit.world import (
    FixedClock,
    Scene,
    Tenant,
    World,
    fresh,
    publish,
    snapshot,
    topics_since,
)

QUESTIONS = (
    Question(id="useful", kind=QuestionKind.RATING, prompt="How useful?"),
    Question(id="next", kind=QuestionKind.TEXT, prompt="What next?", required=False),
)


async def define(run: UseCaseRunner, tenant: Tenant, program: Program) -> Survey:
    cmd = CreateSurvey(program_id=program.id, title="Check-in", questions=QUESTIONS)
    return await run(create_survey, cmd, tenant.admin)


@pytest.fixture
async def pair(world: World, scene: Scene) -> Connection:
    return await publish(world, scene.acme, scene.program, scene.maria, scene.sam)


async def test_an_admin_defines_a_survey_for_a_program(
    run: UseCaseRunner, scene: Scene, store: MemoryStore, world: World
) -> None:
    survey = await define(run, scene.acme, scene.program)
    async with fresh(store) as uow:
        saved = await uow.surveys.get(survey.id)
        assert (saved.title, saved.questions) == ("Check-in", QUESTIONS)
        assert [s.id for s in await uow.surveys.list_for_program(scene.program.id)] == [survey.id]
    program_admin = await world.user(scene.acme, "Pam", role=Role.PROGRAM_ADMIN)
    await run(
        create_survey,
        CreateSurvey(program_id=scene.program.id, title="T", questions=QUESTIONS),
        program_admin,
    )


async def test_defining_a_survey_is_for_admins_of_the_organization(
    run: UseCaseRunner, scene: Scene, store: MemoryStore
) -> None:
    before = snapshot(store)
    cmd = CreateSurvey(program_id=scene.program.id, title="T", questions=QUESTIONS)
    with pytest.raises(NotAllowed, match="Only a global administrator or a program administrator"):
        await run(create_survey, cmd, scene.maria.actor)
    with pytest.raises(NotFound, match="No such program"):
        await run(create_survey, cmd, scene.globex.admin)
    with pytest.raises(InvalidInput, match="1 to 50 questions"):
        await run(
            create_survey,
            CreateSurvey(program_id=scene.program.id, title="T", questions=()),
            scene.acme.admin,
        )
    assert snapshot(store) == before


async def test_a_survey_is_sent_to_everyone_in_the_connection_once(
    run: UseCaseRunner, scene: Scene, pair: Connection, store: MemoryStore
) -> None:
    survey = await define(run, scene.acme, scene.program)
    mark = len(store.outbox)
    assignment = await run(
        assign_survey, AssignSurvey(survey_id=survey.id, connection_id=pair.id), scene.acme.admin
    )
    async with fresh(store) as uow:
        saved = await uow.survey_assignments.get(assignment.id)
        assert saved.respondent_ids == (scene.maria.id, scene.sam.id)
    assert topics_since(store, mark) == ["survey.assigned"]
    with pytest.raises(IllegalTransition, match="already sent to this connection"):
        await run(
            assign_survey,
            AssignSurvey(survey_id=survey.id, connection_id=pair.id),
            scene.acme.admin,
        )
    assert len(store.outbox) == mark + 1


async def test_assigning_across_organizations_is_not_found(
    run: UseCaseRunner, world: World, scene: Scene, pair: Connection, store: MemoryStore
) -> None:
    ours = await define(run, scene.acme, scene.program)
    globex_program = await world.program(scene.globex, "Theirs")
    theirs = await define(run, scene.globex, globex_program)
    mentor = await world.mentor(scene.globex, globex_program, "Gus")
    mentee = await world.mentee(scene.globex, globex_program, "Gia")
    their_pair = await publish(world, scene.globex, globex_program, mentor, mentee)
    before = snapshot(store)
    for survey, connection in ((ours, their_pair), (theirs, pair), (theirs, their_pair)):
        with pytest.raises(NotFound, match="No such survey or connection"):
            await run(
                assign_survey,
                AssignSurvey(survey_id=survey.id, connection_id=connection.id),
                scene.acme.admin,
            )
    with pytest.raises(NotAllowed):
        await run(
            assign_survey, AssignSurvey(survey_id=ours.id, connection_id=pair.id), scene.maria.actor
        )
    assert snapshot(store) == before


async def test_a_survey_only_goes_to_connections_of_its_program(
    run: UseCaseRunner, world: World, scene: Scene, store: MemoryStore
) -> None:
    other = await world.program(scene.acme, "Second")
    survey = await define(run, scene.acme, other)
    mentor = await world.mentor(scene.acme, scene.program, "Max")
    mentee = await world.mentee(scene.acme, scene.program, "Mo")
    connection = await publish(world, scene.acme, scene.program, mentor, mentee)
    with pytest.raises(InvalidInput, match="different programs"):
        await run(
            assign_survey,
            AssignSurvey(survey_id=survey.id, connection_id=connection.id),
            scene.acme.admin,
        )


async def test_each_participant_answers_once_with_valid_answers(
    run: UseCaseRunner, scene: Scene, pair: Connection, store: MemoryStore, clock: FixedClock
) -> None:
    survey = await define(run, scene.acme, scene.program)
    assignment = await run(
        assign_survey, AssignSurvey(survey_id=survey.id, connection_id=pair.id), scene.acme.admin
    )
    submit = SubmitSurveyResponse(
        assignment_id=assignment.id, answers={"useful": 4, "next": " More "}
    )
    bad = SubmitSurveyResponse(assignment_id=assignment.id, answers={"useful": True})
    before = snapshot(store)
    with pytest.raises(NotFound, match="No such survey"):
        await run(submit_survey_response, submit, scene.outsider.actor)
    with pytest.raises(NotAllowed, match="Only the people in this connection"):
        await run(submit_survey_response, submit, scene.lee.actor)
    with pytest.raises(InvalidInput, match="whole number from 1 to 5"):
        await run(submit_survey_response, bad, scene.sam.actor)
    assert snapshot(store) == before

    mark = len(store.outbox)
    await run(submit_survey_response, submit, scene.sam.actor)
    async with fresh(store) as uow:
        saved = await uow.survey_assignments.get(assignment.id)
        response = saved.responses[scene.sam.id]
        assert (dict(response.answers), response.submitted_at) == (
            {"useful": 4, "next": "More"},
            clock.now(),
        )
        assert (saved.is_due_for(scene.sam.id), saved.is_due_for(scene.maria.id)) == (False, True)
    assert topics_since(store, mark) == ["survey.answered"]
    with pytest.raises(IllegalTransition, match="already answered"):
        await run(submit_survey_response, submit, scene.sam.actor)
    assert len(store.outbox) == mark + 1
