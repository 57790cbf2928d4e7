"""Surveys: an admin defines one and assigns it to a connection; participants answer once."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import attrs

from application.actors import Actor, connection_of, ensure_same_organization, program_of
from application.ports import Clock, UnitOfWork
from domain.errors import IllegalTransition, NotFound
from domain.ids import AssignmentId, ConnectionId, ProgramId, SurveyId, new_id
from domain.survey import Question, Survey, SurveyAssignment, SurveyResponse


@attrs.frozen(kw_only=True)
class CreateSurvey:
    program_id: ProgramId
    title: str
    questions: tuple[Question, ...]


@attrs.frozen(kw_only=True)
class AssignSurvey:
    survey_id: SurveyId
    connection_id: ConnectionId
    due: datetime | None = None


@attrs.frozen(kw_only=True)
class SubmitSurveyResponse:
    assignment_id: AssignmentId
    answers: Mapping[str, object]


@attrs.frozen(kw_only=True)
class SurveyToAnswer:
    """A survey the actor is about to answer, with its questions."""

    assignment_id: AssignmentId


async def create_survey(cmd: CreateSurvey, actor: Actor, uow: UnitOfWork, clock: Clock) -> Survey:
    actor.require_admin()
    async with uow:
        program = await program_of(uow, actor, cmd.program_id)
        survey = Survey(
            id=SurveyId(new_id()),
            organization_id=program.organization_id,
            program_id=program.id,
            title=cmd.title,
            questions=cmd.questions,
        )
        await uow.surveys.add(survey)
        await uow.commit()
        return survey


async def assign_survey(
    cmd: AssignSurvey, actor: Actor, uow: UnitOfWork, clock: Clock
) -> SurveyAssignment:
    actor.require_admin()
    async with uow:
        survey = await uow.surveys.get(cmd.survey_id)
        connection = await uow.connections.get(cmd.connection_id)
        if {survey.organization_id, connection.organization_id} != {actor.organization_id}:
            raise NotFound("No such survey or connection.")
        respondents = connection.survey_respondents(survey.program_id)
        if await uow.survey_assignments.find(survey.id, connection.id) is not None:
            raise IllegalTransition("This survey was already sent to this connection.")
        assignment = SurveyAssignment.assign(
            id=AssignmentId(new_id()),
            survey=survey,
            connection_id=connection.id,
            respondent_ids=respondents,
            now=clock.now(),
            due=cmd.due,
        )
        await uow.survey_assignments.add(assignment)
        await uow.commit()
        return assignment


async def submit_survey_response(
    cmd: SubmitSurveyResponse, actor: Actor, uow: UnitOfWork, clock: Clock
) -> SurveyResponse:
    async with uow:
        assignment = await uow.survey_assignments.get(cmd.assignment_id)
        ensure_same_organization(actor, assignment.organization_id, "survey")
        _, member = await connection_of(uow, actor, assignment.connection_id)
        survey = await uow.surveys.get(assignment.survey_id)
        response = assignment.submit(survey, cmd.answers, by=member.id, now=clock.now())
        await uow.commit()
        return response


async def survey_to_answer(
    query: SurveyToAnswer, actor: Actor, uow: UnitOfWork, clock: Clock
) -> Survey:
    """The survey of an assignment the actor still has to answer; refused, with the reason,
    when it was not sent to them or they already answered it."""
    async with uow:
        assignment = await uow.survey_assignments.get(query.assignment_id)
        ensure_same_organization(actor, assignment.organization_id, "survey")
        _, member = await connection_of(uow, actor, assignment.connection_id)
        assignment.ensure_answerable_by(member.id)
        return await uow.surveys.get(assignment.survey_id)
