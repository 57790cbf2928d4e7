"""Meeting proposals over HTTP: propose slots, the invitee picks one or declines, cancel."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.http.conftest import Api


async def test_proposal_shows_up_for_the_invitee_with_its_slots(api: Api) -> None:
    connection_id = await api.connection("maria", "sam")
    meeting = await api.meeting(connection_id, organizer="sam", invitee="maria")
    assert (meeting["status"], meeting["title"], meeting["accepted_slot"]) == (
        "pending",
        "First chat",
        None,
    )
    assert [s["start"] for s in meeting["slots"]] == [
        "2026-03-03T09:00:00Z",
        "2026-03-04T09:00:00Z",
        "2026-03-05T09:00:00Z",
    ]
    assert meeting["slots"][0]["end"] == "2026-03-03T09:30:00Z"
    assert api.topics()[-1] == "meeting.proposed"
    card = (await api.get("/me/connections", "maria")).json()["connections"][0]
    assert card["pending_meetings"] == [meeting]
    assert card["next_meeting"] is None


async def test_invitee_accepts_a_slot_given_in_any_offset(api: Api) -> None:
    connection_id = await api.connection("maria", "sam")
    meeting = await api.meeting(connection_id, organizer="sam", invitee="maria")
    choice = {"slot_start": "2026-03-04T10:00:00+01:00"}  # the second slot, written in CET
    response = await api.post(f"/meetings/{meeting['id']}/accept", "maria", json=choice)
    assert response.status_code == 200
    accepted = response.json()
    assert accepted["status"] == "accepted"
    assert accepted["accepted_slot"] == meeting["slots"][1]
    assert api.topics()[-1] == "meeting.accepted"
    card = (await api.get("/me/connections", "sam")).json()["connections"][0]
    assert card["next_meeting"] == accepted
    assert card["pending_meetings"] == []


async def test_accepting_refusals(api: Api) -> None:
    connection_id = await api.connection("maria", "sam")
    meeting = await api.meeting(connection_id, organizer="sam", invitee="maria")
    path = f"/meetings/{meeting['id']}/accept"
    first = {"slot_start": meeting["slots"][0]["start"]}
    cases = [
        ("sam", first, 403, "Only the person invited to this meeting can answer it."),
        ("otto", first, 403, "Only the people in this connection can do that."),
        ("maria", {"slot_start": "2026-03-03T10:00:00Z"}, 422, "not one of the proposed slots"),
        ("maria", {"slot_start": "2026-03-03T09:00:00"}, 422, "timezone"),
        ("maria", {"slot": first["slot_start"]}, 422, "unknown field `slot`"),
        ("maria", {}, 422, "slot_start"),
    ]
    for who, body, status, detail in cases:
        with api.unchanged():
            response = await api.post(path, who, json=body)
        assert response.status_code == status, (who, body, response.text)
        assert detail in response.json()["detail"]


async def test_a_slot_that_has_started_cannot_be_picked(api: Api) -> None:
    connection_id = await api.connection("maria", "sam")
    meeting = await api.meeting(connection_id, organizer="sam", invitee="maria")
    api.clock.advance(hours=25)
    with api.unchanged():
        response = await api.post(
            f"/meetings/{meeting['id']}/accept",
            "maria",
            json={"slot_start": meeting["slots"][0]["start"]},
        )
    assert response.status_code == 409
    assert response.json()["detail"] == "That slot has already started; pick a later one."


async def test_answered_meetings_stay_answered(api: Api) -> None:
    connection_id = await api.connection("maria", "sam")
    accepted = await api.meeting(connection_id, organizer="sam", invitee="maria")
    declined = await api.meeting(connection_id, organizer="maria", invitee="sam")
    slot = {"slot_start": accepted["slots"][0]["start"]}
    assert (
        await api.post(f"/meetings/{accepted['id']}/accept", "maria", json=slot)
    ).status_code == 200
    decline = await api.post(
        f"/meetings/{declined['id']}/decline", "sam", json={"reason": "Travelling"}
    )
    assert decline.status_code == 200
    assert (decline.json()["status"], decline.json()["decline_reason"]) == (
        "declined",
        "Travelling",
    )
    for meeting_id, action, body, state in [
        (accepted["id"], "accept", slot, "accepted"),
        (accepted["id"], "decline", {}, "accepted"),
        (declined["id"], "accept", {"slot_start": declined["slots"][0]["start"]}, "declined"),
        (declined["id"], "decline", {"reason": "again"}, "declined"),
    ]:
        invitee = "maria" if meeting_id == accepted["id"] else "sam"
        with api.unchanged():
            response = await api.post(f"/meetings/{meeting_id}/{action}", invitee, json=body)
        assert response.status_code == 409
        assert response.json() == {
            "error": "illegal_transition",
            "detail": f"This meeting was already {state}.",
        }


async def test_decline_needs_no_body_but_refuses_a_bad_one(api: Api) -> None:
    connection_id = await api.connection("maria", "sam")
    meeting = await api.meeting(connection_id, organizer="sam", invitee="maria")
    with api.unchanged():
        bad = await api.post(f"/meetings/{meeting['id']}/decline", "maria", json={"reason": 42})
        organizer = await api.post(f"/meetings/{meeting['id']}/decline", "sam")
    assert bad.status_code == 422
    assert organizer.status_code == 403
    response = await api.post(f"/meetings/{meeting['id']}/decline", "maria")
    assert (response.status_code, response.json()["status"]) == (200, "declined")


async def test_cancelling(api: Api) -> None:
    connection_id = await api.connection("maria", "sam")
    pending = await api.meeting(connection_id, organizer="sam", invitee="maria")
    with api.unchanged():
        invitee = await api.post(f"/meetings/{pending['id']}/cancel", "maria")
    assert invitee.status_code == 403
    assert invitee.json()["detail"] == "Only the person who proposed this meeting can cancel it."
    cancelled = await api.post(f"/meetings/{pending['id']}/cancel", "sam")
    assert (cancelled.status_code, cancelled.json()["status"]) == (200, "cancelled")
    assert api.topics()[-1] == "meeting.cancelled"
    with api.unchanged():
        again = await api.post(f"/meetings/{pending['id']}/cancel", "sam")
    assert again.status_code == 409

    accepted = await api.meeting(connection_id, organizer="sam", invitee="maria")
    slot = {"slot_start": accepted["slots"][0]["start"]}
    await api.post(f"/meetings/{accepted['id']}/accept", "maria", json=slot)
    by_invitee = await api.post(f"/meetings/{accepted['id']}/cancel", "maria")
    assert (by_invitee.status_code, by_invitee.json()["status"]) == (200, "cancelled")
    card = (await api.get("/me/connections", "sam")).json()["connections"][0]
    assert (card["next_meeting"], card["pending_meetings"]) == (None, [])


async def test_meetings_of_another_organization_or_unknown_are_404(api: Api) -> None:
    theirs_connection = await api.connection("maria", "sam", org=api.globex)
    theirs = await api.meeting(theirs_connection, organizer="sam", invitee="maria", org=api.globex)
    slot = {"slot_start": theirs["slots"][0]["start"]}
    for meeting_id in (theirs["id"], "unknown"):
        with api.unchanged():
            responses = [
                await api.post(f"/meetings/{meeting_id}/accept", "maria", json=slot),
                await api.post(f"/meetings/{meeting_id}/decline", "maria"),
                await api.post(f"/meetings/{meeting_id}/cancel", "sam"),
            ]
        assert [r.status_code for r in responses] == [404, 404, 404]
        assert responses[0].json() == {"error": "not_found", "detail": "No such meeting."}


def _slots(api: Api, count: int) -> list[dict[str, object]]:
    return [api.slot(24 * (n + 1)) for n in range(count)]


@pytest.mark.parametrize(
    ("change", "detail"),
    [
        ({"slots": "six"}, "length <= 5"),
        ({"slots": []}, "length >= 1"),
        ({"slots": [{"start": "2026-03-03T09:00:00", "minutes": 30}]}, "timezone"),
        ({"slots": [{"start": "2026-03-01T09:00:00Z", "minutes": 30}]}, "must start in the future"),
        ({"slots": [{"start": "2026-03-03T09:00:00Z", "minutes": 3}]}, "between 5 and 480 minutes"),
        ({"slots": [{"start": "2026-03-03T09:00:00Z", "minutes": "long"}]}, "Expected `int`"),
        ({"invitee_id": "OTTO"}, "only invite your partner"),
        ({"invitee_id": "SAM"}, "only invite your partner"),
        ({"title": "x" * 151}, "length <= 150"),
        ({"invitee_id": None}, "Expected `str`, got `null`"),
    ],
)
async def test_invalid_proposal_is_422(api: Api, change: dict[str, object], detail: str) -> None:
    connection_id = await api.connection("maria", "sam")
    body: dict[str, object] = {
        "invitee_id": api.acme.members["maria"],
        "title": "Chat",
        "slots": _slots(api, 2),
    }
    body |= change
    if body["slots"] == "six":
        body["slots"] = _slots(api, 6)
    if body["invitee_id"] in ("OTTO", "SAM"):
        body["invitee_id"] = api.acme.members[str(body["invitee_id"]).lower()]
    with api.unchanged():
        response = await api.post(f"/connections/{connection_id}/meetings", "sam", json=body)
    assert response.status_code == 422, response.text
    assert detail in response.json()["detail"]


async def test_five_slots_are_fine_and_duplicates_collapse(api: Api) -> None:
    connection_id = await api.connection("maria", "sam")
    slots = _slots(api, 5)
    body = {"invitee_id": api.acme.members["maria"], "slots": [*slots, slots[0]]}
    response = await api.post(f"/connections/{connection_id}/meetings", "sam", json=body)
    assert response.status_code == 422  # six entries is over the limit even with a duplicate
    body = {"invitee_id": api.acme.members["maria"], "slots": [slots[1], slots[0], slots[1]]}
    response = await api.post(f"/connections/{connection_id}/meetings", "sam", json=body)
    assert response.status_code == 201
    starts = [datetime.fromisoformat(s["start"]) for s in response.json()["slots"]]
    assert starts == [datetime.fromisoformat(str(s["start"])) for s in slots[:2]]
    assert response.json()["title"] == "Mentoring session"
