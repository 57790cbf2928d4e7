"""Survey questions of four kinds, answer validation, and once-per-respondent responses."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.errors import IllegalTransition, InvalidInput, NotAllowed
from domain.ids import AssignmentId, ConnectionId, ProgramId, SurveyId
from domain.survey import (
    Question,
    QuestionKind,
    Survey,
    SurveyAnswered,
    SurveyAssigned,
    SurveyAssignment,
)
from tests.unit.domain.examples import MENTEE, MENTOR, ORG, STRANGER, only_event
from tests.unit.world import T0

RATING = Question(id="q-rate", kind=QuestionKind.RATING, prompt="How useful?", scale=5)
SINGLE = Question(
    id="q-one", kind=QuestionKind.SINGLE_CHOICE, prompt="How often?", options=("weekly", "monthly")
)
MULTI = Question(
    id="q-many",
    kind=QuestionKind.MULTIPLE_CHOICE,
    prompt="Topics?",
    options=("career", "code", "health"),
)
TEXT = Question(id="q-text", kind=QuestionKind.TEXT, prompt="Anything else?", required=False)


def survey(*questions: Question, id: str = "s") -> Survey:
    return Survey(
        id=SurveyId(id),
        organization_id=ORG,
        program_id=ProgramId("p"),
        title="Check-in",
        questions=questions or (RATING, SINGLE, MULTI, TEXT),
    )


TEXT_Q = {"id": "q", "kind": QuestionKind.TEXT, "prompt": "p"}
ONE_Q = {"id": "q", "kind": QuestionKind.SINGLE_CHOICE, "prompt": "p"}
MANY_Q = {"id": "q", "kind": QuestionKind.MULTIPLE_CHOICE, "prompt": "p"}
RATE_Q = {"id": "q", "kind": QuestionKind.RATING, "prompt": "p"}


@pytest.mark.parametrize(
    ("facts", "message"),
    [
        (TEXT_Q | {"id": " "}, "needs an id and a prompt"),
        (TEXT_Q | {"prompt": " "}, "needs an id and a prompt"),
        (ONE_Q | {"options": ("a",)}, "2 to 10"),
        (ONE_Q, "2 to 10"),
        (MANY_Q | {"options": ("a", "a")}, "distinct"),
        (ONE_Q | {"options": tuple("abcdefghijk")}, "2 to 10"),
        (RATE_Q | {"scale": 1}, "scale of 2 to 10"),
        (RATE_Q | {"scale": 11}, "scale of 2 to 10"),
    ],
)
def test_questions_are_well_formed(facts: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        Question(**facts)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("question", "raw", "clean"),
    [
        (RATING, 1, 1),
        (RATING, 5, 5),
        (SINGLE, "monthly", "monthly"),
        (MULTI, ["health", "career"], ("career", "health")),
        (MULTI, ("code", "code"), ("code",)),
        (TEXT, "  More pairing please ", "More pairing please"),
        (TEXT, "x" * 3000, "x" * 3000),
    ],
)
def test_good_answers_come_back_in_canonical_form(
    question: Question, raw: object, clean: object
) -> None:
    assert question.check(raw) == clean


@pytest.mark.parametrize(
    ("question", "raw", "message"),
    [
        (RATING, 0, "whole number from 1 to 5"),
        (RATING, 6, "whole number from 1 to 5"),
        (RATING, True, "whole number from 1 to 5"),
        (RATING, False, "whole number from 1 to 5"),
        (RATING, 3.0, "whole number from 1 to 5"),
        (RATING, "3", "whole number from 1 to 5"),
        (SINGLE, "daily", "takes one of: weekly, monthly"),
        (SINGLE, ["weekly"], "takes one of"),
        (SINGLE, 1, "takes one of"),
        (MULTI, "career", "non-empty list of options"),
        (MULTI, (), "non-empty list of options"),
        (MULTI, ["career", "golf"], "no option 'golf'"),
        (TEXT, "   ", "text of 1 to 3000 characters"),
        (TEXT, "x" * 3001, "text of 1 to 3000 characters"),
        (TEXT, 42, "text of 1 to 3000 characters"),
    ],
)
def test_wrong_answers_say_what_the_question_takes(
    question: Question, raw: object, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message) as refused:
        question.check(raw)
    assert question.prompt in refused.value.message


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": " "}, "needs a title"),
        ({"questions": ()}, "1 to 50 questions"),
        ({"questions": (TEXT,) * 51}, "1 to 50 questions"),
        ({"questions": (RATING, RATING)}, "unique"),
    ],
)
def test_surveys_are_well_formed(changes: dict[str, object], message: str) -> None:
    facts = {
        "id": "s",
        "organization_id": ORG,
        "program_id": "p",
        "title": "T",
        "questions": (TEXT,),
    }
    with pytest.raises(InvalidInput, match=message):
        Survey(**(facts | changes))  # type: ignore[arg-type]


def test_validate_keeps_answers_and_leaves_out_unanswered_optional_ones() -> None:
    answers = {"q-rate": 4, "q-one": "weekly", "q-many": ["code"]}
    assert survey().validate(answers) == {"q-rate": 4, "q-one": "weekly", "q-many": ("code",)}
    for blank in (None, "", []):
        assert "q-text" not in survey().validate(answers | {"q-text": blank})


@pytest.mark.parametrize("blank", [None, "", []])
@pytest.mark.parametrize("missing", ["q-rate", "q-one", "q-many"])
def test_required_questions_need_an_answer(missing: str, blank: object) -> None:
    answers: dict[str, object] = {"q-rate": 4, "q-one": "weekly", "q-many": ["code"]}
    answers[missing] = blank
    with pytest.raises(InvalidInput, match="needs an answer"):
        survey().validate(answers)
    del answers[missing]
    with pytest.raises(InvalidInput, match="needs an answer"):
        survey().validate(answers)


def test_answers_to_unknown_questions_are_refused() -> None:
    with pytest.raises(InvalidInput, match="has no question 'q-zzz'"):
        survey(TEXT).validate({"q-text": "hi", "q-zzz": 1})


def test_an_optional_question_still_checks_a_given_answer() -> None:
    optional_rating = Question(id="r", kind=QuestionKind.RATING, prompt="Rate", required=False)
    assert survey(optional_rating).validate({}) == {}
    with pytest.raises(InvalidInput, match="whole number"):
        survey(optional_rating).validate({"r": True})


def test_problems_name_each_wrong_answer_by_its_question() -> None:
    answers = {"q-rate": 9, "q-many": ["nope"], "q-text": "fine"}
    assert survey().problems(answers) == {
        "q-rate": "Question 'How useful?' takes a whole number from 1 to 5.",
        "q-one": "Question 'How often?' needs an answer.",
        "q-many": "Question 'Topics?' has no option 'nope'.",
    }
    assert survey().problems(answers, only=["q-one", "q-text"]) == {
        "q-one": "Question 'How often?' needs an answer."
    }
    good = {"q-rate": 4, "q-one": "weekly", "q-many": ["code"]}
    assert survey().problems(good) == {}
    with pytest.raises(InvalidInput, match="has no question"):
        survey().problems({"q-zzz": 1})


def test_problems_and_validate_agree_on_every_answer() -> None:
    for answers in ({}, {"q-rate": 0}, {"q-rate": 3, "q-one": "weekly", "q-many": ("code",)},
                    {"q-rate": 3, "q-one": "daily", "q-many": ["code"], "q-text": ""}):  # fmt: skip
        problems = survey().problems(answers)
        if problems:
            with pytest.raises(InvalidInput) as refused:
                survey().validate(answers)
            assert refused.value.message in problems.values()
        else:
            survey().validate(answers)


def assignment(due: object = None) -> SurveyAssignment:
    return SurveyAssignment.assign(
        id=AssignmentId("a"),
        survey=survey(),
        connection_id=ConnectionId("c"),
        respondent_ids=(MENTOR, MENTEE),
        now=T0,
        due=due,  # type: ignore[arg-type]
    )


def test_assigning_announces_the_survey_to_every_respondent() -> None:
    made = assignment(due=T0 + timedelta(days=7))
    event = only_event(made)
    assert isinstance(event, SurveyAssigned)
    assert (event.topic, event.survey_id, event.connection_id) == ("survey.assigned", "s", "c")
    assert (event.respondent_ids, event.title) == ((MENTOR, MENTEE), "Check-in")
    assert made.is_due_for(MENTOR)
    assert not made.is_due_for(STRANGER)


@pytest.mark.parametrize("due", [T0, T0 - timedelta(days=1)])
def test_a_due_date_must_be_in_the_future(due: object) -> None:
    with pytest.raises(InvalidInput, match="due date must be in the future"):
        assignment(due=due)


GOOD = {"q-rate": 5, "q-one": "monthly", "q-many": ["career"]}


def test_each_respondent_answers_once() -> None:
    made = assignment()
    made.pull_events()
    response = made.submit(survey(), GOOD, by=MENTEE, now=T0)
    assert response.answers == {"q-rate": 5, "q-one": "monthly", "q-many": ("career",)}
    assert made.responses == {MENTEE: response}
    assert (made.is_due_for(MENTEE), made.is_due_for(MENTOR)) == (False, True)
    event = only_event(made)
    assert isinstance(event, SurveyAnswered)
    assert (event.topic, event.respondent_id, event.assignment_id) == (
        "survey.answered",
        MENTEE,
        "a",
    )

    with pytest.raises(IllegalTransition, match="already answered"):
        made.submit(survey(), GOOD, by=MENTEE, now=T0)
    assert (made.events, made.responses) == ([], {MENTEE: response})


def test_refused_submissions_change_nothing() -> None:
    made = assignment()
    made.pull_events()
    with pytest.raises(NotAllowed, match="not sent to you"):
        made.submit(survey(), GOOD, by=STRANGER, now=T0)
    with pytest.raises(InvalidInput, match="belong to another survey"):
        made.submit(survey(id="other"), GOOD, by=MENTEE, now=T0)
    with pytest.raises(InvalidInput, match="needs an answer"):
        made.submit(survey(), {"q-rate": 5}, by=MENTEE, now=T0)
    assert (made.events, made.responses) == ([], {})
