"""Inside a connection: messages and tasks, for its participants only."""

from __future__ import annotations

import asyncio

import pytest

from tests.http.conftest import Api


async def test_participant_sends_a_message_the_partner_reads(api: Api) -> None:
    connection_id = await api.connection("maria", "sam")
    response = await api.post(
        f"/connections/{connection_id}/messages", "sam", json={"body": "  Hello!  "}
    )
    assert response.status_code == 201
    message = response.json()
    assert (message["body"], message["author_id"]) == ("Hello!", api.acme.members["sam"])
    assert message["sent_at"] == "2026-03-02T09:00:00Z"
    assert api.topics()[-1] == "connection.message_sent"
    card = (await api.get("/me/connections", "maria")).json()["connections"][0]
    assert card["latest_messages"] == [message]


async def test_connection_area_keeps_only_the_latest_messages(api: Api) -> None:
    connection_id = await api.connection("maria", "sam")
    for n in range(4):
        await api.post(f"/connections/{connection_id}/messages", "sam", json={"body": f"m{n}"})
        api.clock.advance(seconds=1)
    area = await api.get("/me/connections", "maria", params={"messages": 2})
    assert [m["body"] for m in area.json()["connections"][0]["latest_messages"]] == ["m2", "m3"]
    for bad in ("0", "101", "lots"):
        assert (
            await api.get("/me/connections", "maria", params={"messages": bad})
        ).status_code == 422


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"body": "   "}, "A message cannot be empty."),
        ({"body": ""}, "length >= 1"),
        ({"body": "x" * 4001}, "length <= 4000"),
        ({"text": "hi"}, "unknown field `text`"),
        ({"body": ["hi"]}, "Expected `str`, got `array`"),
    ],
)
async def test_invalid_message_is_422(api: Api, body: dict[str, object], detail: str) -> None:
    connection_id = await api.connection("maria", "sam")
    with api.unchanged():
        response = await api.post(f"/connections/{connection_id}/messages", "sam", json=body)
    assert response.status_code == 422
    assert detail in response.json()["detail"]


@pytest.mark.parametrize(
    ("who", "status", "detail"),
    [
        ("otto", 403, "Only the people in this connection can do that."),
        ("outsider", 403, "You are not a member of this program."),
        ("admin", 403, "You are not a member of this program."),
    ],
)
async def test_non_participants_cannot_work_in_a_connection(
    api: Api, who: str, status: int, detail: str
) -> None:
    connection_id = await api.connection("maria", "sam")
    task = await api.post(f"/connections/{connection_id}/tasks", "sam", json={"title": "Read"})
    with api.unchanged():
        responses = [
            await api.post(f"/connections/{connection_id}/messages", who, json={"body": "hi"}),
            await api.post(f"/connections/{connection_id}/tasks", who, json={"title": "Sneaky"}),
            await api.post(f"/connections/{connection_id}/tasks/{task.json()['id']}/complete", who),
            await api.post(
                f"/connections/{connection_id}/meetings",
                who,
                json={"invitee_id": api.acme.members["sam"], "slots": [api.slot(24)]},
            ),
        ]
    for response in responses:
        assert response.status_code == status
        assert response.json() == {"error": "not_allowed", "detail": detail}


async def test_connections_of_another_organization_or_unknown_are_404(api: Api) -> None:
    theirs = await api.connection("maria", "sam", org=api.globex)
    for connection_id in (theirs, "unknown"):
        with api.unchanged():
            message = await api.post(
                f"/connections/{connection_id}/messages", "sam", json={"body": "hi"}
            )
            task = await api.post(f"/connections/{connection_id}/tasks", "sam", json={"title": "t"})
            done = await api.post(f"/connections/{connection_id}/tasks/x/complete", "sam")
        assert (message.status_code, task.status_code, done.status_code) == (404, 404, 404)
        assert message.json() == {"error": "not_found", "detail": "No such connection."}


async def test_task_lifecycle_is_visible_in_the_connection_area(api: Api) -> None:
    connection_id = await api.connection("maria", "sam")
    body = {
        "title": " Read chapter 3 ",
        "assignee_id": api.acme.members["sam"],
        "due": "2026-03-09T17:00:00+01:00",
    }
    response = await api.post(f"/connections/{connection_id}/tasks", "maria", json=body)
    assert response.status_code == 201
    task = response.json()
    assert (task["title"], task["status"], task["due"]) == (
        "Read chapter 3",
        "open",
        "2026-03-09T16:00:00Z",
    )
    card = (await api.get("/me/connections", "sam")).json()["connections"][0]
    assert (card["open_tasks"], card["done_tasks"]) == ([task], [])

    api.clock.advance(hours=2)
    done = await api.post(f"/connections/{connection_id}/tasks/{task['id']}/complete", "sam")
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["completed_at"]) == ("done", "2026-03-02T11:00:00Z")
    assert api.topics()[-2:] == ["connection.task_added", "connection.task_completed"]
    card = (await api.get("/me/connections", "maria")).json()["connections"][0]
    assert (card["open_tasks"], card["done_tasks"]) == ([], [done.json()])

    with api.unchanged():
        again = await api.post(f"/connections/{connection_id}/tasks/{task['id']}/complete", "maria")
        unknown = await api.post(f"/connections/{connection_id}/tasks/nope/complete", "maria")
    assert again.status_code == 409
    assert again.json() == {
        "error": "illegal_transition",
        "detail": "Task 'Read chapter 3' is already done.",
    }
    assert unknown.status_code == 404
    assert unknown.json()["detail"] == "No such task in this connection."


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"title": "t", "due": "2026-03-09T17:00:00"}, "timezone"),
        ({"title": "t", "due": "next week"}, "datetime"),
        ({"title": "t", "assignee_id": "OTTO"}, "only be assigned to someone in the connection"),
        ({"title": "x" * 201}, "length <= 200"),
        ({"title": "   "}, "A task title has 1 to 200 characters."),
        ({}, "title"),
    ],
)
async def test_invalid_task_is_422(api: Api, body: dict[str, object], detail: str) -> None:
    connection_id = await api.connection("maria", "sam")
    if body.get("assignee_id") == "OTTO":
        body = {**body, "assignee_id": api.acme.members["otto"]}
    with api.unchanged():
        response = await api.post(f"/connections/{connection_id}/tasks", "maria", json=body)
    assert response.status_code == 422
    assert detail in response.json()["detail"]


async def test_the_message_history_pages_newest_first_for_participants_only(api: Api) -> None:
    connection_id = await api.connection("maria", "sam")
    path = f"/connections/{connection_id}/messages"
    for n in range(5):
        sent = await api.post(path, "sam" if n % 2 else "maria", json={"body": f"m{n}"})
        assert sent.status_code == 201, sent.text
        api.clock.advance(seconds=1)
    first = (await api.get(path, "sam", params={"limit": 2})).json()
    assert [m["body"] for m in first] == ["m4", "m3"]
    cursor = {"before": first[-1]["sent_at"], "before_id": first[-1]["id"]}
    rest = (await api.get(path, "maria", params=cursor)).json()
    assert [m["body"] for m in rest] == ["m2", "m1", "m0"]
    assert (await api.get(path, "otto")).status_code == 403  # not in this connection
    assert (await api.get(path, "sam", org=api.globex)).status_code == 404
    for params, detail in (
        ({"limit": 0}, "limit"),
        ({"limit": 201}, "limit"),
        ({"before": "yesterday"}, "before"),
        ({"before": "2027-01-10T15:00:00"}, "time zone"),
        ({"before_id": first[-1]["id"]}, "goes with `before`"),
    ):
        response = await api.get(path, "sam", params=params)
        assert response.status_code == 422, params
        assert detail in response.json()["detail"], response.text


async def test_partners_writing_at_the_same_moment_both_get_their_message_in(api: Api) -> None:
    connection_id = await api.connection("maria", "sam")
    path = f"/connections/{connection_id}/messages"
    api.gate.barrier = asyncio.Barrier(2)  # both load the connection before either commits
    try:
        sent = await asyncio.gather(
            api.post(path, "sam", json={"body": "Hi Maria"}),
            api.post(path, "maria", json={"body": "Hi Sam"}),
        )
    finally:
        api.gate.barrier = None
    assert [r.status_code for r in sent] == [201, 201]
    history = (await api.get(path, "sam")).json()
    assert sorted(m["body"] for m in history) == ["Hi Maria", "Hi Sam"]
