"""Whatever JSON a client sends to any route, the answer is a deliberate status, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.http.conftest import Api

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | st.sampled_from(
        [
            "2026-03-03T09:00:00Z",
            "2026-03-03T09:00:00",
            "9999-12-31T23:00:00-14:00",  # its UTC instant is past datetime's range
            "mentor",
            "rating",
            "",
        ]
    )
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=6) | st.dictionaries(st.text(max_size=10), inner, max_size=5)
    ),
    max_leaves=20,
)

# Every route that reads a body, with the field names it knows (so bodies come close to valid).
ROUTES: list[tuple[str, str, str, list[str]]] = [
    ("support", "PUT", "/organizations/{org}/slack", ["enabled"]),
    ("admin", "POST", "/programs", ["name", "mentees_per_mentor", "request_expiry_days"]),
    ("admin", "PUT", "/programs/{program}/slack", ["opted_in"]),
    (
        "admin",
        "POST",
        "/programs/{program}/members",
        ["email", "name", "roles", "expertise", "capacity"],
    ),
    ("admin", "POST", "/programs/{program}/connections", ["mentor_ids", "mentee_ids"]),
    ("admin", "POST", "/programs/{program}/surveys", ["title", "questions"]),
    ("admin", "POST", "/surveys/{survey}/assignments", ["connection_id", "due"]),
    ("sam", "POST", "/mentor-requests", ["program_id", "mentor_id", "note"]),
    ("maria", "POST", "/mentor-requests/{request}/decline", ["reason"]),
    ("sam", "POST", "/connections/{connection}/messages", ["body"]),
    ("sam", "POST", "/connections/{connection}/tasks", ["title", "assignee_id", "due"]),
    ("sam", "POST", "/connections/{connection}/meetings", ["invitee_id", "title", "slots"]),
    ("maria", "POST", "/meetings/{meeting}/accept", ["slot_start"]),
    ("maria", "POST", "/meetings/{meeting}/decline", ["reason"]),
    ("sam", "POST", "/survey-assignments/{assignment}/responses", ["answers"]),
]


@st.composite
def requests(draw: st.DrawFn) -> tuple[tuple[str, str, str, list[str]], Any]:
    route = draw(st.sampled_from(ROUTES))
    fields = route[3]
    near_valid = st.dictionaries(
        st.sampled_from([*fields, "mood", "start"]), JSON_VALUES, max_size=4
    )
    return route, draw(near_valid | JSON_VALUES)


@pytest.fixture
async def subjects(api: Api) -> dict[str, str]:
    connection = await api.connection("maria", "sam")
    meeting = await api.meeting(connection, organizer="sam", invitee="maria")
    return {
        "org": api.acme.id,
        "program": api.acme.program_id,
        "survey": await api.survey(),
        "request": await api.mentor_request("tess", "maria"),
        "connection": connection,
        "meeting": meeting["id"],
        "assignment": await api.assignment(connection),
    }


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(request=requests())
async def test_no_body_makes_the_api_fail(
    api: Api, subjects: dict[str, str], request: tuple[tuple[str, str, str, list[str]], Any]
) -> None:
    (who, method, template, _), body = request
    response = await api.call(method, template.format(**subjects), who, json=body)
    assert response.status_code < 500, (template, body, response.text)
    if response.status_code >= 400:
        assert set(response.json()) == {"error", "detail"}
