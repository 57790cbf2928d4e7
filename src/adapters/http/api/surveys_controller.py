"""Surveys: an administrator assigns one to a connection; participants answer it once."""

from __future__ import annotations

from litestar import Controller, post
from litestar.params import FromPath, JSONBody

from adapters.http.api.auth import CurrentActor
from adapters.http.api.errors import problems
from adapters.http.api.schemas.surveys import (
    AssignmentOut,
    NewAssignment,
    ResponseOut,
    SurveyAnswers,
)
from adapters.http.dependencies import Runner
from application.usecases.surveys import (
    AssignSurvey,
    SubmitSurveyResponse,
    assign_survey,
    submit_survey_response,
)
from domain.ids import AssignmentId, ConnectionId, SurveyId


class SurveysController(Controller):
    path = "/surveys"
    tags = ["surveys"]

    @post(
        "/{survey_id:str}/assignments",
        summary="Send a survey to a connection",
        responses=problems(403, 404, 409, 422),
    )
    async def assign(
        self,
        survey_id: FromPath[str],
        data: JSONBody[NewAssignment],
        actor: CurrentActor,
        runner: Runner,
    ) -> AssignmentOut:
        command = AssignSurvey(
            survey_id=SurveyId(survey_id),
            connection_id=ConnectionId(data.connection_id),
            due=data.due,
        )
        return AssignmentOut.of(await runner(assign_survey, command, actor))


class SurveyAssignmentsController(Controller):
    path = "/survey-assignments"
    tags = ["surveys"]

    @post(
        "/{assignment_id:str}/responses",
        summary="Answer a survey",
        responses=problems(403, 404, 409, 422),
    )
    async def respond(
        self,
        assignment_id: FromPath[str],
        data: JSONBody[SurveyAnswers],
        actor: CurrentActor,
        runner: Runner,
    ) -> ResponseOut:
        command = SubmitSurveyResponse(
            assignment_id=AssignmentId(assignment_id), answers=dict(data.answers)
        )
        response = await runner(submit_survey_response, command, actor)
        return ResponseOut.of(assignment_id, response)
