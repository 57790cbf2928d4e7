"""404: ids of another organization behave exactly like ids that do not exist."""

from __future__ import annotations

from typing import Any

import pytest

from tests.http.conftest import QUESTIONS, Api


async def _their_subjects(api: Api) -> dict[str, str]:
    globex = api.globex
    connection = await api.connection("maria", "sam", org=globex)
    task = await api.post(
        f"/connections/{connection}/tasks", "sam", org=globex, json={"title": "t"}
    )
    meeting = await api.meeting(connection, organizer="sam", invitee="maria", org=globex)
    return {
        "organization": globex.id,
        "program": globex.program_id,
        "request": await api.mentor_request("tess", "maria", org=globex),
        "connection": connection,
        "task": task.json()["id"],
        "meeting": meeting["id"],
        "survey": await api.survey(org=globex),
        "assignment": await api.assignment(connection, org=globex),
        "slot": meeting["slots"][0]["start"],
        "mentor": globex.members["maria"],
        "mentee": globex.members["sam"],
    }


ROUTES: list[tuple[str, str, str, Any]] = [
    # (who in Acme, method, path template, body template)
    ("support", "PUT", "/organizations/{organization}/slack", {"enabled": True}),
    ("admin", "PUT", "/programs/{program}/slack", {"opted_in": False}),
    (
        "admin",
        "POST",
        "/programs/{program}/members",
        {"email": "x@acme.example", "name": "X", "roles": ["mentor"]},
    ),
    ("admin", "GET", "/programs/{program}/members", None),
    (
        "admin",
        "POST",
        "/programs/{program}/connections",
        {"mentor_ids": ["{mentor}"], "mentee_ids": ["{mentee}"]},
    ),
    ("admin", "POST", "/programs/{program}/surveys", {"title": "T", "questions": QUESTIONS}),
    ("sam", "GET", "/programs/{program}/recommended-mentors", None),
    ("admin", "POST", "/surveys/{survey}/assignments", {"connection_id": "{connection}"}),
    ("sam", "POST", "/mentor-requests", {"program_id": "{program}", "mentor_id": "{mentor}"}),
    ("maria", "POST", "/mentor-requests/{request}/accept", None),
    ("maria", "POST", "/mentor-requests/{request}/decline", {"reason": "no"}),
    ("tess", "POST", "/mentor-requests/{request}/withdraw", None),
    ("sam", "POST", "/connections/{connection}/messages", {"body": "hi"}),
    ("sam", "POST", "/connections/{connection}/tasks", {"title": "t"}),
    ("sam", "POST", "/connections/{connection}/tasks/{task}/complete", None),
    (
        "sam",
        "POST",
        "/connections/{connection}/meetings",
        {"invitee_id": "{mentor}", "slots": [{"start": "{slot}"}]},
    ),
    ("maria", "POST", "/meetings/{meeting}/accept", {"slot_start": "{slot}"}),
    ("maria", "POST", "/meetings/{meeting}/decline", None),
    ("sam", "POST", "/meetings/{meeting}/cancel", None),
    ("sam", "POST", "/survey-assignments/{assignment}/responses", {"answers": {"mood": 3}}),
]


def _fill(template: Any, ids: dict[str, str]) -> Any:
    if isinstance(template, str):
        return template.format(**ids)
    if isinstance(template, list):
        return [_fill(item, ids) for item in template]
    if isinstance(template, dict):
        return {key: _fill(value, ids) for key, value in template.items()}
    return template


@pytest.mark.parametrize(
    ("who", "method", "path", "body"), ROUTES, ids=[f"{m} {p}" for _, m, p, _ in ROUTES]
)
async def test_another_organizations_ids_are_not_found(
    api: Api, who: str, method: str, path: str, body: Any
) -> None:
    ids = await _their_subjects(api)
    with api.unchanged():
        response = await api.call(method, _fill(path, ids), who, json=_fill(body, ids))
    assert response.status_code == 404, response.text
    assert response.json()["error"] == "not_found"
    assert "Maria" not in response.text
    assert "Globex" not in response.text


@pytest.mark.parametrize(
    ("who", "method", "path", "body"), ROUTES, ids=[f"{m} {p}" for _, m, p, _ in ROUTES]
)
async def test_unknown_ids_are_not_found(
    api: Api, who: str, method: str, path: str, body: Any
) -> None:
    ids = await _their_subjects(api)
    unknown = {key: ("2026-03-03T09:00:00Z" if key == "slot" else "does-not-exist") for key in ids}
    # keep the caller's own program where the route needs one to reach the unknown subject
    with api.unchanged():
        response = await api.call(method, _fill(path, unknown), who, json=_fill(body, unknown))
    assert response.status_code == 404, response.text
    assert response.json()["error"] == "not_found"


async def test_another_organizations_members_are_never_named_in_my_program(api: Api) -> None:
    ids = await _their_subjects(api)
    own = api.acme.program_id
    with api.unchanged():
        match = await api.post(
            f"/programs/{own}/connections",
            "admin",
            json={"mentor_ids": [ids["mentor"]], "mentee_ids": [api.acme.members["sam"]]},
        )
        request = await api.post(
            "/mentor-requests", "sam", json={"program_id": own, "mentor_id": ids["mentor"]}
        )
    assert match.status_code == 404
    # the use case answers "not a mentor in this program" (422) here: refused, and unnamed
    assert request.status_code in (404, 422)
    for response in (match, request):
        assert "Maria" not in response.text
