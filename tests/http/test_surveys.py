"""Surveys over HTTP: assigned by administrators, answered once by each participant."""

from __future__ import annotations

import pytest

from tests.http.conftest import Api

GOOD = {"mood": 4, "pace": "right", "topics": ["career", "code"], "notes": "  Great  "}


async def test_assigned_survey_is_due_for_both_participants_with_its_questions(api: Api) -> None:
    connection_id = await api.connection("maria", "sam")
    survey_id = await api.survey()
    body = {"connection_id": connection_id, "due": "2026-03-09T18:00:00+02:00"}
    response = await api.post(f"/surveys/{survey_id}/assignments", "padmin", json=body)
    assert response.status_code == 201
    assignment = response.json()
    assert assignment["survey_id"] == survey_id
    assert set(assignment["respondent_ids"]) == {api.acme.members["maria"], api.acme.members["sam"]}
    assert assignment["due"] == "2026-03-09T16:00:00Z"
    assert api.topics()[-1] == "survey.assigned"
    due = (await api.get("/me/surveys", "sam")).json()
    assert [(d["assignment_id"], d["title"], d["member_id"]) for d in due] == [
        (assignment["id"], "Check-in", api.acme.members["sam"])
    ]
    assert [q["id"] for q in due[0]["questions"]] == ["mood", "pace", "topics", "notes"]


async def test_assignment_refusals(api: Api) -> None:
    connection_id = await api.connection("maria", "sam")
    survey_id = await api.survey()
    theirs_connection = await api.connection("maria", "sam", org=api.globex)
    theirs_survey = await api.survey(org=api.globex)
    cases = [
        ("sam", survey_id, {"connection_id": connection_id}, 403),
        ("admin", survey_id, {"connection_id": connection_id, "due": "2026-03-09T18:00:00"}, 422),
        ("admin", survey_id, {"connection_id": connection_id, "due": "2026-03-01T18:00:00Z"}, 422),
        ("admin", survey_id, {"connection": connection_id}, 422),
        ("admin", "unknown", {"connection_id": connection_id}, 404),
        ("admin", survey_id, {"connection_id": "unknown"}, 404),
        ("admin", theirs_survey, {"connection_id": theirs_connection}, 404),
    ]
    for who, survey, body, status in cases:
        with api.unchanged():
            response = await api.post(f"/surveys/{survey}/assignments", who, json=body)
        assert response.status_code == status, (who, body, response.text)
    assert (
        await api.post(
            f"/surveys/{survey_id}/assignments", "admin", json={"connection_id": connection_id}
        )
    ).status_code == 201
    with api.unchanged():
        twice = await api.post(
            f"/surveys/{survey_id}/assignments", "admin", json={"connection_id": connection_id}
        )
    assert twice.status_code == 409
    assert twice.json()["detail"] == "This survey was already sent to this connection."


async def test_another_organizations_connection_is_404_even_with_ones_own_survey(api: Api) -> None:
    survey_id = await api.survey()
    theirs = await api.connection("maria", "sam", org=api.globex)
    response = await api.post(
        f"/surveys/{survey_id}/assignments", "admin", json={"connection_id": theirs}
    )
    assert response.status_code == 404


async def test_participant_answers_once_and_it_is_no_longer_due(api: Api) -> None:
    connection_id = await api.connection("maria", "sam")
    assignment_id = await api.assignment(connection_id)
    response = await api.post(
        f"/survey-assignments/{assignment_id}/responses", "sam", json={"answers": GOOD}
    )
    assert response.status_code == 201
    answered = response.json()
    assert answered["answers"] == {
        "mood": 4,
        "pace": "right",
        "topics": ["code", "career"],
        "notes": "Great",
    }
    assert (answered["assignment_id"], answered["respondent_id"]) == (
        assignment_id,
        api.acme.members["sam"],
    )
    assert api.topics()[-1] == "survey.answered"
    assert (await api.get("/me/surveys", "sam")).json() == []
    assert len((await api.get("/me/surveys", "maria")).json()) == 1
    with api.unchanged():
        again = await api.post(
            f"/survey-assignments/{assignment_id}/responses", "sam", json={"answers": GOOD}
        )
    assert again.status_code == 409
    assert again.json()["detail"] == "You already answered this survey for this connection."


async def test_optional_questions_may_be_left_out_or_null(api: Api) -> None:
    connection_id = await api.connection("maria", "sam")
    assignment_id = await api.assignment(connection_id)
    answers = {"mood": 2, "pace": "slow", "topics": ["code"], "notes": None}
    response = await api.post(
        f"/survey-assignments/{assignment_id}/responses", "maria", json={"answers": answers}
    )
    assert response.status_code == 201
    assert "notes" not in response.json()["answers"]


@pytest.mark.parametrize(
    ("answers", "detail"),
    [
        ({**GOOD, "mood": 9}, "takes a whole number from 1 to 5"),
        ({**GOOD, "mood": True}, "got `bool`"),
        ({**GOOD, "mood": "4"}, "takes a whole number from 1 to 5"),
        ({**GOOD, "pace": "warp"}, "takes one of: slow, right, fast"),
        ({**GOOD, "topics": ["code", "cooking"]}, "has no option 'cooking'"),
        ({**GOOD, "topics": "code"}, "takes a non-empty list of options"),
        ({**GOOD, "topics": {"a": 1}}, "Expected `int | str | array | null`, got `object`"),
        ({k: v for k, v in GOOD.items() if k != "pace"}, "'Pace?' needs an answer"),
        ({**GOOD, "extra": "x"}, "This survey has no question 'extra'"),
        ({**GOOD, "notes": "x" * 3001}, "length <= 3000"),
        ({f"q{n}": 1 for n in range(51)}, "length <= 50"),
    ],
)
async def test_bad_answers_are_422(api: Api, answers: dict[str, object], detail: str) -> None:
    connection_id = await api.connection("maria", "sam")
    assignment_id = await api.assignment(connection_id)
    with api.unchanged():
        response = await api.post(
            f"/survey-assignments/{assignment_id}/responses", "sam", json={"answers": answers}
        )
    assert response.status_code == 422
    assert detail in response.json()["detail"]


async def test_responses_come_only_from_the_connections_participants(api: Api) -> None:
    connection_id = await api.connection("maria", "sam")
    assignment_id = await api.assignment(connection_id)
    theirs = await api.assignment(
        await api.connection("maria", "sam", org=api.globex), org=api.globex
    )
    for who, target, status in [
        ("otto", assignment_id, 403),
        ("outsider", assignment_id, 403),
        ("admin", assignment_id, 403),
        ("sam", theirs, 404),
        ("sam", "unknown", 404),
    ]:
        with api.unchanged():
            response = await api.post(
                f"/survey-assignments/{target}/responses", who, json={"answers": GOOD}
            )
        assert response.status_code == status, (who, response.text)
