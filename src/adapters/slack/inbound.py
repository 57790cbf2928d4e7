"""What Slack sends us, read into what the app does with it.

Interactivity requests are read by `adapters.slack.actions.payloads`.
`read_event_request` takes the raw body of an Events API request (already verified with
`signing.verify_slack_request`) and says what it asks for: a `UrlVerification` to answer with
its challenge, a use case command (`app_uninstalled`, or `tokens_revoked` naming bot tokens,
become `WorkspaceRemovedInSlack`, keyed by the envelope's `event_id`; `app_home_opened` on
the Home tab becomes `HomeOpened`; `team_join` and `user_change` become
`SlackAccountChanged`, the account read like a `users.list` member), or None for every other
event, which only needs a fast 200. A body that is not a Slack envelope raises
`MalformedEnvelope`: Slack should not retry it. Nothing here does I/O or knows about HTTP.
"""

from __future__ import annotations

import json
from typing import Any

import attrs

from adapters.slack.wire import user_from
from application.slack.directory_changes import SlackAccountChanged
from application.slack.gateway import SlackError
from application.slack.home_publishing import HomeOpened
from application.slack.removal import WorkspaceRemovedInSlack


class MalformedEnvelope(ValueError):
    """A signed body that is not a Slack envelope; retrying it would not help."""


@attrs.frozen
class UrlVerification:
    """Slack checking the Request URL: answer with `challenge`, do nothing else."""

    challenge: str


EventRequest = UrlVerification | WorkspaceRemovedInSlack | HomeOpened | SlackAccountChanged | None
"""What an Events API request asks for; None is an event we acknowledge and ignore."""


def read_event_request(raw_body: bytes) -> EventRequest:
    """What the Events API request with this body asks for; raises `MalformedEnvelope`."""
    return read_event(envelope_of(raw_body))


def envelope_of(raw_body: bytes) -> dict[str, Any]:
    """The JSON object an Events API request carries; raises `MalformedEnvelope`."""
    try:
        envelope = json.loads(raw_body)
    except ValueError as malformed:  # json.JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise MalformedEnvelope(str(malformed)) from malformed
    if not isinstance(envelope, dict):
        raise MalformedEnvelope("not a JSON object")
    return envelope


def read_event(envelope: Any) -> EventRequest:
    """What an Events API envelope asks for, however it came (an HTTP body, a Socket Mode
    `events_api` payload); raises `MalformedEnvelope`."""
    try:
        if not isinstance(envelope, dict):
            raise ValueError("not a JSON object")
        if envelope.get("type") == "url_verification":
            challenge = envelope.get("challenge")
            if not isinstance(challenge, str):
                raise ValueError("a url_verification without a challenge")
            return UrlVerification(challenge=challenge)
        return home_opened(envelope) or account_change(envelope) or removal_of(envelope)
    except MalformedEnvelope:
        raise
    except ValueError as malformed:  # json.JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise MalformedEnvelope(str(malformed)) from malformed


def removal_of(envelope: dict[str, Any]) -> WorkspaceRemovedInSlack | None:
    """The removal an `event_callback` announces, or None when it announces none."""
    event = envelope.get("event")
    if envelope.get("type") != "event_callback" or not isinstance(event, dict):
        return None
    kind = event.get("type")
    if kind == "tokens_revoked":
        tokens = event.get("tokens")
        if not isinstance(tokens, dict) or not tokens.get("bot"):
            return None  # only user tokens were revoked: the bot still works
    elif kind != "app_uninstalled":
        return None
    org_wide = _org_wide(envelope)
    event_id = _text(envelope.get("event_id"))
    if event_id is None:
        raise MalformedEnvelope("an event without an event_id")
    return WorkspaceRemovedInSlack(
        event_id=event_id,
        enterprise_id=_text(envelope.get("enterprise_id")),
        team_id=_text(envelope.get("team_id")),
        is_enterprise_install=org_wide,
    )


def home_opened(envelope: dict[str, Any]) -> HomeOpened | None:
    """`app_home_opened` on the Home tab (the Messages tab needs nothing from us)."""
    event = envelope.get("event")
    if envelope.get("type") != "event_callback" or not isinstance(event, dict):
        return None
    if event.get("type") != "app_home_opened" or event.get("tab", "home") != "home":
        return None
    user = _text(event.get("user"))
    if user is None:
        raise MalformedEnvelope("an app_home_opened without a user")
    org_wide = _org_wide(envelope)
    return HomeOpened(
        enterprise_id=_text(envelope.get("enterprise_id")),
        team_id=_text(envelope.get("team_id")),
        slack_user_id=user,
        is_enterprise_install=org_wide,
    )


def account_change(envelope: dict[str, Any]) -> SlackAccountChanged | None:
    """`team_join` / `user_change`: the account as the event shows it (Slack's full user
    object, read like a `users.list` member)."""
    event = envelope.get("event")
    if envelope.get("type") != "event_callback" or not isinstance(event, dict):
        return None
    kind = event.get("type")
    if kind not in ("team_join", "user_change"):
        return None
    user = event.get("user")
    if not isinstance(user, dict):
        raise MalformedEnvelope(f"a {kind} without its user object")
    try:
        account = user_from(user)
    except SlackError as malformed:
        raise MalformedEnvelope(f"a {kind} with a malformed user: {malformed.detail}") from None
    event_id = _text(envelope.get("event_id"))
    if event_id is None:
        raise MalformedEnvelope("an event without an event_id")
    return SlackAccountChanged(
        event_id=event_id,
        enterprise_id=_text(envelope.get("enterprise_id")),
        team_id=_text(envelope.get("team_id")),
        is_enterprise_install=_org_wide(envelope),
        account=account,
    )


def _org_wide(envelope: dict[str, Any]) -> bool:
    """Whether the event came through an org-wide (Grid) install."""
    authorizations = envelope.get("authorizations")
    first = authorizations[0] if isinstance(authorizations, list) and authorizations else None
    return isinstance(first, dict) and first.get("is_enterprise_install") is True


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
