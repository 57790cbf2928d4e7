"""Surveys from Slack: Take survey opens a modal with every question kind; a long survey
spans pages (Next / Back in the same modal, answers kept, never more than one view on the
stack); a missing or invalid answer is refused under its own question; submitted once, the
DM then says it was answered, and taking it again is refused with the reason."""

from __future__ import annotations

import json
from typing import Any

from tests.http.conftest import QUESTIONS
from tests.http.slack_world import MARIA, SAM, TEAM, World

PAGE_ONE = {"q.mood": {"answer": "4"}, "q.pace": {"answer": "1"},
            "q.topics": {"answer": ["0", "1"]}}  # fmt: skip


async def _assigned(world: World) -> tuple[str, str]:
    connection_id = await world.connection()
    body = {"title": "Connection check-in", "questions": QUESTIONS}
    survey = await world.ok("POST", f"/programs/{world.acme.program_id}/surveys", "admin",
                            json=body)  # fmt: skip
    assigned = await world.ok("POST", f"/surveys/{survey['id']}/assignments", "admin",
                              json={"connection_id": connection_id})  # fmt: skip
    await world.deliver()
    return connection_id, str(assigned["id"])


def _block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    [block] = [b for b in view["blocks"] if b.get("block_id") == block_id]
    return block


async def test_a_two_page_survey_is_answered_with_back_and_next(world: World) -> None:
    _, assignment_id = await _assigned(world)
    dm = await world.dm(SAM, assignment_id)
    await world.click(SAM, "survey.take", message=dm)
    [page_one] = await world.modals(SAM)
    kinds = [_block(page_one, f"q.{q}")["element"]["type"] for q in ("mood", "pace", "topics")]
    assert kinds == ["radio_buttons", "radio_buttons", "checkboxes"]
    assert page_one["submit"]["text"] == "Next" and "Page 1 of 2" in json.dumps(page_one)

    moved = await world.submit(SAM, PAGE_ONE)
    assert moved["response_action"] == "update", moved
    [page_two] = await world.modals(SAM)  # the same modal, never a deeper stack
    assert _block(page_two, "q.notes")["optional"] is True
    assert page_two["submit"]["text"] == "Submit"

    await world.click(SAM, "survey.back", view_id=page_two["id"])
    [again] = await world.modals(SAM)
    assert _block(again, "q.mood")["element"]["initial_option"]["value"] == "4"
    assert [o["value"] for o in _block(again, "q.topics")["element"]["initial_options"]] == \
        ["0", "1"]  # fmt: skip

    assert (await world.submit(SAM, PAGE_ONE))["response_action"] == "update"
    done = await world.submit(SAM, {"q.notes": {"answer": "Great so far"}})
    assert done["ok"] and done["response_action"] is None, done
    assert await world.modals(SAM) == []
    await world.ephemeral(SAM, "Thanks, answered")
    in_place = json.dumps((await world.dm(SAM, dm["ts"]))["blocks"])
    assert "Thanks, answered" in in_place and "couple of minutes" not in in_place
    assert await world.ok("GET", "/me/surveys", "sam") == []
    await world.deliver()
    synced = await world.dm(SAM, dm["ts"])
    assert "Thanks, answered" in json.dumps(synced["blocks"])
    assert "survey.take" not in json.dumps(synced["blocks"])


async def test_taking_it_again_is_refused_with_the_reason(world: World) -> None:
    _, assignment_id = await _assigned(world)
    answers = {"mood": 5, "pace": "right", "topics": ["code"]}
    await world.ok("POST", f"/survey-assignments/{assignment_id}/responses", "sam",
                   json={"answers": answers})  # fmt: skip
    dm = await world.dm(SAM, assignment_id)
    await world.click(SAM, "survey.take", message=dm)
    await world.ephemeral(SAM, "You already answered this survey")
    assert await world.modals(SAM) == []


async def test_a_missing_answer_is_shown_under_its_own_question(world: World) -> None:
    _, assignment_id = await _assigned(world)
    await world.click(MARIA, "survey.take", message=await world.dm(MARIA, assignment_id))
    [view] = await world.modals(MARIA)
    values = {"q.mood": {"answer": {"type": "radio_buttons",
                                    "selected_option": {"value": "3"}}}}  # fmt: skip
    submission = {"type": "view_submission", "team": {"id": TEAM},
                  "user": {"id": MARIA, "team_id": TEAM}, "enterprise": {"id": "E0ACME01"},
                  "trigger_id": "1.2.x", "view": {**view, "state": {"values": values}}}  # fmt: skip
    before = world.snapshot()
    response = await world.signed(submission)
    assert response.json() == {"response_action": "errors", "errors": {
        "q.pace": "Question 'Pace?' needs an answer.",
        "q.topics": "Question 'Topics?' needs an answer.",
    }}  # fmt: skip
    assert world.snapshot() == before
