"""A survey page's answers as the modal sends them (`read_page`): blanks typed into a text
answer are no answer (Slack's client lets them through a required input), so a required
question asks for one under its own block and an optional one is skipped."""

from __future__ import annotations

from typing import Any

from adapters.slack.actions.surveys import block_of, read_page
from domain.ids import OrganizationId, ProgramId, SurveyId
from domain.survey import Question, QuestionKind, Survey

HOPE = Question(id="hope", kind=QuestionKind.TEXT, prompt="What do you hope for?")
NOTES = Question(id="notes", kind=QuestionKind.TEXT, prompt="Anything else?", required=False)
SURVEY = Survey(id=SurveyId("s1"), organization_id=OrganizationId("o1"),
                program_id=ProgramId("p1"), title="Check-in", questions=(HOPE, NOTES))  # fmt: skip


def typed(**texts: str) -> dict[str, Any]:
    return {block_of(q): {"answer": {"type": "plain_text_input", "value": texts[q.id]}}
            for q in (HOPE, NOTES) if q.id in texts}  # fmt: skip


def test_blanks_are_no_answer() -> None:
    answers = read_page(typed(hope="   \n ", notes="  "), (HOPE, NOTES))
    assert answers == {}
    assert SURVEY.problems(answers) == {"hope": "Question 'What do you hope for?' needs an answer."}


def test_an_answer_is_kept_without_the_blanks_around_it() -> None:
    answers = read_page(typed(hope="  To lead a team. ", notes=""), (HOPE, NOTES))
    assert answers == {"hope": "To lead a team."}
    assert SURVEY.problems(answers) == {}
