"""Fault injection through the inspection API: the next N calls of a method in a workspace
answer an error, a 429 with Retry-After, a 5xx, or come late."""

from __future__ import annotations

import time

import httpx
import pytest
from slack_sdk.errors import SlackApiError

from tests.sandbox.conftest import Running, client, install


async def fault(http: httpx.AsyncClient, **body: object) -> httpx.Response:
    return await http.post("/_sandbox/faults", json=body)


async def test_the_next_n_calls_answer_the_error(sandbox: Running, http: httpx.AsyncClient) -> None:
    token = (await install(http))["access_token"]
    assert (await fault(http, method="chat.postMessage", error="user_not_found",
                        times=2)).status_code == 201
    slack = client(sandbox, token)
    for _ in range(2):
        with pytest.raises(SlackApiError) as caught:
            await slack.chat_postMessage(channel="W0MARIASA", text="x")
        assert caught.value.response.status_code == 200
        assert caught.value.response["error"] == "user_not_found"
    assert (await slack.chat_postMessage(channel="W0MARIASA", text="x"))["ok"]
    assert (await http.get("/_sandbox/faults")).json() == {"faults": []}
    calls = (await http.get("/_sandbox/calls", params={"method": "chat.postMessage"})).json()
    assert [c["error"] for c in calls["calls"]] == ["user_not_found", "user_not_found", None]


async def test_a_fault_hits_only_its_workspace_and_method(
    sandbox: Running, http: httpx.AsyncClient
) -> None:
    eng = (await install(http))["access_token"]
    sales = (await install(http, team_id="T0ACMESAL"))["access_token"]
    await fault(http, method="chat.postMessage", team_id="T0ACMESAL", error="invalid_auth")
    assert (await client(sandbox, eng).chat_postMessage(channel="W0MARIASA", text="x"))["ok"]
    assert (await client(sandbox, sales).users_info(user="W0MARIASA"))["ok"]
    with pytest.raises(SlackApiError) as caught:
        await client(sandbox, sales).chat_postMessage(channel="W0MARIASA", text="x")
    assert caught.value.response["error"] == "invalid_auth"


async def test_an_org_wide_token_is_faulted_by_the_team_it_names(
    sandbox: Running, http: httpx.AsyncClient
) -> None:
    org = (await install(http, team_id=None, enterprise_id="E0ACME01"))["access_token"]
    await fault(http, method="chat.postMessage", team_id="T0ACMESAL", status=502)
    slack = client(sandbox, org)
    assert (await slack.chat_postMessage(channel="W0MARIASA", text="x", team_id="T0ACMEENG"))
    with pytest.raises(SlackApiError) as caught:
        await slack.chat_postMessage(channel="W0MARIASA", text="x", team_id="T0ACMESAL")
    assert caught.value.response.status_code == 502


async def test_ratelimited_answers_429_with_retry_after(
    sandbox: Running, http: httpx.AsyncClient
) -> None:
    token = (await install(http))["access_token"]
    await fault(http, method="chat.update", error="ratelimited", retry_after=42)
    with pytest.raises(SlackApiError) as caught:
        await client(sandbox, token).chat_update(channel="D0NOPE", ts="1.0", text="x")
    assert caught.value.response.status_code == 429
    assert caught.value.response.headers["Retry-After"] == "42"
    served = (await http.get("/_sandbox/ratelimited")).json()
    assert served["ratelimited"] == [{"method": "chat.update", "team_id": "T0ACMEENG",
                                      "count": 1}]


async def test_a_delay_holds_the_answer_but_the_call_happens(
    sandbox: Running, http: httpx.AsyncClient
) -> None:
    token = (await install(http))["access_token"]
    await fault(http, method="chat.postMessage", delay=0.5)
    started = time.monotonic()
    answer = await client(sandbox, token).chat_postMessage(channel="W0MARIASA", text="late")
    assert answer["ok"] and time.monotonic() - started >= 0.5
    messages = (await http.get("/_sandbox/messages", params={"user": "W0MARIASA"})).json()
    assert [m["text"] for m in messages["messages"]] == ["late"]


async def test_faults_are_listed_cleared_and_reset(http: httpx.AsyncClient) -> None:
    await fault(http, method="users.list", error="fatal_error", times=3)
    await fault(http, method="chat.postMessage", status=500)
    listed = (await http.get("/_sandbox/faults")).json()["faults"]
    assert [(f["method"], f["remaining"]) for f in listed] == [("users.list", 3),
                                                                ("chat.postMessage", 1)]
    assert (await http.delete("/_sandbox/faults")).status_code == 200
    assert (await http.get("/_sandbox/faults")).json() == {"faults": []}
    await fault(http, method="users.list", error="fatal_error")
    await http.post("/_sandbox/reset")
    assert (await http.get("/_sandbox/faults")).json() == {"faults": []}


@pytest.mark.parametrize("body", [
    {}, {"method": "chat.postMessage"}, {"method": "chat.postMessage", "status": 404},
    {"method": "chat.postMessage", "error": "x", "times": 0},
    {"method": "chat.postMessage", "delay": "soon"},
])
async def test_nonsense_is_refused(http: httpx.AsyncClient, body: dict[str, object]) -> None:
    assert (await http.post("/_sandbox/faults", json=body)).status_code == 400
