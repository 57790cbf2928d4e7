"""Support staff: the organization's Slack switch and the expiry housekeeping."""

from __future__ import annotations

import pytest

from tests.http.conftest import Api


async def test_support_switches_slack_on_and_everyone_sees_it(api: Api) -> None:
    response = await api.put(
        f"/organizations/{api.acme.id}/slack", "support", json={"enabled": True}
    )
    assert response.status_code == 200
    assert response.json() == {"id": api.acme.id, "name": "Acme", "slack_enabled": True}
    assert api.topics()[-1] == "organization.slack_switched"
    me = (await api.get("/me", "sam")).json()
    assert me["organization"]["slack_enabled"] is True
    off = await api.put(f"/organizations/{api.acme.id}/slack", "support", json={"enabled": False})
    assert off.json()["slack_enabled"] is False


async def test_switching_to_the_current_state_is_409(api: Api) -> None:
    with api.unchanged():
        response = await api.put(
            f"/organizations/{api.acme.id}/slack", "support", json={"enabled": False}
        )
    assert response.status_code == 409
    assert response.json() == {
        "error": "illegal_transition",
        "detail": "Slack is already off for Acme.",
    }


@pytest.mark.parametrize(
    ("who", "target", "body", "status"),
    [
        ("admin", "acme", {"enabled": True}, 403),
        ("sam", "acme", {"enabled": True}, 403),
        ("support", "globex", {"enabled": True}, 404),
        ("support", "unknown", {"enabled": True}, 404),
        ("support", "acme", {"enabled": "maybe"}, 422),
        ("support", "acme", {}, 422),
    ],
)
async def test_slack_switch_refusals(
    api: Api, who: str, target: str, body: dict[str, object], status: int
) -> None:
    organization = {"acme": api.acme.id, "globex": api.globex.id}.get(target, target)
    with api.unchanged():
        response = await api.put(f"/organizations/{organization}/slack", who, json=body)
    assert response.status_code == status, response.text


async def test_expiry_ends_overdue_requests_and_meetings(api: Api) -> None:
    request_id = await api.mentor_request("sam", "maria")
    connection_id = await api.connection("otto", "tess")
    meeting = await api.meeting(connection_id, organizer="tess", invitee="otto")
    nothing = await api.post("/maintenance/expire", "support")
    assert nothing.status_code == 200
    assert nothing.json() == {"requests": 0, "meetings": 0}

    api.clock.advance(days=15)
    response = await api.post("/maintenance/expire", "support")
    assert response.json() == {"requests": 1, "meetings": 1}
    assert {"mentor_request.expired", "meeting.expired"} <= set(api.topics())
    assert (await api.get("/me/mentor-requests", "sam")).json() == {"sent": [], "received": []}
    area = (await api.get("/me/connections", "tess")).json()["connections"][0]
    assert area["pending_meetings"] == []
    with api.unchanged():
        late = await api.post(f"/mentor-requests/{request_id}/accept", "maria")
        too_late = await api.post(
            f"/meetings/{meeting['id']}/accept",
            "otto",
            json={"slot_start": meeting["slots"][0]["start"]},
        )
    assert late.status_code == 409
    assert late.json()["detail"] == "This request was already expired."
    assert too_late.status_code == 409


async def test_only_support_runs_expiry(api: Api) -> None:
    with api.unchanged():
        response = await api.post("/maintenance/expire", "admin")
    assert response.status_code == 403
    assert response.json()["detail"] == "Only support staff can do that."
