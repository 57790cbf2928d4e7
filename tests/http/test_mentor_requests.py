"""Mentor requests over HTTP: sent by mentees, answered only by the addressed mentor."""

from __future__ import annotations

import asyncio

import pytest

from tests.http.conftest import Api


async def test_mentee_sends_a_request_both_sides_see_it(api: Api) -> None:
    body = {
        "program_id": api.acme.program_id,
        "mentor_id": api.acme.members["maria"],
        "note": " Teach me ",
    }
    response = await api.post("/mentor-requests", "sam", json=body)
    assert response.status_code == 201
    request = response.json()
    assert (request["status"], request["note"], request["mentee_id"]) == (
        "pending",
        "Teach me",
        api.acme.members["sam"],
    )
    assert request["expires_at"] == "2026-03-16T09:00:00Z"
    assert request["decided_at"] is None
    assert request["connection_id"] is None
    assert api.topics() == ["mentor_request.sent"]
    sent = (await api.get("/me/mentor-requests", "sam")).json()
    received = (await api.get("/me/mentor-requests", "maria")).json()
    assert sent["received"] == []
    assert received["sent"] == []
    assert sent["sent"] == received["received"]
    listing = sent["sent"][0]
    assert listing["request"] == request
    assert (listing["mentee"]["name"], listing["mentor"]["name"]) == ("Sam", "Maria")


@pytest.mark.parametrize(
    ("who", "mentor", "program", "note", "status", "detail"),
    [
        ("maria", "otto", "acme", "", 422, "Only mentees can ask"),
        ("sam", "tess", "acme", "", 422, "not a mentor in this program"),
        ("outsider", "maria", "acme", "", 403, "not a member of this program"),
        ("admin", "maria", "acme", "", 403, "not a member of this program"),
        ("sam", "maria", "globex", "", 404, "No such program"),
        ("sam", "maria", "unknown", "", 404, "No such program"),
        ("sam", "nobody", "acme", "", 404, "No such member"),
        ("sam", "maria", "acme", "x" * 1001, 422, "length <= 1000"),
    ],
)
async def test_send_refusals(
    api: Api, who: str, mentor: str, program: str, note: str, status: int, detail: str
) -> None:
    program_id = {"acme": api.acme.program_id, "globex": api.globex.program_id}.get(
        program, program
    )
    body = {
        "program_id": program_id,
        "mentor_id": api.acme.members.get(mentor, mentor),
        "note": note,
    }
    with api.unchanged():
        response = await api.post("/mentor-requests", who, json=body)
    assert response.status_code == status, response.text
    assert detail in response.json()["detail"]


async def test_a_second_pending_request_to_the_same_mentor_is_409(api: Api) -> None:
    await api.mentor_request("sam", "maria")
    with api.unchanged():
        response = await api.post(
            "/mentor-requests",
            "sam",
            json={"program_id": api.acme.program_id, "mentor_id": api.acme.members["maria"]},
        )
    assert response.status_code == 409
    assert response.json() == {
        "error": "illegal_transition",
        "detail": "You already have a pending request with Maria.",
    }


async def test_addressed_mentor_accepts_and_a_connection_appears(api: Api) -> None:
    request_id = await api.mentor_request("sam", "maria")
    response = await api.post(f"/mentor-requests/{request_id}/accept", "maria")
    assert response.status_code == 200
    connection = response.json()
    assert (connection["mentor_ids"], connection["mentee_ids"]) == (
        [api.acme.members["maria"]],
        [api.acme.members["sam"]],
    )
    assert api.topics()[-2:] == ["mentor_request.accepted", "connection.published"]
    assert (await api.get("/me/mentor-requests", "maria")).json()["received"] == []
    area = (await api.get("/me/connections", "sam")).json()["connections"]
    assert [(c["id"], c["my_role"], c["partners"][0]["name"]) for c in area] == [
        (connection["id"], "mentee", "Maria")
    ]


@pytest.mark.parametrize(
    ("who", "status"), [("otto", 403), ("sam", 403), ("outsider", 403), ("admin", 403)]
)
async def test_only_the_addressed_mentor_answers(api: Api, who: str, status: int) -> None:
    request_id = await api.mentor_request("sam", "maria")
    with api.unchanged():
        accept = await api.post(f"/mentor-requests/{request_id}/accept", who)
        decline = await api.post(
            f"/mentor-requests/{request_id}/decline", who, json={"reason": "no"}
        )
    assert (accept.status_code, decline.status_code) == (status, status)
    assert accept.json()["error"] == "not_allowed"


async def test_answered_requests_stay_answered(api: Api) -> None:
    accepted = await api.mentor_request("sam", "maria")
    assert (await api.post(f"/mentor-requests/{accepted}/accept", "maria")).status_code == 200
    declined = await api.mentor_request("tess", "maria")
    decline = await api.post(
        f"/mentor-requests/{declined}/decline", "maria", json={"reason": " Full up "}
    )
    assert decline.status_code == 200
    assert (decline.json()["status"], decline.json()["decline_reason"]) == ("declined", "Full up")
    withdrawn = await api.mentor_request("tess", "otto")
    withdraw = await api.post(f"/mentor-requests/{withdrawn}/withdraw", "tess")
    assert (withdraw.status_code, withdraw.json()["status"]) == (200, "withdrawn")
    for request_id, who, action, state in [
        (accepted, "maria", "accept", "accepted"),
        (accepted, "maria", "decline", "accepted"),
        (declined, "maria", "accept", "declined"),
        (withdrawn, "otto", "accept", "withdrawn"),
        (withdrawn, "tess", "withdraw", "withdrawn"),
    ]:
        with api.unchanged():
            response = await api.post(f"/mentor-requests/{request_id}/{action}", who)
        assert response.status_code == 409, (action, state)
        assert response.json() == {
            "error": "illegal_transition",
            "detail": f"This request was already {state}.",
        }


async def test_decline_without_a_body_and_with_a_bad_one(api: Api) -> None:
    request_id = await api.mentor_request("sam", "maria")
    with api.unchanged():
        too_long = await api.post(
            f"/mentor-requests/{request_id}/decline", "maria", json={"reason": "x" * 1001}
        )
        wrong = await api.post(
            f"/mentor-requests/{request_id}/decline", "maria", json={"why": "busy"}
        )
    assert (too_long.status_code, wrong.status_code) == (422, 422)
    assert "unknown field `why`" in wrong.json()["detail"]
    response = await api.post(f"/mentor-requests/{request_id}/decline", "maria")
    assert (response.status_code, response.json()["decline_reason"]) == (200, "")


async def test_only_the_mentee_withdraws(api: Api) -> None:
    request_id = await api.mentor_request("sam", "maria")
    with api.unchanged():
        response = await api.post(f"/mentor-requests/{request_id}/withdraw", "maria")
    assert response.status_code == 403
    assert response.json()["detail"] == "Only the mentee who sent this request can withdraw it."


async def test_requests_of_another_organization_or_unknown_are_404(api: Api) -> None:
    theirs = await api.mentor_request("sam", "maria", org=api.globex)
    for action in ("accept", "decline", "withdraw"):
        with api.unchanged():
            other = await api.post(f"/mentor-requests/{theirs}/{action}", "maria")
            unknown = await api.post(f"/mentor-requests/unknown/{action}", "maria")
        assert (other.status_code, unknown.status_code) == (404, 404)
        assert other.json() == {"error": "not_found", "detail": "No such mentor request."}


async def test_two_simultaneous_accepts_one_wins_one_conflicts(api: Api) -> None:
    request_id = await api.mentor_request("sam", "maria")
    outbox_before = len(api.store.outbox)
    api.gate.barrier = asyncio.Barrier(2)  # both load the pending request before either commits
    async with asyncio.timeout(5):
        first, second = await asyncio.gather(
            api.post(f"/mentor-requests/{request_id}/accept", "maria"),
            api.post(f"/mentor-requests/{request_id}/accept", "maria"),
        )
    api.gate.barrier = None
    assert sorted([first.status_code, second.status_code]) == [200, 409]
    loser = first if first.status_code == 409 else second
    assert loser.json()["error"] == "concurrency_conflict"
    assert "Someone else changed this" in loser.json()["detail"]
    assert len(api.store.tables["connections"]) == 1
    assert [m.topic for m in api.store.outbox[outbox_before:]] == [
        "mentor_request.accepted",
        "connection.published",
    ]


async def test_accept_racing_a_decline_leaves_exactly_one_outcome(api: Api) -> None:
    request_id = await api.mentor_request("sam", "maria")
    api.gate.barrier = asyncio.Barrier(2)
    async with asyncio.timeout(5):
        accept, decline = await asyncio.gather(
            api.post(f"/mentor-requests/{request_id}/accept", "maria"),
            api.post(f"/mentor-requests/{request_id}/decline", "maria", json={"reason": "oops"}),
        )
    api.gate.barrier = None
    assert sorted([accept.status_code, decline.status_code]) == [200, 409]
    stored = api.store.tables["mentor_requests"][request_id][1]["status"]
    assert stored == ("accepted" if accept.status_code == 200 else "declined")
    assert len(api.store.tables.get("connections", {})) == (1 if stored == "accepted" else 0)
