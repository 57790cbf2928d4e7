"""What callers read about themselves."""

from __future__ import annotations

from tests.http.conftest import Api


async def test_me_shows_user_organization_and_memberships(api: Api) -> None:
    response = await api.get("/me", "maria")
    assert response.status_code == 200
    assert response.json() == {
        "user": {
            "id": api.acme.users["maria"],
            "email": "maria@acme.example",
            "name": "Maria",
            "role": "member",
        },
        "organization": {"id": api.acme.id, "name": "Acme", "slack_enabled": False},
        "memberships": [
            {
                "member_id": api.acme.members["maria"],
                "program_id": api.acme.program_id,
                "program_name": "Acme Pathways",
                "roles": ["mentor"],
                "expertise": ["leadership", "python"],
                "goals": [],
                "bio": "",
                "capacity": None,
            }
        ],
    }


async def test_me_for_an_admin_without_memberships(api: Api) -> None:
    me = (await api.get("/me", "admin")).json()
    assert (me["user"]["role"], me["memberships"]) == ("global_admin", [])
    globex = (await api.get("/me", "admin", org=api.globex)).json()
    assert globex["organization"]["name"] == "Globex"


async def test_everything_starts_empty(api: Api) -> None:
    assert (await api.get("/me/connections", "sam")).json() == {"connections": []}
    assert (await api.get("/me/mentor-requests", "sam")).json() == {"sent": [], "received": []}
    assert (await api.get("/me/surveys", "sam")).json() == []


async def test_connection_area_shows_the_whole_picture(api: Api) -> None:
    connection_id = await api.connection("maria", "sam")
    await api.post(f"/connections/{connection_id}/messages", "maria", json={"body": "Welcome"})
    open_task = (
        await api.post(f"/connections/{connection_id}/tasks", "maria", json={"title": "Goals"})
    ).json()
    done_task = (
        await api.post(f"/connections/{connection_id}/tasks", "sam", json={"title": "Intro"})
    ).json()
    await api.post(f"/connections/{connection_id}/tasks/{done_task['id']}/complete", "sam")
    accepted = await api.meeting(connection_id, organizer="maria", invitee="sam")
    await api.post(
        f"/meetings/{accepted['id']}/accept",
        "sam",
        json={"slot_start": accepted["slots"][2]["start"]},
    )
    pending = await api.meeting(connection_id, organizer="sam", invitee="maria")
    request_id = await api.mentor_request("sam", "otto")

    card = (await api.get("/me/connections", "sam")).json()["connections"][0]
    assert (card["id"], card["my_role"], card["status"]) == (connection_id, "mentee", "active")
    assert card["partners"] == [
        {
            "member_id": api.acme.members["maria"],
            "name": "Maria",
            "role": "mentor",
            "bio": "",
            "expertise": ["leadership", "python"],
        }
    ]
    assert [t["id"] for t in card["open_tasks"]] == [open_task["id"]]
    assert [t["title"] for t in card["done_tasks"]] == ["Intro"]
    assert [m["body"] for m in card["latest_messages"]] == ["Welcome"]
    assert card["next_meeting"]["id"] == accepted["id"]
    assert card["next_meeting"]["accepted_slot"] == accepted["slots"][2]
    assert [m["id"] for m in card["pending_meetings"]] == [pending["id"]]
    assert len(card["pending_meetings"][0]["slots"]) == 3
    requests = (await api.get("/me/mentor-requests", "sam")).json()
    assert [r["request"]["id"] for r in requests["sent"]] == [request_id]
    mentor_view = (await api.get("/me/connections", "maria")).json()["connections"][0]
    assert (mentor_view["my_role"], mentor_view["partners"][0]["name"]) == ("mentor", "Sam")
