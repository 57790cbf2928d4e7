"""Unauthenticated surfaces: the health check and the OpenAPI document."""

from __future__ import annotations

import httpx

from adapters.settings import Settings
from bootstrap import create_app
from tests.http.conftest import Api


async def test_healthz_needs_no_token(api: Api) -> None:
    response = await api.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_schema_documents_every_api_route_with_bearer_security(api: Api) -> None:
    response = await api.get("/schema/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "mentorlink"
    assert schema["info"]["version"] == "1"
    paths = schema["paths"]
    expected = {
        ("put", "/api/v1/organizations/{organization_id}/slack"),
        ("post", "/api/v1/maintenance/expire"),
        ("post", "/api/v1/programs"),
        ("get", "/api/v1/programs"),
        ("put", "/api/v1/programs/{program_id}/slack"),
        ("post", "/api/v1/programs/{program_id}/members"),
        ("get", "/api/v1/programs/{program_id}/members"),
        ("post", "/api/v1/programs/{program_id}/connections"),
        ("post", "/api/v1/programs/{program_id}/surveys"),
        ("get", "/api/v1/programs/{program_id}/recommended-mentors"),
        ("post", "/api/v1/surveys/{survey_id}/assignments"),
        ("post", "/api/v1/mentor-requests"),
        ("post", "/api/v1/mentor-requests/{request_id}/accept"),
        ("post", "/api/v1/mentor-requests/{request_id}/decline"),
        ("post", "/api/v1/mentor-requests/{request_id}/withdraw"),
        ("post", "/api/v1/connections/{connection_id}/messages"),
        ("post", "/api/v1/connections/{connection_id}/tasks"),
        ("post", "/api/v1/connections/{connection_id}/tasks/{task_id}/complete"),
        ("post", "/api/v1/connections/{connection_id}/meetings"),
        ("post", "/api/v1/meetings/{meeting_id}/accept"),
        ("post", "/api/v1/meetings/{meeting_id}/decline"),
        ("post", "/api/v1/meetings/{meeting_id}/cancel"),
        ("post", "/api/v1/survey-assignments/{assignment_id}/responses"),
        ("get", "/api/v1/me"),
        ("get", "/api/v1/me/connections"),
        ("get", "/api/v1/me/mentor-requests"),
        ("get", "/api/v1/me/surveys"),
    }
    documented = {(verb, path) for path, item in paths.items() for verb in item}
    assert expected <= documented
    assert schema["components"]["securitySchemes"]["BearerToken"]["scheme"] == "bearer"
    propose = paths["/api/v1/connections/{connection_id}/meetings"]["post"]
    assert propose["security"] == [{"BearerToken": []}]
    assert {"201", "401", "403", "404", "409", "422"} <= set(propose["responses"])
    assert "requestBody" in propose
    components = schema["components"]["schemas"]
    assert {"NewMeeting", "MeetingOut", "ErrorOut"} <= set(components)
    assert "security" not in paths["/healthz"]["get"]


async def test_schema_page_is_served(api: Api) -> None:
    response = await api.get("/schema")
    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]


async def test_the_composition_root_serves_the_api_without_any_override() -> None:
    app = create_app(Settings(database_url="memory://"))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        assert (await client.get("/healthz")).json() == {"status": "ok"}
        refused = await client.get("/api/v1/me", headers={"Authorization": "Bearer ml_unknown"})
    assert refused.status_code == 401
