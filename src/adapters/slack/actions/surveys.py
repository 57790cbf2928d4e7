"""Surveys from Slack: Take survey opens a modal with every question kind (rating, single
choice, multiple choice, text; required or optional). A long survey spans pages: Next checks
the page and shows the next one in the same modal (`response_action: update`, so the stack
never grows), Back returns with the answers kept; they travel in the modal's metadata until
the last page submits them all through the platform's use case, once. Each problem shows
under its own question; the domain's `Survey.problems` says what is wrong."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    CheckboxesElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
)

from adapters.slack.actions.dispatch import Forged
from adapters.slack.actions.modals import (
    carried_origin,
    metadata_of,
    modal,
    note,
    origin_of,
    section,
)
from adapters.slack.actions.payloads import Click, Submission
from adapters.slack.actions.registry import (
    Acting,
    ClickReply,
    CloseModal,
    ModalErrors,
    NextView,
    OpenModal,
    Registry,
    SubmitReply,
    UpdateModal,
)
from adapters.slack.blocks import actions
from adapters.slack.blocks.connections import SURVEY_ANSWERED
from adapters.slack.blocks.parts import button, clip, esc
from application.usecases.surveys import (
    SubmitSurveyResponse,
    SurveyToAnswer,
    submit_survey_response,
    survey_to_answer,
)
from domain.errors import InvalidInput
from domain.ids import AssignmentId
from domain.survey import Question, QuestionKind, Survey

PAGE = "survey.page"
PER_PAGE = 3
ANSWER = "answer"
TEXT_BUDGET = 1200  # characters of typed answers carried between pages (metadata: 3,000)
THANKS = "🙏 Thanks, answered! Your answers went to the program team."
ANSWERED = f"✅ {SURVEY_ANSWERED}"  # in place of Take survey, as the survey DM says it


def block_of(question: Question) -> str:
    return f"q.{question.id}"[:255]


def pages_of(survey: Survey) -> list[tuple[Question, ...]]:
    qs = survey.questions
    return [qs[i : i + PER_PAGE] for i in range(0, len(qs), PER_PAGE)]


def _text_limit(survey: Survey) -> int:
    if len(pages_of(survey)) == 1:
        return 3000
    texts = sum(1 for q in survey.questions if q.kind is QuestionKind.TEXT)
    return max(100, TEXT_BUDGET // max(texts, 1))


def _options(question: Question) -> list[Option]:
    if question.kind is QuestionKind.RATING:
        ends = {1: " (lowest)", question.scale: " (highest)"}
        return [Option(text=f"{n}{ends.get(n, '')}", value=str(n))
                for n in range(1, question.scale + 1)]  # fmt: skip
    return [Option(text=clip(o, 75), value=str(i)) for i, o in enumerate(question.options)]


def _kept_options(question: Question, kept: object) -> list[Option]:
    options = _options(question)
    if question.kind is QuestionKind.RATING:
        return [o for o in options if o.value == str(kept)]
    chosen = kept if isinstance(kept, list) else [kept]
    return [o for o, label in zip(options, question.options, strict=True) if label in chosen]


def _question(question: Question, kept: object, text_limit: int) -> InputBlock:
    label = clip(question.prompt, 2000)
    initial = _kept_options(question, kept) if kept not in (None, "", []) else []
    element: Any
    if question.kind is QuestionKind.TEXT:
        element = PlainTextInputElement(action_id=ANSWER, multiline=True, max_length=text_limit,
                                        initial_value=str(kept) if kept else None)  # fmt: skip
    elif question.kind is QuestionKind.MULTIPLE_CHOICE:
        element = CheckboxesElement(action_id=ANSWER, options=_options(question),
                                    initial_options=initial or None)  # fmt: skip
    else:
        element = RadioButtonsElement(action_id=ANSWER, options=_options(question),
                                      initial_option=initial[0] if initial else None)  # fmt: skip
    hint = "Pick as many as you like." if question.kind is QuestionKind.MULTIPLE_CHOICE else None
    return InputBlock(block_id=block_of(question), label=label, element=element,
                      optional=not question.required, hint=hint)  # fmt: skip


def page_view(survey: Survey, assignment_id: str, page: int, answers: Mapping[str, object],
              origin: Mapping[str, str]) -> dict[str, Any]:  # fmt: skip
    """Page `page` of the survey's modal, with the answers given so far filled in."""
    pages = pages_of(survey)
    last = page == len(pages) - 1
    blocks: list[Block] = []
    if page == 0:
        blocks.append(section(f"📋 *{esc(survey.title)}*\nA few questions about your "
                              "mentoring; your answers go to the program team."))  # fmt: skip
    if len(pages) > 1:
        blocks.append(note(f"Page {page + 1} of {len(pages)}"))
    limit = _text_limit(survey)
    blocks += [_question(q, answers.get(q.id), limit) for q in pages[page]]
    if page > 0:
        back_button = button("← Back", actions.SURVEY_BACK, str(page - 1))
        blocks.append(ActionsBlock(block_id="survey.nav", elements=[back_button]))
    metadata = {"assignment_id": assignment_id, "page": str(page),
                "answers": json.dumps(dict(answers), ensure_ascii=False, separators=(",", ":")),
                **origin}  # fmt: skip
    return modal(PAGE, clip(survey.title, 24), blocks, submit="Submit" if last else "Next",
                 metadata=metadata)  # fmt: skip


def _entry(values: Mapping[str, Any], question: Question) -> dict[str, Any]:
    block = values.get(block_of(question))
    entry = block.get(ANSWER) if isinstance(block, dict) else None
    return entry if isinstance(entry, dict) else {}


def _choice(question: Question, value: object) -> str:
    try:
        return question.options[int(str(value))]
    except (ValueError, IndexError):
        raise Forged() from None


def read_page(values: Mapping[str, Any], questions: Sequence[Question]) -> dict[str, object]:
    """The answers on one page, in the forms the survey takes (blank ones left out)."""
    found: dict[str, object] = {}
    for q in questions:
        entry = _entry(values, q)
        option = entry.get("selected_option")
        picked = option.get("value") if isinstance(option, dict) else None
        if q.kind is QuestionKind.TEXT and isinstance(entry.get("value"), str):
            # Slack's client takes blanks for an answer; we don't: an optional question
            # left blank is skipped, a required one is asked for under its own block
            found[q.id] = entry["value"].strip()
        elif q.kind is QuestionKind.RATING and picked is not None:
            found[q.id] = int(picked) if str(picked).isdigit() else str(picked)
        elif q.kind is QuestionKind.SINGLE_CHOICE and picked is not None:
            found[q.id] = _choice(q, picked)
        elif q.kind is QuestionKind.MULTIPLE_CHOICE and entry.get("selected_options"):
            found[q.id] = [_choice(q, o.get("value")) for o in entry["selected_options"]
                           if isinstance(o, dict)]  # fmt: skip
    return {k: v for k, v in found.items() if v not in ("", [])}


def _where(metadata: Mapping[str, str], survey: Survey) -> tuple[int, dict[str, object]]:
    try:
        page = int(metadata.get("page", ""))
        kept = json.loads(metadata.get("answers") or "{}")
    except ValueError:
        raise Forged() from None
    if not 0 <= page < len(pages_of(survey)) or not isinstance(kept, dict):
        raise Forged()
    return page, {k: v for k, v in kept.items() if k in {q.id for q in survey.questions}}


def _assignment(metadata: Mapping[str, str]) -> AssignmentId:
    value = metadata.get("assignment_id") or ""
    if not value or len(value) > 64:
        raise Forged()
    return AssignmentId(value)


async def take(click: Click, acting: Acting) -> ClickReply:
    assignment_id = _assignment({"assignment_id": click.value})
    survey = await acting.run(survey_to_answer, SurveyToAnswer(assignment_id=assignment_id))
    return OpenModal(page_view(survey, assignment_id, 0, {}, origin_of(click)))


async def submit_page(sub: Submission, acting: Acting) -> SubmitReply:
    metadata = metadata_of(sub.private_metadata)
    assignment_id = _assignment(metadata)
    survey = await acting.run(survey_to_answer, SurveyToAnswer(assignment_id=assignment_id))
    page, kept = _where(metadata, survey)
    questions = pages_of(survey)[page]
    current = read_page(sub.values, questions)
    problems = survey.problems(current, only=[q.id for q in questions])
    if problems:
        by_id = {q.id: q for q in questions}
        return ModalErrors({block_of(by_id[q]): text for q, text in problems.items()})
    answers = {**{k: v for k, v in kept.items() if k not in {q.id for q in questions}},
               **current}  # fmt: skip
    url = carried_origin(metadata)
    if page < len(pages_of(survey)) - 1:
        return NextView(page_view(survey, assignment_id, page + 1, answers, url))
    try:
        command = SubmitSurveyResponse(assignment_id=assignment_id, answers=answers)
        await acting.run(submit_survey_response, command)
    except InvalidInput as wrong:  # an answer kept from an earlier page no longer fits
        return ModalErrors({block_of(questions[0]): wrong.message})
    return CloseModal(note=THANKS, line=ANSWERED)


async def back(click: Click, acting: Acting) -> ClickReply:
    view = click.view or {}
    metadata = metadata_of(str(view.get("private_metadata") or ""))
    assignment_id = _assignment(metadata)
    survey = await acting.run(survey_to_answer, SurveyToAnswer(assignment_id=assignment_id))
    page, kept = _where(metadata, survey)
    if page == 0:
        raise Forged()
    answers = {**kept, **read_page(click.state, pages_of(survey)[page])}
    url = carried_origin(metadata)
    return UpdateModal(page_view(survey, assignment_id, page - 1, answers, url))


def register(registry: Registry) -> None:
    registry.on_click(actions.SURVEY_TAKE, take)
    registry.on_submit(PAGE, submit_page)
    registry.on_click(actions.SURVEY_BACK, back)
