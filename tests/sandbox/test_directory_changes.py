"""Changing the sandbox's directory through the inspection API: a new member is sent as
`team_join`, an edit or a deactivation as `user_change`, signed like every event, to each
install that reaches the person; the Web API shows the change; refusals change nothing;
`reset` brings the directory back as loaded."""

from __future__ import annotations

from typing import Any

import httpx

from tests.sandbox.conftest import Running, client, install
from tests.sandbox.servers import wait_for

TEAM = "T0ACMEENG"


def directory_events(sandbox: Running) -> list[dict[str, Any]]:
    received = list(sandbox.receiver.of("/slack/events"))
    assert all(r.valid_signature for r in received)
    return [r.json() for r in received
            if r.json()["event"]["type"] in ("team_join", "user_change")]  # fmt: skip


async def test_a_new_member_is_sent_as_team_join_and_listed(
    sandbox: Running, http: httpx.AsyncClient
) -> None:
    granted = await install(http)
    body = {"id": "W0TESSNEW", "name": "tess", "real_name": "Tess Ng",
            "email": "tess@acme.example", "tz": "Europe/Paris", "workspaces": [TEAM]}
    answer = await http.post("/_sandbox/users", json=body)
    assert answer.status_code == 201, answer.text
    assert len(answer.json()["delivery_ids"]) == 1
    await wait_for(lambda: len(directory_events(sandbox)) == 1)
    (envelope,) = directory_events(sandbox)
    assert (envelope["type"], envelope["team_id"], envelope["enterprise_id"]) == (
        "event_callback", TEAM, "E0ACME01")
    user = envelope["event"]["user"]
    assert envelope["event"]["type"] == "team_join"
    assert (user["id"], user["tz"], user["profile"]["email"], user["deleted"]) == (
        "W0TESSNEW", "Europe/Paris", "tess@acme.example", False)
    web = client(sandbox, granted["access_token"])
    listed = await web.users_list(limit=1000)
    assert "W0TESSNEW" in [m["id"] for m in listed["members"]]
    found = await web.users_lookupByEmail(email="TESS@acme.example")
    assert found["user"]["real_name"] == "Tess Ng"


async def test_an_edit_is_sent_as_user_change(sandbox: Running, http: httpx.AsyncClient) -> None:
    granted = await install(http)
    answer = await http.patch("/_sandbox/users/W0MARIASA",
                              json={"tz": "Asia/Tokyo", "email": "maria.santos@acme.example",
                                    "real_name": "Maria Santos-Lee"})  # fmt: skip
    assert answer.status_code == 200, answer.text
    await wait_for(lambda: len(directory_events(sandbox)) == 1)
    (envelope,) = directory_events(sandbox)
    event = envelope["event"]
    assert event["type"] == "user_change" and event["cache_ts"]
    assert (event["user"]["tz"], event["user"]["profile"]["email"],
            event["user"]["real_name"]) == ("Asia/Tokyo", "maria.santos@acme.example",
                                             "Maria Santos-Lee")  # fmt: skip
    info = await client(sandbox, granted["access_token"]).users_info(user="W0MARIASA")
    assert info["user"]["tz"] == "Asia/Tokyo"


async def test_a_deactivation_is_a_user_change_with_deleted(
    sandbox: Running, http: httpx.AsyncClient
) -> None:
    granted = await install(http)
    answer = await http.patch("/_sandbox/users/W0SAMRIVE", json={"deleted": True})
    assert answer.status_code == 200, answer.text
    await wait_for(lambda: len(directory_events(sandbox)) == 1)
    (envelope,) = directory_events(sandbox)
    assert envelope["event"]["type"] == "user_change"
    assert envelope["event"]["user"]["deleted"] is True
    info = await client(sandbox, granted["access_token"]).users_info(user="W0SAMRIVE")
    assert info["user"]["deleted"] is True
    recorded = (await http.get("/_sandbox/events", params={"type": "user_change"})).json()
    assert len(recorded["deliveries"]) == 1


async def test_without_an_install_reaching_the_person_nothing_is_sent(
    sandbox: Running, http: httpx.AsyncClient
) -> None:
    await install(http, team_id="T0ACMEPRT")  # Maria is not in Acme Partners
    answer = await http.patch("/_sandbox/users/W0MARIASA", json={"tz": "UTC"})
    assert answer.status_code == 200 and answer.json()["delivery_ids"] == []
    await http.post("/_sandbox/drain", json={"timeout": 2})
    assert directory_events(sandbox) == []


async def test_refusals_change_nothing(sandbox: Running, http: httpx.AsyncClient) -> None:
    await install(http)
    before = (await http.get("/_sandbox/directory")).json()
    refused = [
        await http.patch("/_sandbox/users/W0NOBODY", json={"tz": "UTC"}),
        await http.patch("/_sandbox/users/W0MARIASA", json={"tz": "Mars/Olympus"}),
        await http.patch("/_sandbox/users/W0MARIASA", json={"email": "not-an-address"}),
        await http.patch("/_sandbox/users/W0MARIASA", json={"shoe_size": 42}),
        await http.patch("/_sandbox/users/W0MARIASA", json={"deleted": "yes"}),
        await http.post("/_sandbox/users", json={"name": "x", "email": "x@acme.example",
                                                 "workspaces": ["T0NOWHERE"]}),
        await http.post("/_sandbox/users", json={"id": "W0MARIASA", "name": "x",
                                                 "email": "x@acme.example",
                                                 "workspaces": [TEAM]}),
        await http.post("/_sandbox/users", json={"name": "x", "email": "x@acme.example",
                                                 "workspaces": [TEAM, "T0ACMEPRT"]}),
        await http.post("/_sandbox/users", json={"email": "x@acme.example",
                                                 "workspaces": [TEAM]}),
    ]  # fmt: skip
    assert [r.status_code for r in refused] == [404, 400, 400, 400, 400, 400, 409, 400, 400]
    assert all(r.json()["error"] for r in refused)
    assert (await http.get("/_sandbox/directory")).json() == before
    await http.post("/_sandbox/drain", json={"timeout": 1})
    assert directory_events(sandbox) == []


async def test_reset_brings_the_directory_back_as_loaded(
    sandbox: Running, http: httpx.AsyncClient
) -> None:
    before = (await http.get("/_sandbox/directory")).json()
    await http.patch("/_sandbox/users/W0MARIASA", json={"tz": "UTC", "deleted": True})
    await http.post("/_sandbox/users", json={"id": "W0TESSNEW", "name": "tess",
                                             "email": "tess@acme.example",
                                             "workspaces": [TEAM]})  # fmt: skip
    assert (await http.get("/_sandbox/directory")).json() != before
    await http.post("/_sandbox/reset")
    assert (await http.get("/_sandbox/directory")).json() == before
