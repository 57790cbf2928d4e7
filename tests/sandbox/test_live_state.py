"""What users pick in selects, checkboxes and radio buttons outside input blocks comes back in
later `block_actions` payloads' `state.values`, as Slack sends it (`state` for a message,
`view.state` for a Home tab or modal): the pick, else the element's initial value; replacing
the blocks starts again from their initial values."""

from __future__ import annotations

from typing import Any

import httpx

from tests.sandbox.conftest import Running, client, install
from tests.sandbox.test_interactivity import click, posted

HOME = {"type": "home", "blocks": [
    {"type": "actions", "block_id": "meeting:m1", "elements": [
        {"type": "static_select", "action_id": "slot",
         "placeholder": {"type": "plain_text", "text": "Pick"},
         "options": [{"text": {"type": "plain_text", "text": "Mon"}, "value": "mon"},
                     {"text": {"type": "plain_text", "text": "Tue"}, "value": "tue"}]},
        {"type": "button", "action_id": "accept", "value": "m1",
         "text": {"type": "plain_text", "text": "Accept"}}]},
    {"type": "actions", "block_id": "prefs", "elements": [
        {"type": "checkboxes", "action_id": "mute",
         "options": [{"text": {"type": "plain_text", "text": "A"}, "value": "a"},
                     {"text": {"type": "plain_text", "text": "B"}, "value": "b"}],
         "initial_options": [{"text": {"type": "plain_text", "text": "B"}, "value": "b"}]}]},
]}  # fmt: skip


async def click_home(http: httpx.AsyncClient, view_id: str, action_id: str,
                     value: Any = None) -> None:  # fmt: skip
    answer = await http.post("/_sandbox/actions/click", json={
        "team_id": "T0ACMEENG", "user_id": "W0MARIASA", "view_id": view_id,
        "action_id": action_id, "value": value})  # fmt: skip
    assert answer.status_code == 201, answer.text


async def test_a_message_click_carries_what_was_picked_before(
    sandbox: Running, http: httpx.AsyncClient
) -> None:
    token, message = await posted(sandbox, http)
    await click(http, message, "accept")
    await click(http, message, "slot", "tue")
    await click(http, message, "accept")
    before, picked, accepted = [r.json() for r in sandbox.receiver.of("/slack/interactivity")]
    assert before["state"]["values"]["answer"]["slot"] == {"type": "static_select",
                                                            "selected_option": None}
    assert accepted["state"]["values"]["answer"]["slot"]["selected_option"]["value"] == "tue"
    assert picked["state"]["values"]["answer"]["slot"]["selected_option"]["value"] == "tue"
    await client(sandbox, token).chat_update(channel=message["channel"], ts=message["ts"],
                                             text="req", blocks=message["message"]["blocks"])
    await click(http, message, "accept")
    again = sandbox.receiver.of("/slack/interactivity")[-1].json()
    assert again["state"]["values"]["answer"]["slot"]["selected_option"] is None


async def test_a_home_click_carries_the_views_live_state(
    sandbox: Running, http: httpx.AsyncClient
) -> None:
    token = (await install(http))["access_token"]
    web = client(sandbox, token)
    view_id = (await web.views_publish(user_id="W0MARIASA", view=HOME))["view"]["id"]
    await click_home(http, view_id, "accept")
    first = sandbox.receiver.of("/slack/interactivity")[-1].json()
    values = first["view"]["state"]["values"]
    assert values["prefs"]["mute"]["selected_options"] == [
        {"text": {"type": "plain_text", "text": "B"}, "value": "b"}]
    assert values["meeting:m1"]["slot"]["selected_option"] is None
    await click_home(http, view_id, "slot", "mon")
    await click_home(http, view_id, "mute", ["a", "b"])
    await click_home(http, view_id, "accept")
    last = sandbox.receiver.of("/slack/interactivity")[-1].json()
    values = last["view"]["state"]["values"]
    assert values["meeting:m1"]["slot"]["selected_option"]["value"] == "mon"
    assert [o["value"] for o in values["prefs"]["mute"]["selected_options"]] == ["a", "b"]
    await web.views_publish(user_id="W0MARIASA", view=HOME)  # republished: initial values
    await click_home(http, view_id, "accept")
    values = sandbox.receiver.of("/slack/interactivity")[-1].json()["view"]["state"]["values"]
    assert values["meeting:m1"]["slot"]["selected_option"] is None


async def test_a_home_published_again_as_it_was_is_shown_again(
    sandbox: Running, http: httpx.AsyncClient
) -> None:
    """The UI redraws the Home when its key changes: a box ticked in the page gives way to the
    app's answer even when the app publishes the same blocks (a refused change)."""
    token = (await install(http))["access_token"]
    web = client(sandbox, token)
    surface = "/ui/T0ACMEENG/W0MARIASA/surface"
    await web.views_publish(user_id="W0MARIASA", view=HOME)
    first = (await http.get(surface, params={"tab": "home"})).json()
    assert first["html_key"] == (await http.get(surface, params={"tab": "home"})).json()["html_key"]
    await web.views_publish(user_id="W0MARIASA", view=HOME)  # the same blocks again
    again = (await http.get(surface, params={"tab": "home"})).json()
    assert again["html"] == first["html"] and again["html_key"] != first["html_key"]
