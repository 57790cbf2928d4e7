"""Reading interactivity payloads: Slack's shapes into Click / Submission / Closed; anything
else signed is either ignored (kinds we do not use) or refused as malformed, never a crash."""

from __future__ import annotations

import contextlib
import json
import urllib.parse
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from adapters.slack.actions.payloads import Click, Closed, Origin, Submission, read_interaction
from adapters.slack.inbound import MalformedEnvelope


def _body(payload: Any) -> bytes:
    return urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()


def test_a_click_in_a_message_keeps_its_picks_and_where_to_answer() -> None:
    payload = {
        "type": "block_actions", "user": {"id": "W1", "team_id": "T1"},
        "team": {"id": "T1", "enterprise_id": "E1"}, "enterprise": {"id": "E1"},
        "trigger_id": "1.2.3", "response_url": "https://hooks/x", "channel": {"id": "D1"},
        "message": {"ts": "1.1", "blocks": []},
        "state": {"values": {"meeting:m1": {"meeting.pick_slot": {
            "type": "static_select", "selected_option": {"value": "2027-01-01T10:00:00+00:00"}}}}},
        "actions": [{"action_id": "meeting.accept", "block_id": "meeting:m1", "value": "m1"}],
    }  # fmt: skip
    click = read_interaction(_body(payload))
    assert isinstance(click, Click)
    assert click.origin == Origin(enterprise_id="E1", team_id="T1", user_id="W1")
    assert (click.action_id, click.value, click.channel_id) == ("meeting.accept", "m1", "D1")
    assert click.picked("meeting:m1", "meeting.pick_slot") == "2027-01-01T10:00:00+00:00"
    assert click.picked("meeting:m1", "nothing") is None


def test_a_picked_option_is_the_value_of_a_select_click() -> None:
    payload = {"type": "block_actions", "user": {"id": "W1"}, "actions": [
        {"action_id": "meeting.pick_slot", "selected_option": {"value": "v"}}]}  # fmt: skip
    click = read_interaction(_body(payload))
    assert isinstance(click, Click) and click.value == "v" and click.response_url is None


def test_a_submission_reads_typed_picked_and_dated_values() -> None:
    values = {"a": {"value": {"type": "plain_text_input", "value": "hi"}},
              "b": {"value": {"type": "checkboxes", "selected_options": [{"value": "1"}]}},
              "c": {"value": {"type": "datepicker", "selected_date": "2027-01-02"}}}  # fmt: skip
    payload = {"type": "view_submission", "user": {"id": "W1"}, "team": None,
               "enterprise": {"id": "E1"}, "is_enterprise_install": True,
               "view": {"id": "V1", "callback_id": "cb", "private_metadata": "{}",
                        "state": {"values": values}}}  # fmt: skip
    sub = read_interaction(_body(payload))
    assert isinstance(sub, Submission)
    assert sub.origin == Origin(enterprise_id="E1", team_id=None, user_id="W1",
                                is_enterprise_install=True)  # fmt: skip
    assert (sub.text("a", "value"), sub.picked_many("b", "value"), sub.date("c", "value")) == (
        "hi", ["1"], "2027-01-02")
    assert sub.text("missing", "value") == "" and sub.picked("a", "value") is None


def test_a_closed_view_and_kinds_we_do_not_use() -> None:
    closed = read_interaction(_body({"type": "view_closed", "user": {"id": "W1"},
                                     "view": {"callback_id": "cb"}}))  # fmt: skip
    assert isinstance(closed, Closed) and closed.callback_id == "cb"
    assert read_interaction(_body({"type": "shortcut"})) is None
    assert read_interaction(_body({"type": "block_actions", "actions": []})) is None


@given(st.binary(max_size=200))
def test_any_interaction_body_is_read_or_refused_as_malformed(raw: bytes) -> None:
    with contextlib.suppress(MalformedEnvelope):
        read_interaction(raw)


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                    lambda children: st.lists(children, max_size=3)
                    | st.dictionaries(st.sampled_from(["type", "user", "team", "view",
                                                       "actions", "state", "values", "id",
                                                       "message", "enterprise"]),
                                      children, max_size=4),
                    max_leaves=15))  # fmt: skip
def test_any_json_payload_is_read_or_refused_as_malformed(value: Any) -> None:
    for kind in ("block_actions", "view_submission", "view_closed"):
        payload = {**value, "type": kind} if isinstance(value, dict) else value
        with contextlib.suppress(MalformedEnvelope):
            read_interaction(_body(payload))
