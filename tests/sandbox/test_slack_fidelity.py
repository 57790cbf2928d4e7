"""What the issue-12 review of the sandbox against Slack's documentation changed (the list of
what was checked is in the sandbox README, "Checked against Slack's documentation"): the
scope headers, chat.update's metadata removal, auth.teams.list."""

from __future__ import annotations

import httpx
import pytest
from slack_sdk.errors import SlackApiError

from tests.sandbox.conftest import Running, client, install


async def test_every_token_call_says_its_scopes_and_the_methods(
    sandbox: Running, http: httpx.AsyncClient
) -> None:
    token = (await install(http, scopes=["chat:write", "users:read"]))["access_token"]
    slack = client(sandbox, token)
    listed = await slack.users_list(limit=2)
    assert listed.headers["x-oauth-scopes"] == "chat:write, users:read"
    assert listed.headers["x-accepted-oauth-scopes"] == "users:read"
    tested = await slack.auth_test()
    assert tested.headers["x-accepted-oauth-scopes"] == ""  # auth.test needs no scope
    with pytest.raises(SlackApiError) as refused:  # the headers come with a refusal too
        await slack.team_info()
    assert refused.value.response["error"] == "missing_scope"
    assert refused.value.response["needed"] == "team:read"
    assert refused.value.response.headers["x-accepted-oauth-scopes"] == "team:read"
    access = await http.post("/api/oauth.v2.access", data={"code": "nope"})
    assert "x-oauth-scopes" not in access.headers  # no token, no scope headers


async def test_chat_update_keeps_or_removes_metadata_as_documented(
    sandbox: Running, http: httpx.AsyncClient
) -> None:
    slack = client(sandbox, (await install(http))["access_token"])
    metadata = {"event_type": "mentorlink_delivery", "event_payload": {"id": "d1"}}
    posted = await slack.chat_postMessage(channel="W0MARIASA", text="v1", metadata=metadata)
    kept = await slack.chat_update(channel=posted["channel"], ts=posted["ts"], text="v2")
    assert kept["message"]["metadata"] == metadata  # omitted: the previous metadata stays
    removed = await slack.chat_update(channel=posted["channel"], ts=posted["ts"], text="v3",
                                      metadata={})  # type: ignore[arg-type]
    assert "metadata" not in removed["message"]
    with pytest.raises(SlackApiError) as refused:
        await slack.chat_postMessage(channel="W0MARIASA", text="x", metadata={})  # type: ignore[arg-type]
    assert refused.value.response["error"] == "invalid_metadata_format"


async def test_auth_teams_list_pages_the_grids_workspaces(
    sandbox: Running, http: httpx.AsyncClient
) -> None:
    org = client(sandbox, (await install(http, team_id=None, enterprise_id="E0ACME01"))[
        "access_token"])
    first = await org.auth_teams_list(limit=1)
    assert [t["id"] for t in first["teams"]] == ["T0ACMEENG"]
    cursor = first["response_metadata"]["next_cursor"]
    second = await org.auth_teams_list(limit=1, cursor=cursor, include_icon=True)
    assert [t["id"] for t in second["teams"]] == ["T0ACMESAL"]
    assert second["teams"][0]["icon"]["image_88"].endswith("T0ACMESAL.svg")
    assert second["response_metadata"]["next_cursor"] == ""
    assert "icon" not in first["teams"][0]
    for bad in ({"limit": 0}, {"limit": 1001}):
        with pytest.raises(SlackApiError) as refused:
            await org.auth_teams_list(**bad)
        assert refused.value.response["error"] == "invalid_limit"
    with pytest.raises(SlackApiError) as refused:
        await org.auth_teams_list(cursor="bm9wZQ==")
    assert refused.value.response["error"] == "invalid_cursor"
