"""Surveys: definitions, assignments to connections, responses, and the ones due."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from application.usecases.my_surveys import DueSurvey
from domain.survey import (
    MAX_OPTIONS,
    MAX_QUESTIONS,
    MAX_TEXT_ANSWER,
    Question,
    QuestionKind,
    Survey,
    SurveyAssignment,
    SurveyResponse,
)

from .common import AwareDatetime, Body, Id, Out, utc

Option = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
AnswerIn = (
    int
    | Annotated[str, msgspec.Meta(max_length=MAX_TEXT_ANSWER)]
    | Annotated[list[Option], msgspec.Meta(max_length=MAX_OPTIONS)]
    | None
)
AnswerOut = int | str | list[str]


class QuestionIn(Body):
    id: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    kind: QuestionKind
    prompt: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
    required: bool = True
    options: Annotated[list[Option], msgspec.Meta(max_length=MAX_OPTIONS)] = []
    scale: int = 5

    def to_question(self) -> Question:
        return Question(
            id=self.id,
            kind=self.kind,
            prompt=self.prompt,
            required=self.required,
            options=tuple(self.options),
            scale=self.scale,
        )


class NewSurvey(Body):
    title: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    questions: Annotated[list[QuestionIn], msgspec.Meta(min_length=1, max_length=MAX_QUESTIONS)]


class QuestionOut(Out):
    id: str
    kind: str
    prompt: str
    required: bool
    options: list[str]
    scale: int | None

    @classmethod
    def of(cls, question: Question) -> QuestionOut:
        rating = question.kind is QuestionKind.RATING
        return cls(
            id=question.id,
            kind=question.kind.value,
            prompt=question.prompt,
            required=question.required,
            options=list(question.options),
            scale=question.scale if rating else None,
        )


class SurveyOut(Out):
    id: str
    program_id: str
    title: str
    questions: list[QuestionOut]

    @classmethod
    def of(cls, survey: Survey) -> SurveyOut:
        return cls(
            id=survey.id,
            program_id=survey.program_id,
            title=survey.title,
            questions=[QuestionOut.of(q) for q in survey.questions],
        )


class NewAssignment(Body):
    connection_id: Id
    due: AwareDatetime | None = None

    def __post_init__(self) -> None:
        self.due = utc(self.due) if self.due else None


class AssignmentOut(Out):
    id: str
    survey_id: str
    connection_id: str
    respondent_ids: list[str]
    assigned_at: datetime
    due: datetime | None

    @classmethod
    def of(cls, assignment: SurveyAssignment) -> AssignmentOut:
        return cls(
            id=assignment.id,
            survey_id=assignment.survey_id,
            connection_id=assignment.connection_id,
            respondent_ids=list(assignment.respondent_ids),
            assigned_at=assignment.assigned_at,
            due=assignment.due,
        )


class SurveyAnswers(Body):
    """Answers by question id: a number for ratings, an option or a text, a list of options."""

    answers: Annotated[
        dict[Annotated[str, msgspec.Meta(max_length=64)], AnswerIn],
        msgspec.Meta(max_length=MAX_QUESTIONS),
    ]


class ResponseOut(Out):
    assignment_id: str
    respondent_id: str
    answers: dict[str, AnswerOut]
    submitted_at: datetime

    @classmethod
    def of(cls, assignment_id: str, response: SurveyResponse) -> ResponseOut:
        return cls(
            assignment_id=assignment_id,
            respondent_id=response.respondent_id,
            answers={
                key: list(value) if isinstance(value, tuple) else value
                for key, value in response.answers.items()
            },
            submitted_at=response.submitted_at,
        )


class DueSurveyOut(Out):
    """A survey the caller still has to answer (as `member_id`, in `connection_id`)."""

    assignment_id: str
    survey_id: str
    connection_id: str
    member_id: str
    title: str
    assigned_at: datetime
    due: datetime | None
    questions: list[QuestionOut]

    @classmethod
    def of(cls, due: DueSurvey) -> DueSurveyOut:
        return cls(
            assignment_id=due.assignment.id,
            survey_id=due.survey.id,
            connection_id=due.assignment.connection_id,
            member_id=due.respondent.id,
            title=due.survey.title,
            assigned_at=due.assignment.assigned_at,
            due=due.assignment.due,
            questions=[QuestionOut.of(q) for q in due.survey.questions],
        )
