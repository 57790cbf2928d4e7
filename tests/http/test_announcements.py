"""POST /api/v1/programs/{id}/announcements: a program administrator tells the program's
members, mentors or mentees something; it is recorded for delivery and changes nothing else."""

from __future__ import annotations

import pytest

from tests.http.conftest import Api


@pytest.mark.parametrize("who", ["admin", "padmin"])
@pytest.mark.parametrize("audience", ["all", "mentors", "mentees"])
async def test_an_administrator_announces_to_an_audience(api: Api, who: str, audience: str) -> None:
    body = {"text": "  Kick-off on Monday at 10  ", "audience": audience}
    response = await api.post(f"/programs/{api.acme.program_id}/announcements", who, json=body)
    assert response.status_code == 201, response.text
    made = response.json()
    assert (made["text"], made["audience"], made["program_id"]) == (
        "Kick-off on Monday at 10",
        audience,
        api.acme.program_id,
    )
    assert api.topics() == ["program.announcement_made"]
    assert api.store.outbox[-1].payload["audience"] == audience


async def test_the_audience_defaults_to_everyone(api: Api) -> None:
    response = await api.post(
        f"/programs/{api.acme.program_id}/announcements", "admin", json={"text": "Hello all"}
    )
    assert (response.status_code, response.json()["audience"]) == (201, "all")


@pytest.mark.parametrize("who", ["sam", "maria"])
async def test_members_cannot_announce(api: Api, who: str) -> None:
    with api.unchanged():
        response = await api.post(
            f"/programs/{api.acme.program_id}/announcements", who, json={"text": "Hi"}
        )
    assert response.status_code == 403


@pytest.mark.parametrize(
    "body",
    [{"text": ""}, {"text": "   "}, {"text": "x" * 2001}, {"text": "Hi", "audience": "bots"}],
)
async def test_an_empty_too_long_or_misaddressed_announcement_is_refused(
    api: Api, body: dict[str, str]
) -> None:
    with api.unchanged():
        response = await api.post(
            f"/programs/{api.acme.program_id}/announcements", "admin", json=body
        )
    assert response.status_code == 422, response.text
