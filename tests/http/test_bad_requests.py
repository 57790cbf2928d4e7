"""422 for anything the API cannot read, JSON errors for unknown routes, and never a bare 500."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from adapters.http.app import build_app
from application.actors import Actor
from application.running import UseCaseRunner
from domain.ids import OrganizationId, UserId
from domain.people import Role
from tests.http.conftest import Api, HandClock

JSON = {"content-type": "application/json"}


@pytest.mark.parametrize(
    ("content", "detail"),
    [
        (b"{not json", "The body is not valid JSON: object keys must be strings (byte 1)."),
        (b'{"name": "P"', "The body is not valid JSON: it ends before the value is complete."),
        (b"", "The request needs a JSON body."),
        (b"[]", "Expected `object`, got `array`"),
        (b'"name"', "Expected `object`, got `str`"),
        (b"{}", "Object missing required field `name`"),
        (b'{"name": null}', "Expected `str`, got `null`"),
        (b'{"name": "P", "colour": "red"}', "Object contains unknown field `colour`"),
        (b"\xff\xfe", "The body is not valid JSON: invalid character (byte 0)."),
    ],
)
async def test_unreadable_bodies_are_422(api: Api, content: bytes, detail: str) -> None:
    with api.unchanged():
        response = await api.post("/programs", "admin", content=content, headers=JSON)
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_input"
    assert detail in response.json()["detail"]


async def test_field_errors_name_the_field(api: Api) -> None:
    connection_id = await api.connection("maria", "sam")
    body = {
        "invitee_id": api.acme.members["maria"],
        "slots": [api.slot(24), {"start": "2026-03-04T09:00:00"}],
    }
    with api.unchanged():
        response = await api.post(f"/connections/{connection_id}/meetings", "sam", json=body)
    assert response.status_code == 422
    assert response.json() == {
        "error": "invalid_input",
        "detail": "Expected `datetime` with a timezone component - at body field 'slots[1].start'.",
    }


async def test_oversized_body_is_refused(api: Api) -> None:
    with api.unchanged():
        response = await api.post(
            "/programs", "admin", content=b'{"name": "' + b"x" * 1_100_000 + b'"}', headers=JSON
        )
    assert response.status_code == 413
    assert response.json()["error"] == "too_large"


async def test_unknown_route_and_wrong_method_answer_in_json(api: Api) -> None:
    missing = await api.get("/nothing-here", "admin")
    assert missing.status_code == 404
    assert missing.json() == {
        "error": "not_found",
        "detail": "There is no route GET /api/v1/nothing-here.",
    }
    outside = await api.client.get("/favicon.ico")
    assert (outside.status_code, outside.json()["error"]) == (404, "not_found")
    wrong = await api.call("DELETE", "/programs", "admin")
    assert wrong.status_code == 405
    assert wrong.json()["error"] == "method_not_allowed"


async def test_query_parameters_are_validated(api: Api) -> None:
    path = f"/programs/{api.acme.program_id}/recommended-mentors"
    for value in ("0", "51", "ten"):
        response = await api.get(path, "sam", params={"limit": value})
        assert response.status_code == 422
        assert "limit" in response.json()["detail"]


def _broken_database() -> Any:
    raise RuntimeError("database password is hunter2")


async def test_an_unexpected_error_is_a_json_500_that_reveals_nothing() -> None:
    actor = Actor(user_id=UserId("u"), organization_id=OrganizationId("o"), role=Role.MEMBER)

    async def authenticate(secret: str) -> Actor | None:
        return actor if secret == "good" else None

    app = build_app(runner=UseCaseRunner(_broken_database, HandClock()), authenticate=authenticate)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get("/api/v1/me", headers={"Authorization": "Bearer good"})
    assert response.status_code == 500
    assert response.json() == {"error": "internal", "detail": "Something went wrong on our side."}
    assert "hunter2" not in response.text


FAR = "9999-12-31T23:00:00-14:00"  # a valid ISO date-time whose UTC instant overflows


async def test_date_times_beyond_the_calendar_are_422_and_change_nothing(api: Api) -> None:
    connection_id = await api.connection("maria", "sam")
    survey_id = await api.survey()
    maria = api.acme.members["maria"]
    attempts = [
        (f"/connections/{connection_id}/tasks", "sam", {"title": "x", "due": FAR}),
        (
            f"/connections/{connection_id}/meetings",
            "sam",
            {"invitee_id": maria, "slots": [{"start": FAR}]},
        ),
        (
            f"/connections/{connection_id}/meetings",
            "sam",
            {"invitee_id": maria, "slots": [{"start": "9500-01-01T00:00:00Z", "minutes": 60}]},
        ),
        (
            f"/surveys/{survey_id}/assignments",
            "admin",
            {"connection_id": connection_id, "due": FAR},
        ),
    ]
    for path, who, body in attempts:
        with api.unchanged():
            response = await api.post(path, who, json=body)
        assert response.status_code == 422, (path, response.text)
        assert "before the year 9001" in response.json()["detail"]
    history = await api.get(
        f"/connections/{connection_id}/messages", "sam", params={"before": FAR}
    )
    assert history.status_code == 422
    assert history.json()["detail"] == "`before` is out of range."
