"""Recommended mentors for a mentee, ranked with a reason."""

from __future__ import annotations

from tests.http.conftest import Api


async def test_mentee_sees_ranked_mentors_and_asked_ones_drop_out(api: Api) -> None:
    path = f"/programs/{api.acme.program_id}/recommended-mentors"
    response = await api.get(path, "sam")
    assert response.status_code == 200
    ranked = response.json()
    assert [r["name"] for r in ranked] == ["Maria", "Otto"]
    assert ranked[0] == {
        "mentor_id": api.acme.members["maria"],
        "name": "Maria",
        "score": 3.3,
        "reason": "Can help with your goals: python; 3 open places.",
        "open_places": 3,
    }
    assert [r["name"] for r in (await api.get(path, "sam", params={"limit": 1})).json()] == [
        "Maria"
    ]
    await api.mentor_request("sam", "maria")
    assert [r["name"] for r in (await api.get(path, "sam")).json()] == ["Otto"]


async def test_recommendations_are_for_mentees_of_the_program(api: Api) -> None:
    path = f"/programs/{api.acme.program_id}/recommended-mentors"
    mentor = await api.get(path, "maria")
    assert mentor.status_code == 422
    assert mentor.json() == {"error": "invalid_input", "detail": "Recommendations are for mentees."}
    assert (await api.get(path, "outsider")).status_code == 403
    assert (
        await api.get(f"/programs/{api.globex.program_id}/recommended-mentors", "sam")
    ).status_code == 404
