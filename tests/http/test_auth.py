"""401: every /api/v1 route wants a valid bearer token, checked before anything else."""

from __future__ import annotations

import pytest

from tests.http.conftest import Api


def _assert_unauthorized(response_json: dict[str, str], challenge: str, expected: str) -> None:
    assert response_json["error"] == "unauthorized"
    assert challenge.startswith("Bearer")
    assert expected in response_json["detail"]


async def test_missing_token_is_401_with_a_bearer_challenge(api: Api) -> None:
    with api.unchanged():
        response = await api.get("/me")
    assert response.status_code == 401
    _assert_unauthorized(response.json(), response.headers["www-authenticate"], "Bearer <token>")


@pytest.mark.parametrize(
    "header",
    ["Basic dXNlcjpwYXNz", "Bearer", "Bearer   ", "Token abc", "Bearer two words", "ml_no_scheme"],
)
async def test_malformed_authorization_header_is_401(api: Api, header: str) -> None:
    with api.unchanged():
        response = await api.get("/me", headers={"Authorization": header})
    assert response.status_code == 401
    _assert_unauthorized(
        response.json(), response.headers["www-authenticate"], "must be 'Bearer <token>'"
    )


async def test_overlong_token_is_401(api: Api) -> None:
    response = await api.get("/me", headers={"Authorization": "Bearer " + "x" * 5000})
    assert response.status_code == 401


async def test_unknown_token_is_401_and_never_echoed(api: Api) -> None:
    secret = "ml_not-a-real-token"
    with api.unchanged():
        response = await api.get("/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["www-authenticate"]
    _assert_unauthorized(response.json(), response.headers["www-authenticate"], "unknown")
    assert secret not in response.text


async def test_scheme_is_case_insensitive(api: Api) -> None:
    token = api.acme.tokens["sam"]
    response = await api.get("/me", headers={"Authorization": f"bearer {token}"})
    assert response.status_code == 200


async def test_auth_comes_before_body_validation(api: Api) -> None:
    """A request with no token and a broken body is refused as unauthenticated, not invalid."""
    with api.unchanged():
        response = await api.post(
            "/programs", content=b"{not json", headers={"content-type": "application/json"}
        )
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PUT", "/organizations/x/slack"),
        ("POST", "/maintenance/expire"),
        ("POST", "/programs"),
        ("GET", "/programs"),
        ("PUT", "/programs/x/slack"),
        ("POST", "/programs/x/members"),
        ("GET", "/programs/x/members"),
        ("POST", "/programs/x/connections"),
        ("POST", "/programs/x/surveys"),
        ("GET", "/programs/x/recommended-mentors"),
        ("POST", "/surveys/x/assignments"),
        ("POST", "/mentor-requests"),
        ("POST", "/mentor-requests/x/accept"),
        ("POST", "/mentor-requests/x/decline"),
        ("POST", "/mentor-requests/x/withdraw"),
        ("POST", "/connections/x/messages"),
        ("GET", "/connections/x/messages"),
        ("POST", "/connections/x/tasks"),
        ("POST", "/connections/x/tasks/y/complete"),
        ("POST", "/connections/x/meetings"),
        ("POST", "/meetings/x/accept"),
        ("POST", "/meetings/x/decline"),
        ("POST", "/meetings/x/cancel"),
        ("POST", "/survey-assignments/x/responses"),
        ("GET", "/me"),
        ("GET", "/me/connections"),
        ("GET", "/me/mentor-requests"),
        ("GET", "/me/surveys"),
        ("GET", "/me/tokens"),
        ("DELETE", "/tokens/x"),
    ],
)
async def test_every_api_route_requires_a_token(api: Api, method: str, path: str) -> None:
    with api.unchanged():
        response = await api.call(method, path, json={})
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
