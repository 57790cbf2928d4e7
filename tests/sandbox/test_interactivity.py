"""Interactivity: block_actions, trigger ids and views.*, view_submission, response_url."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import msgspec
import pytest
from slack_sdk.errors import SlackApiError

from tests.sandbox.conftest import Running, client, install
from tests.sandbox.servers import Received, Receiver, Reply

BUTTONS = [
    {"type": "section", "block_id": "intro", "text": {"type": "mrkdwn", "text": "Request"}},
    {"type": "actions", "block_id": "answer", "elements": [
        {"type": "button", "action_id": "accept", "text": {"type": "plain_text", "text": "Accept"},
         "value": "req-1", "style": "primary"},
        {"type": "static_select", "action_id": "slot",
         "placeholder": {"type": "plain_text", "text": "Pick"},
         "options": [{"text": {"type": "plain_text", "text": "Mon"}, "value": "mon"},
                     {"text": {"type": "plain_text", "text": "Tue"}, "value": "tue"}]}]},
]


def modal(title: str = "Decline", **extra: Any) -> dict[str, Any]:
    return {"type": "modal", "callback_id": "decline", "title": {"type": "plain_text",
                                                                  "text": title},
            "submit": {"type": "plain_text", "text": "Send"},
            "blocks": [{"type": "input", "block_id": "reason",
                        "label": {"type": "plain_text", "text": "Reason"},
                        "element": {"type": "plain_text_input", "action_id": "text",
                                    "multiline": True}}], **extra}


async def posted(sandbox: Running, http: httpx.AsyncClient) -> tuple[str, dict[str, Any]]:
    token = (await install(http))["access_token"]
    message = await client(sandbox, token).chat_postMessage(channel="W0MARIASA", text="req",
                                                            blocks=BUTTONS)
    return token, dict(message.data)


async def click(http: httpx.AsyncClient, message: dict[str, Any], action_id: str,
                value: Any = None) -> dict[str, Any]:
    answer = await http.post("/_sandbox/actions/click", json={
        "team_id": "T0ACMEENG", "user_id": "W0MARIASA", "channel": message["channel"],
        "ts": message["ts"], "action_id": action_id, "value": value})
    assert answer.status_code == 201, answer.text
    result: dict[str, Any] = answer.json()
    return result


async def test_block_actions_payload(sandbox: Running, http: httpx.AsyncClient) -> None:
    _, message = await posted(sandbox, http)
    assert (await click(http, message, "accept"))["ok"]
    await click(http, message, "slot", "tue")
    first, second = sandbox.receiver.of("/slack/interactivity")
    assert first.valid_signature
    payload = first.json()
    assert payload["type"] == "block_actions"
    assert payload["user"] == {"id": "W0MARIASA", "username": "maria", "name": "maria",
                               "team_id": "T0ACMEENG"}
    assert payload["team"]["id"] == "T0ACMEENG"
    assert payload["enterprise"]["id"] == "E0ACME01"
    assert payload["container"] == {"type": "message", "message_ts": message["ts"],
                                    "channel_id": message["channel"], "is_ephemeral": False}
    assert payload["message"]["ts"] == message["ts"]
    assert payload["channel"]["id"]
    assert payload["trigger_id"]
    assert payload["response_url"].startswith(sandbox.url)
    action = payload["actions"][0]
    assert (action["action_id"], action["block_id"], action["value"], action["type"]) == (
        "accept", "answer", "req-1", "button")
    chosen = second.json()["actions"][0]["selected_option"]
    assert chosen == {"text": {"type": "plain_text", "text": "Tue"}, "value": "tue"}


async def trigger_of(sandbox: Running, http: httpx.AsyncClient) -> tuple[str, str, dict[str, Any]]:
    token, message = await posted(sandbox, http)
    await click(http, message, "accept")
    payload = sandbox.receiver.of("/slack/interactivity")[-1].json()
    return token, payload["trigger_id"], message


async def test_trigger_ids_are_single_use_and_expire(sandbox: Running,
                                                     http: httpx.AsyncClient) -> None:
    token, trigger, message = await trigger_of(sandbox, http)
    web = client(sandbox, token)
    opened = await web.views_open(trigger_id=trigger, view=modal())
    assert opened["view"]["id"].startswith("V")
    for trigger_id, error in [(trigger, "exchanged_trigger_id"), ("1.2.abc", "invalid_trigger_id")]:
        with pytest.raises(SlackApiError) as caught:
            await web.views_open(trigger_id=trigger_id, view=modal())
        assert caught.value.response["error"] == error
    await http.post("/_sandbox/config", json={"trigger_ttl_seconds": 0.05})
    await click(http, message, "accept")
    late = sandbox.receiver.of("/slack/interactivity")[-1].json()["trigger_id"]
    await asyncio.sleep(0.1)
    with pytest.raises(SlackApiError) as caught:
        await web.views_open(trigger_id=late, view=modal())
    assert caught.value.response["error"] == "expired_trigger_id"


async def test_invalid_views_are_refused(sandbox: Running, http: httpx.AsyncClient) -> None:
    token, trigger, _ = await trigger_of(sandbox, http)
    web = client(sandbox, token)
    with pytest.raises(SlackApiError) as caught:
        await web.views_open(trigger_id=trigger, view=modal(title="x" * 25))
    assert caught.value.response["error"] == "invalid_arguments"
    assert caught.value.response["response_metadata"]["messages"]
    huge = modal(private_metadata="x")
    huge["blocks"] = [{"type": "section", "text": {"type": "mrkdwn", "text": "y" * 2900}}] * 100
    with pytest.raises(SlackApiError) as caught:
        await web.views_open(trigger_id=trigger, view=huge)
    assert caught.value.response["error"] == "view_too_large"
    assert (await web.views_open(trigger_id=trigger, view=modal()))["ok"]  # trigger unspent


async def test_push_update_and_publish(sandbox: Running, http: httpx.AsyncClient) -> None:
    token, trigger, message = await trigger_of(sandbox, http)
    web = client(sandbox, token)
    root = (await web.views_open(trigger_id=trigger, view=modal(external_id="ext-1")))["view"]
    for _ in range(2):
        await click(http, message, "accept")
        pushed = await web.views_push(
            trigger_id=sandbox.receiver.of("/slack/interactivity")[-1].json()["trigger_id"],
            view=modal(title="Next"))
        assert pushed["view"]["root_view_id"] == root["id"]
    await click(http, message, "accept")
    with pytest.raises(SlackApiError) as caught:
        await web.views_push(
            trigger_id=sandbox.receiver.of("/slack/interactivity")[-1].json()["trigger_id"],
            view=modal())
    assert caught.value.response["error"] == "push_limit_reached"
    updated = await web.views_update(external_id="ext-1", view=modal(title="Updated"))
    assert updated["view"]["id"] == root["id"]
    assert updated["view"]["hash"] != root["hash"]
    for kwargs, error in [({"view_id": root["id"], "hash": "stale"}, "hash_conflict"),
                          ({"view_id": "V404"}, "not_found")]:
        with pytest.raises(SlackApiError) as caught:
            await web.views_update(view=modal(), **kwargs)
        assert caught.value.response["error"] == error
    home = {"type": "home", "blocks": BUTTONS}
    published = await web.views_publish(user_id="W0MARIASA", view=home)
    again = await web.views_publish(user_id="W0MARIASA", view=home,
                                    hash=published["view"]["hash"])
    assert again["view"]["id"] == published["view"]["id"]
    with pytest.raises(SlackApiError) as caught:
        await web.views_publish(user_id="U0OMAROKA", view=home)
    assert caught.value.response["error"] == "invalid_arguments"
    views = (await http.get("/_sandbox/views", params={"user": "W0MARIASA"})).json()
    assert len(views["modals"][0]["views"]) == 3
    assert len(views["homes"]) == 1


def answering(app_reply: dict[str, Any] | None) -> Any:
    async def reply(_: Receiver, __: Received) -> Reply:
        return 200, {}, msgspec.json.encode(app_reply) if app_reply is not None else b""

    return reply


async def submit(http: httpx.AsyncClient, values: dict[str, Any]) -> dict[str, Any]:
    answer = await http.post("/_sandbox/actions/submit", json={
        "team_id": "T0ACMEENG", "user_id": "W0MARIASA", "values": values})
    assert answer.status_code == 201, answer.text
    result: dict[str, Any] = answer.json()
    return result


async def open_views(http: httpx.AsyncClient) -> list[dict[str, Any]]:
    modals = (await http.get("/_sandbox/views")).json()["modals"]
    return list(modals[0]["views"]) if modals else []


async def test_view_submission_and_response_actions(sandbox: Running,
                                                    http: httpx.AsyncClient) -> None:
    token, trigger, _ = await trigger_of(sandbox, http)
    await client(sandbox, token).views_open(trigger_id=trigger, view=modal())
    refused = await submit(http, {"reason": ""})
    assert refused == {"ok": False, "delivered": False,
                       "errors": {"reason": "Please complete this required field."}}
    sandbox.receiver.interactions = answering(
        {"response_action": "errors", "errors": {"reason": "Too short"}})
    assert (await submit(http, {"reason": "no"}))["errors"] == {"reason": "Too short"}
    submission = sandbox.receiver.of("/slack/interactivity")[-1].json()
    assert submission["type"] == "view_submission"
    assert submission["view"]["state"]["values"] == {
        "reason": {"text": {"type": "plain_text_input", "value": "no"}}}
    sandbox.receiver.interactions = answering({"response_action": "update",
                                               "view": modal(title="Thanks")})
    await submit(http, {"reason": "long enough"})
    assert (await open_views(http))[0]["title"]["text"] == "Thanks"
    sandbox.receiver.interactions = answering({"response_action": "push", "view": modal()})
    await submit(http, {"reason": "more"})
    assert len(await open_views(http)) == 2
    sandbox.receiver.interactions = answering(None)
    assert (await submit(http, {"reason": {"text": "done"}}))["ok"]
    assert len(await open_views(http)) == 1
    sandbox.receiver.interactions = answering({"response_action": "clear"})
    await submit(http, {"reason": "bye"})
    assert await open_views(http) == []


async def test_response_url(sandbox: Running, http: httpx.AsyncClient) -> None:
    _, message = await posted(sandbox, http)
    await click(http, message, "accept")
    url = sandbox.receiver.of("/slack/interactivity")[-1].json()["response_url"]
    async with httpx.AsyncClient() as outside:
        assert (await outside.post(url, json={"text": "Accepted", "replace_original": True,
                                              "blocks": []})).status_code == 200
        assert (await outside.post(url, json={"text": "only you"})).status_code == 200
        assert (await outside.post(url, json={"text": "all", "response_type": "in_channel"})
                ).status_code == 200
        bad = await outside.post(url, json={"text": "x", "blocks": [{"type": "x"}]})
        assert bad.status_code == 400
        stored = (await http.get("/_sandbox/messages")).json()["messages"]
        texts = {(m["text"], m["visible_to"]) for m in stored}
        assert texts == {("Accepted", None), ("only you", "W0MARIASA"), ("all", None)}
        assert (await outside.post(url, json={"delete_original": True})).status_code == 200
        assert (await outside.post(url, json={"text": "sixth"})).status_code == 404
    stored = (await http.get("/_sandbox/messages")).json()["messages"]
    assert "Accepted" not in {m["text"] for m in stored}


async def test_closing_a_modal_notifies_only_when_asked(sandbox: Running,
                                                        http: httpx.AsyncClient) -> None:
    token, trigger, message = await trigger_of(sandbox, http)
    web = client(sandbox, token)
    await web.views_open(trigger_id=trigger, view=modal(notify_on_close=True))
    who = {"team_id": "T0ACMEENG", "user_id": "W0MARIASA"}
    assert (await http.post("/_sandbox/actions/close", json=who)).json()["delivery_id"]
    closed = sandbox.receiver.of("/slack/interactivity")[-1].json()
    assert closed["type"] == "view_closed"
    assert closed["is_cleared"] is False
    await click(http, message, "accept")
    trigger = sandbox.receiver.of("/slack/interactivity")[-1].json()["trigger_id"]
    await web.views_open(trigger_id=trigger, view=modal())
    assert (await http.post("/_sandbox/actions/close", json=who)).json()["delivery_id"] is None
    assert await open_views(http) == []


async def test_per_channel_limit_counts_user_id_and_dm_id_together(
        sandbox: Running, http: httpx.AsyncClient) -> None:
    web = client(sandbox, (await install(http))["access_token"])
    first = await web.chat_postMessage(channel="W0MARIASA", text="1")
    await web.chat_postMessage(channel=first["channel"], text="2")
    await web.chat_postMessage(channel="W0MARIASA", text="3")
    with pytest.raises(SlackApiError) as caught:
        await web.chat_postMessage(channel=first["channel"], text="4")
    assert caught.value.response.status_code == 429
