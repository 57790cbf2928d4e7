"""Contract tests: the sandbox's Web API through slack-sdk's AsyncWebClient, over real HTTP."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from slack_sdk.errors import SlackApiError

from tests.sandbox.conftest import Running, client, install

SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "*Hello*"}}


async def error_of(call: Any) -> SlackApiError:
    with pytest.raises(SlackApiError) as caught:
        await call
    return caught.value


async def test_auth_test_describes_the_bot(sandbox: Running, http: httpx.AsyncClient) -> None:
    token = (await install(http))["access_token"]
    answer = await client(sandbox, token).auth_test()
    assert answer["team_id"] == "T0ACMEENG"
    assert answer["enterprise_id"] == "E0ACME01"
    assert answer["user_id"].startswith("U")
    assert answer["is_enterprise_install"] is False
    assert answer.headers["x-oauth-scopes"]


@pytest.mark.parametrize(("token", "error"), [(None, "not_authed"), ("xoxb-nope", "invalid_auth")])
async def test_bad_tokens(sandbox: Running, token: str | None, error: str) -> None:
    failure = await error_of(client(sandbox, token).auth_test())
    assert failure.response["error"] == error


async def test_revoked_and_uninstalled_tokens(sandbox: Running, http: httpx.AsyncClient) -> None:
    token = (await install(http))["access_token"]
    web = client(sandbox, token)
    assert (await web.auth_revoke(test=True))["revoked"] is False
    assert (await web.auth_revoke())["revoked"] is True
    assert (await error_of(web.auth_test())).response["error"] == "token_revoked"
    token = (await install(http, "T0ACMEPRT"))["access_token"]
    web = client(sandbox, token)
    await web.apps_uninstall(client_id=sandbox.config.client_id,
                             client_secret=sandbox.config.client_secret)
    assert (await error_of(web.auth_test())).response["error"] == "account_inactive"


async def test_apps_uninstall_checks_the_client(sandbox: Running, http: httpx.AsyncClient) -> None:
    web = client(sandbox, (await install(http))["access_token"])
    await http.post("/_sandbox/config", json={"rate_limits": False})  # Tier 1: 1/min
    failure = await error_of(web.apps_uninstall(client_id="x", client_secret="y"))
    assert failure.response["error"] == "invalid_client_id"
    failure = await error_of(web.apps_uninstall(client_id=sandbox.config.client_id,
                                                client_secret="y"))
    assert failure.response["error"] == "bad_client_secret"


async def test_missing_scope_names_needed_and_provided(sandbox: Running,
                                                       http: httpx.AsyncClient) -> None:
    web = client(sandbox, (await install(http, scopes=["chat:write"]))["access_token"])
    failure = await error_of(web.users_list())
    assert failure.response.data == {"ok": False, "error": "missing_scope",
                                     "needed": "users:read", "provided": "chat:write"}


async def test_team_info(sandbox: Running, http: httpx.AsyncClient) -> None:
    web = client(sandbox, (await install(http))["access_token"])
    team = (await web.team_info())["team"]
    assert (team["id"], team["name"], team["domain"]) == ("T0ACMEENG", "Acme Engineering",
                                                          "acme-eng")
    assert team["enterprise_id"] == "E0ACME01"
    icon = team["icon"]["image_88"]
    assert icon == f"{sandbox.url}/ui/icons/T0ACMEENG.svg"  # drawn by the sandbox, not Slack's CDN
    drawn = await http.get(icon)
    assert (drawn.status_code, drawn.headers["content-type"]) == (200, "image/svg+xml")
    assert ">AE</text>" in drawn.text
    assert (await error_of(web.team_info(team="T0ACMEPRT"))).response["error"] == "team_not_found"


async def test_users_list_pages_with_cursors(sandbox: Running, http: httpx.AsyncClient) -> None:
    web = client(sandbox, (await install(http))["access_token"])
    seen: list[str] = []
    cursor = None
    while True:
        page = await web.users_list(limit=2, cursor=cursor)
        assert len(page["members"]) <= 2
        seen += [m["id"] for m in page["members"]]
        cursor = page["response_metadata"]["next_cursor"]
        if not cursor:
            break
    everyone = [m["id"] for m in (await web.users_list())["members"]]
    assert seen == everyone
    assert "USLACKBOT" in seen
    assert "W0MARIASA" in seen
    assert "W0PRIYAPA" not in seen
    failure = await error_of(web.users_list(cursor="bogus"))
    assert failure.response["error"] == "invalid_cursor"


async def test_emails_need_users_read_email(sandbox: Running, http: httpx.AsyncClient) -> None:
    web = client(sandbox, (await install(http, scopes=["users:read"]))["access_token"])
    members = (await web.users_list())["members"]
    assert all("email" not in m.get("profile", {}) for m in members)
    failure = await error_of(web.users_lookupByEmail(email="ada@acme.example"))
    assert failure.response["error"] == "missing_scope"


async def test_lookup_by_email(sandbox: Running, http: httpx.AsyncClient) -> None:
    web = client(sandbox, (await install(http))["access_token"])
    user = (await web.users_lookupByEmail(email="Maria@acme.example"))["user"]
    assert user["id"] == "W0MARIASA"
    for email in ("noor@acme.example", "omar@acme.example"):  # nowhere / other workspace
        failure = await error_of(web.users_lookupByEmail(email=email))
        assert failure.response["error"] == "users_not_found"


async def test_users_info_has_timezone_and_profile(sandbox: Running,
                                                   http: httpx.AsyncClient) -> None:
    web = client(sandbox, (await install(http))["access_token"])
    user = (await web.users_info(user="W0LIWEI00"))["user"]
    assert (user["tz"], user["tz_offset"], user["tz_label"]) == ("Asia/Tokyo", 32400,
                                                                 "Japan Standard Time")
    assert user["profile"]["email"] == "li@acme.example"
    assert user["profile"]["real_name"] == "Li Wei"
    assert user["profile"]["image_72"].startswith("https://")
    failure = await error_of(web.users_info(user="U0OMAROKA"))
    assert failure.response["error"] == "user_not_found"


async def test_grid_users_have_one_id_across_workspaces(sandbox: Running,
                                                        http: httpx.AsyncClient) -> None:
    eng = client(sandbox, (await install(http, "T0ACMEENG"))["access_token"])
    sales = client(sandbox, (await install(http, "T0ACMESAL"))["access_token"])
    a = await eng.chat_postMessage(channel="W0SAMRIVE", text="from eng")
    b = await sales.chat_postMessage(channel="W0SAMRIVE", text="from sales")
    assert a["channel"] == b["channel"]
    failure = await error_of(sales.chat_update(channel=a["channel"], ts=a["ts"], text="x"))
    assert failure.response["error"] == "cant_update_message"


async def test_post_message_to_a_user_opens_the_dm(sandbox: Running,
                                                   http: httpx.AsyncClient) -> None:
    web = client(sandbox, (await install(http))["access_token"])
    first = await web.chat_postMessage(channel="W0MARIASA", text="hi", blocks=[SECTION],
                                       metadata={"event_type": "outbox",
                                                 "event_payload": {"id": 7}})
    assert first["channel"].startswith("D")
    assert first["message"]["blocks"][0]["block_id"]
    second = await web.chat_postMessage(channel=first["channel"], text="again")
    assert second["channel"] == first["channel"]
    assert second["ts"] > first["ts"]
    opened = await web.conversations_open(users="W0MARIASA")
    assert opened["channel"]["id"] == first["channel"]
    stored = (await http.get("/_sandbox/messages", params={"user": "W0MARIASA"})).json()
    assert [m["text"] for m in stored["messages"]] == ["hi", "again"]
    assert stored["messages"][0]["metadata"]["event_payload"] == {"id": 7}


@pytest.mark.filterwarnings("ignore:The top-level `text` argument")
@pytest.mark.parametrize(("kwargs", "error"), [
    ({"channel": "U0OMAROKA", "text": "x"}, "channel_not_found"),
    ({"channel": "D404", "text": "x"}, "channel_not_found"),
    ({"channel": "W0MARIASA"}, "no_text"),
    ({"channel": "W0MARIASA", "text": "x" * 40_001}, "msg_too_long"),
    ({"channel": "W0MARIASA", "text": "x", "blocks": [SECTION] * 51}, "invalid_blocks"),
    ({"channel": "W0MARIASA", "text": "x", "blocks": [{"type": "nope"}]}, "invalid_blocks"),
])
async def test_post_message_errors(sandbox: Running, http: httpx.AsyncClient,
                                   kwargs: dict[str, Any], error: str) -> None:
    web = client(sandbox, (await install(http))["access_token"])
    failure = await error_of(web.chat_postMessage(**kwargs))
    assert failure.response["error"] == error
    if error == "invalid_blocks":
        assert failure.response["response_metadata"]["messages"]
    assert (await http.get("/_sandbox/messages")).json()["messages"] == []


async def test_update_keeps_the_history(sandbox: Running, http: httpx.AsyncClient) -> None:
    web = client(sandbox, (await install(http))["access_token"])
    posted = await web.chat_postMessage(channel="W0MARIASA", text="v1", blocks=[SECTION])
    updated = await web.chat_update(channel=posted["channel"], ts=posted["ts"], text="v2")
    assert updated["message"]["edited"]["ts"]
    assert updated["message"]["blocks"][0]["text"]["text"] == "*Hello*"  # omitted = kept
    await web.chat_update(channel=posted["channel"], ts=posted["ts"], text="v3", blocks=[])
    stored = (await http.get("/_sandbox/messages")).json()["messages"][0]
    assert stored["text"] == "v3"
    assert stored["blocks"] == []
    assert [e["text"] for e in stored["edits"]] == ["v1", "v2"]
    for kwargs, error in [({"ts": "1.0"}, "message_not_found"),
                          ({"ts": posted["ts"], "blocks": [{"type": "x"}]}, "invalid_blocks")]:
        failure = await error_of(web.chat_update(channel=posted["channel"], text="t", **kwargs))
        assert failure.response["error"] == error
    failure = await error_of(web.chat_update(channel="W0MARIASA", ts=posted["ts"], text="t"))
    assert failure.response["error"] == "channel_not_found"


async def test_post_ephemeral(sandbox: Running, http: httpx.AsyncClient) -> None:
    web = client(sandbox, (await install(http))["access_token"])
    answer = await web.chat_postEphemeral(channel="W0MARIASA", user="W0MARIASA", text="psst")
    assert answer["message_ts"]
    failure = await error_of(web.chat_postEphemeral(channel="W0MARIASA", user="W0SAMRIVE",
                                                    text="x"))
    assert failure.response["error"] == "user_not_in_channel"
    stored = (await http.get("/_sandbox/messages")).json()["messages"]
    assert stored[0]["visible_to"] == "W0MARIASA"


async def test_unknown_method(sandbox: Running, http: httpx.AsyncClient) -> None:
    web = client(sandbox, (await install(http))["access_token"])
    failure = await error_of(web.api_call("chat.teleport"))
    assert failure.response["error"] == "unknown_method"


async def test_query_form_and_json_requests(sandbox: Running, http: httpx.AsyncClient) -> None:
    token = (await install(http))["access_token"]
    by_query = await http.get("/api/users.info", params={"token": token, "user": "W0ADALOVE"})
    assert by_query.json()["user"]["id"] == "W0ADALOVE"
    by_form = await http.post("/api/chat.postMessage",
                              data={"token": token, "channel": "W0ADALOVE", "text": "form",
                                    "blocks": '[{"type":"divider"}]'})
    assert by_form.json()["ok"] is True
    by_json = await http.post("/api/chat.postMessage", json={"channel": "W0ADALOVE", "text": "j"},
                              headers={"Authorization": f"Bearer {token}"})
    assert by_json.json()["ok"] is True
    token_in_json = await http.post("/api/auth.test", json={"token": token})
    assert token_in_json.json()["error"] == "not_authed"
    broken = await http.post("/api/chat.postMessage", content=b"{nope",
                             headers={"Authorization": f"Bearer {token}",
                                      "Content-Type": "application/json"})
    assert broken.json()["error"] == "invalid_json"
    calls = (await http.get("/_sandbox/calls", params={"method": "users.info"})).json()["calls"]
    assert "token" not in calls[0]["params"]


async def test_rate_limited_answers_429_with_retry_after(sandbox: Running,
                                                         http: httpx.AsyncClient) -> None:
    web = client(sandbox, (await install(http))["access_token"])
    await http.post("/_sandbox/config", json={"method_limits": {"users.list": 2}})
    await web.users_list()
    await web.users_list()
    failure = await error_of(web.users_list())
    assert failure.response.status_code == 429
    assert failure.response["error"] == "ratelimited"
    assert int(failure.response.headers["retry-after"]) == 30
    assert (await web.users_info(user="W0ADALOVE"))["ok"]  # other methods unaffected
    limited = (await http.get("/_sandbox/ratelimited")).json()
    assert limited["ratelimited"] == [{"method": "users.list", "team_id": "T0ACMEENG",
                                       "count": 1}]


async def test_post_message_per_channel_limit(sandbox: Running, http: httpx.AsyncClient) -> None:
    web = client(sandbox, (await install(http))["access_token"])
    for _ in range(3):
        await web.chat_postMessage(channel="W0MARIASA", text="burst")
    failure = await error_of(web.chat_postMessage(channel="W0MARIASA", text="too many"))
    assert failure.response.status_code == 429
    assert failure.response.headers["retry-after"] == "1"
    assert (await web.chat_postMessage(channel="W0SAMRIVE", text="other channel"))["ok"]


async def test_time_scale_and_switching_limits_off(sandbox: Running,
                                                   http: httpx.AsyncClient) -> None:
    web = client(sandbox, (await install(http))["access_token"])
    await http.post("/_sandbox/config", json={"time_scale": 60.0,
                                              "method_limits": {"team.info": 1}})
    await web.team_info()
    failure = await error_of(web.team_info())
    assert failure.response.headers["retry-after"] == "1"
    assert 0 < int(failure.response.headers["x-sandbox-retry-after-ms"]) <= 1000
    await asyncio.sleep(int(failure.response.headers["x-sandbox-retry-after-ms"]) / 1000)
    assert (await web.team_info())["ok"]
    await http.post("/_sandbox/config", json={"rate_limits": False})
    for _ in range(5):
        assert (await web.team_info())["ok"]
