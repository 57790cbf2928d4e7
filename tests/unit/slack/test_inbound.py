"""Reading Events API bodies: what each envelope asks for, and every way a body is not one."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.slack.inbound import (
    MalformedEnvelope,
    UrlVerification,
    read_event_request,
    removal_of,
)
from application.slack.directory_changes import SlackAccountChanged
from application.slack.removal import WorkspaceRemovedInSlack


def body(envelope: Any) -> bytes:
    return json.dumps(envelope).encode()


def callback(event: dict[str, Any], **envelope: Any) -> dict[str, Any]:
    """An `event_callback` envelope as Slack sends it for workspace T1."""
    return {
        "type": "event_callback",
        "team_id": "T1",
        "event_id": "Ev1",
        "event": event,
        **envelope,
    }


def test_url_verification_asks_for_its_challenge_back() -> None:
    asked = read_event_request(body({"type": "url_verification", "challenge": "abc"}))
    assert asked == UrlVerification(challenge="abc")


def test_app_uninstalled_is_the_removal_of_the_workspace() -> None:
    asked = read_event_request(body(callback({"type": "app_uninstalled"})))
    assert asked == WorkspaceRemovedInSlack(
        event_id="Ev1", enterprise_id=None, team_id="T1", is_enterprise_install=False
    )


def test_bot_tokens_revoked_is_a_removal_too() -> None:
    event = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["U0BOT"]}}
    asked = read_event_request(body(callback(event, event_id="Ev2")))
    assert isinstance(asked, WorkspaceRemovedInSlack)
    assert asked.event_id == "Ev2"


def test_an_org_wide_install_says_so_from_its_first_authorization() -> None:
    envelope = callback(
        {"type": "app_uninstalled"},
        enterprise_id="E1",
        team_id=None,
        authorizations=[{"is_enterprise_install": True}],
    )
    assert removal_of(envelope) == WorkspaceRemovedInSlack(
        event_id="Ev1", enterprise_id="E1", team_id=None, is_enterprise_install=True
    )


def test_empty_ids_are_read_as_absent() -> None:
    removal = removal_of(callback({"type": "app_uninstalled"}, team_id="", enterprise_id=""))
    assert removal is not None
    assert (removal.team_id, removal.enterprise_id) == (None, None)


@pytest.mark.parametrize(
    "envelope",
    [
        callback({"type": "tokens_revoked", "tokens": {"oauth": ["U1"], "bot": []}}),
        callback({"type": "tokens_revoked", "tokens": "bot"}),
        callback({"type": "message", "text": "hello"}),
        callback("app_uninstalled"),
        {"type": "app_rate_limited", "team_id": "T1"},
        {"type": "event_callback"},
        {},
    ],
    ids=["user-tokens-only", "tokens-not-a-map", "other-event", "event-not-a-map",
         "not-a-callback", "no-event", "empty"],
)  # fmt: skip
def test_everything_else_asks_for_nothing(envelope: dict[str, Any]) -> None:
    assert read_event_request(body(envelope)) is None


@pytest.mark.parametrize(
    "raw",
    [
        b"not json",
        b"\xff\xfe\x00",
        b"[1, 2]",
        b'"a string"',
        body({"type": "url_verification"}),
        body({"type": "url_verification", "challenge": 42}),
        body(callback({"type": "app_uninstalled"}, event_id="")),
        body(callback({"type": "app_uninstalled"}, event_id=None)),
    ],
    ids=["not-json", "not-utf8", "array", "string", "no-challenge", "challenge-not-text",
         "empty-event-id", "no-event-id"],
)  # fmt: skip
def test_a_body_that_is_not_an_envelope_is_malformed(raw: bytes) -> None:
    with pytest.raises(MalformedEnvelope):
        read_event_request(raw)


def test_an_ignored_event_needs_no_event_id() -> None:
    assert read_event_request(body(callback({"type": "message"}, event_id=None))) is None


@given(st.binary(max_size=200))
def test_any_body_is_read_or_refused_as_malformed(raw: bytes) -> None:
    try:
        asked = read_event_request(raw)
    except MalformedEnvelope:
        return
    assert asked is None or isinstance(asked, UrlVerification | WorkspaceRemovedInSlack)


ENVELOPE_KEYS = ["type", "event", "event_id", "team_id", "tokens", "bot", "authorizations",
                 "challenge", "enterprise_id", "is_enterprise_install"]  # fmt: skip


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=10),
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(
                st.sampled_from(ENVELOPE_KEYS),
                inner,
                max_size=5,
            )
        ),
        max_leaves=20,
    )
)
def test_any_json_is_read_or_refused_as_malformed(value: Any) -> None:
    try:
        asked = read_event_request(body(value))
    except MalformedEnvelope:
        return
    assert asked is None or isinstance(asked, UrlVerification | WorkspaceRemovedInSlack)


def member(**fields: Any) -> dict[str, Any]:
    """A user object as `team_join` / `user_change` carry it."""
    return {"id": "W1", "team_id": "T1", "name": "maria", "real_name": "Maria", "tz": "UTC",
            "deleted": False, "is_bot": False,
            "profile": {"real_name": "Maria", "email": "maria@acme.example"}, **fields}


@pytest.mark.parametrize("kind", ["team_join", "user_change"])
def test_directory_events_carry_the_account(kind: str) -> None:
    asked = read_event_request(body(callback({"type": kind, "user": member(tz="Asia/Tokyo")},
                                             enterprise_id="E1")))
    assert isinstance(asked, SlackAccountChanged)
    assert (asked.event_id, asked.team_id, asked.enterprise_id) == ("Ev1", "T1", "E1")
    assert not asked.is_enterprise_install
    account = asked.account
    assert (account.id, account.email, account.tz, account.deleted) == (
        "W1", "maria@acme.example", "Asia/Tokyo", False)


def test_a_deactivation_is_a_user_change_with_deleted() -> None:
    org_wide = [{"team_id": None, "is_enterprise_install": True}]
    asked = read_event_request(body(callback({"type": "user_change", "user": member(deleted=True)},
                                             authorizations=org_wide)))
    assert isinstance(asked, SlackAccountChanged)
    assert asked.account.deleted and asked.is_enterprise_install


@pytest.mark.parametrize("user", [None, "W1", {"name": "no id"}, {"id": ""}])
def test_a_directory_event_without_a_readable_user_is_malformed(user: Any) -> None:
    with pytest.raises(MalformedEnvelope):
        read_event_request(body(callback({"type": "user_change", "user": user})))


def test_a_directory_event_without_an_event_id_is_malformed() -> None:
    envelope = callback({"type": "team_join", "user": member()})
    del envelope["event_id"]
    with pytest.raises(MalformedEnvelope):
        read_event_request(body(envelope))
