"""Surveys: questions of four kinds, and the answers a participant gives once per connection."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import ClassVar

import attrs

from domain.aggregate import Aggregate
from domain.errors import IllegalTransition, InvalidInput, NotAllowed
from domain.events import DomainEvent
from domain.ids import AssignmentId, ConnectionId, MemberId, OrganizationId, ProgramId, SurveyId

Answer = int | str | tuple[str, ...]
MAX_OPTIONS = 10
MAX_QUESTIONS = 50
MAX_TEXT_ANSWER = 3000


class QuestionKind(enum.StrEnum):
    RATING = "rating"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    TEXT = "text"


@attrs.frozen(kw_only=True)
class Question:
    """One question. Ratings run 1..scale; choices come from `options`."""

    id: str
    kind: QuestionKind
    prompt: str
    required: bool = True
    options: tuple[str, ...] = ()
    scale: int = 5

    def __attrs_post_init__(self) -> None:
        if not self.id.strip() or not self.prompt.strip():
            raise InvalidInput("A question needs an id and a prompt.")
        choice = self.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)
        if choice and not 2 <= len(set(self.options)) == len(self.options) <= MAX_OPTIONS:
            raise InvalidInput(f"Question {self.id!r} needs 2 to {MAX_OPTIONS} distinct options.")
        if self.kind is QuestionKind.RATING and not 2 <= self.scale <= 10:
            raise InvalidInput(f"Question {self.id!r} needs a rating scale of 2 to 10.")

    def take(self, raw: object) -> Answer | None:
        """The answer in its canonical form; None when left blank and optional."""
        if raw is None or raw == "" or raw == [] or raw == ():
            if self.required:
                raise InvalidInput(f"Question {self.prompt!r} needs an answer.")
            return None
        return self.check(raw)

    def check(self, raw: object) -> Answer:
        """The answer in its canonical form, or InvalidInput saying what is wrong with it."""
        where = f"Question {self.prompt!r}"
        if self.kind is QuestionKind.RATING:
            if isinstance(raw, bool) or not isinstance(raw, int) or not 1 <= raw <= self.scale:
                raise InvalidInput(f"{where} takes a whole number from 1 to {self.scale}.")
            return raw
        if self.kind is QuestionKind.SINGLE_CHOICE:
            if raw not in self.options:
                raise InvalidInput(f"{where} takes one of: {', '.join(self.options)}.")
            return str(raw)
        if self.kind is QuestionKind.MULTIPLE_CHOICE:
            if not isinstance(raw, list | tuple) or not raw:
                raise InvalidInput(f"{where} takes a non-empty list of options.")
            unknown = [v for v in raw if v not in self.options]
            if unknown:
                raise InvalidInput(f"{where} has no option {unknown[0]!r}.")
            return tuple(o for o in self.options if o in raw)
        if not isinstance(raw, str) or not raw.strip() or len(raw) > MAX_TEXT_ANSWER:
            raise InvalidInput(f"{where} takes a text of 1 to {MAX_TEXT_ANSWER} characters.")
        return raw.strip()


@attrs.define(kw_only=True, eq=False)
class Survey(Aggregate):
    id: SurveyId
    organization_id: OrganizationId
    program_id: ProgramId
    title: str
    questions: tuple[Question, ...]

    def __attrs_post_init__(self) -> None:
        if not self.title.strip():
            raise InvalidInput("A survey needs a title.")
        if not 1 <= len(self.questions) <= MAX_QUESTIONS:
            raise InvalidInput(f"A survey has 1 to {MAX_QUESTIONS} questions.")
        if len({q.id for q in self.questions}) != len(self.questions):
            raise InvalidInput("Question ids must be unique within a survey.")

    def validate(self, answers: Mapping[str, object]) -> dict[str, Answer]:
        """Check every answer against its question; required ones must be there."""
        self._ensure_no_stray(answers)
        clean: dict[str, Answer] = {}
        for question in self.questions:
            answer = question.take(answers.get(question.id))
            if answer is not None:
                clean[question.id] = answer
        return clean

    def problems(
        self, answers: Mapping[str, object], *, only: Iterable[str] | None = None
    ) -> dict[str, str]:
        """What is wrong with each answer (of the questions in `only`, or all), by question
        id: for forms that show each problem next to its question."""
        self._ensure_no_stray(answers)
        wanted = None if only is None else set(only)
        found: dict[str, str] = {}
        for question in self.questions:
            if wanted is not None and question.id not in wanted:
                continue
            try:
                question.take(answers.get(question.id))
            except InvalidInput as wrong:
                found[question.id] = wrong.message
        return found

    def _ensure_no_stray(self, answers: Mapping[str, object]) -> None:
        stray = sorted(set(answers) - {q.id for q in self.questions})
        if stray:
            raise InvalidInput(f"This survey has no question {stray[0]!r}.")


@attrs.frozen(kw_only=True)
class SurveyAssigned(DomainEvent):
    topic: ClassVar[str] = "survey.assigned"
    assignment_id: str
    survey_id: str
    connection_id: str
    respondent_ids: tuple[str, ...]
    title: str


@attrs.frozen(kw_only=True)
class SurveyAnswered(DomainEvent):
    topic: ClassVar[str] = "survey.answered"
    assignment_id: str
    survey_id: str
    connection_id: str
    respondent_id: str


@attrs.frozen(kw_only=True)
class SurveyResponse:
    respondent_id: MemberId
    answers: Mapping[str, Answer]
    submitted_at: datetime


@attrs.define(kw_only=True, eq=False)
class SurveyAssignment(Aggregate):
    """A survey handed to one connection's participants; each answers it once."""

    id: AssignmentId
    organization_id: OrganizationId
    survey_id: SurveyId
    connection_id: ConnectionId
    respondent_ids: tuple[MemberId, ...]
    assigned_at: datetime
    due: datetime | None = None
    responses: dict[MemberId, SurveyResponse] = attrs.field(factory=dict)

    @classmethod
    def assign(
        cls,
        *,
        id: AssignmentId,
        survey: Survey,
        connection_id: ConnectionId,
        respondent_ids: tuple[MemberId, ...],
        now: datetime,
        due: datetime | None = None,
    ) -> SurveyAssignment:
        if due is not None and due <= now:
            raise InvalidInput("A survey's due date must be in the future.")
        assignment = cls(
            id=id,
            organization_id=survey.organization_id,
            survey_id=survey.id,
            connection_id=connection_id,
            respondent_ids=respondent_ids,
            assigned_at=now,
            due=due,
        )
        assignment.record(
            SurveyAssigned(
                organization_id=survey.organization_id,
                occurred_at=now,
                assignment_id=id,
                survey_id=survey.id,
                connection_id=connection_id,
                respondent_ids=respondent_ids,
                title=survey.title,
            )
        )
        return assignment

    def is_due_for(self, member: MemberId) -> bool:
        return member in self.respondent_ids and member not in self.responses

    def ensure_answerable_by(self, member: MemberId) -> None:
        if member not in self.respondent_ids:
            raise NotAllowed("This survey was not sent to you.")
        if member in self.responses:
            raise IllegalTransition("You already answered this survey for this connection.")

    def submit(
        self, survey: Survey, answers: Mapping[str, object], *, by: MemberId, now: datetime
    ) -> SurveyResponse:
        self.ensure_answerable_by(by)
        if survey.id != self.survey_id:
            raise InvalidInput("Those answers belong to another survey.")
        response = SurveyResponse(
            respondent_id=by, answers=survey.validate(answers), submitted_at=now
        )
        self.responses[by] = response
        self.record(
            SurveyAnswered(
                organization_id=self.organization_id,
                occurred_at=now,
                assignment_id=self.id,
                survey_id=self.survey_id,
                connection_id=self.connection_id,
                respondent_id=by,
            )
        )
        return response
