"""An interactivity request (form-encoded `payload=<json>`, already verified) read into what
the person did: a `Click` (block_actions), a `Submission` (view_submission) or a `Closed`
modal (view_closed). Hostile or odd input never raises anything but `MalformedEnvelope`;
missing fields become empty strings, so a forged payload is refused later, with words."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Mapping
from typing import Any

import attrs

from adapters.slack.inbound import MalformedEnvelope

JSON = dict[str, Any]


@attrs.frozen(kw_only=True)
class Origin:
    """Who acted, where: the Grid and/or workspace and the Slack user id."""

    enterprise_id: str | None
    team_id: str | None
    user_id: str
    is_enterprise_install: bool = False


@attrs.frozen(kw_only=True)
class Click:
    """A button clicked or an option picked, in a message, the Home tab or a modal."""

    origin: Origin
    action_id: str
    block_id: str
    value: str  # a button's value, or the picked option's value
    trigger_id: str
    response_url: str | None  # messages only
    channel_id: str | None  # messages only
    message: JSON | None  # the clicked message as Slack shows it (blocks, text, ts)
    view: JSON | None  # the view the click happened in (modal or Home tab)
    state: JSON  # `state.values` of the message or view: picked options, typed text
    action: JSON = attrs.field(factory=dict)  # the action as Slack sent it (selected_options...)

    def picked(self, block_id: str, action_id: str) -> str | None:
        """The value of the option picked in a select of this message or view."""
        return _picked(self.state, block_id, action_id)


@attrs.frozen(kw_only=True)
class Submission:
    """A modal's Submit."""

    origin: Origin
    callback_id: str
    view_id: str
    private_metadata: str
    values: JSON  # `view.state.values`: block id -> action id -> entry
    view: JSON
    trigger_id: str

    def text(self, block_id: str, action_id: str) -> str:
        """What was typed in a plain-text input (empty when nothing was)."""
        entry = _entry(self.values, block_id, action_id)
        value = entry.get("value")
        return value if isinstance(value, str) else ""

    def picked(self, block_id: str, action_id: str) -> str | None:
        return _picked(self.values, block_id, action_id)

    def picked_many(self, block_id: str, action_id: str) -> list[str]:
        options = _entry(self.values, block_id, action_id).get("selected_options")
        if not isinstance(options, list):
            return []
        return [str(o["value"]) for o in options if isinstance(o, dict) and "value" in o]

    def date(self, block_id: str, action_id: str) -> str | None:
        value = _entry(self.values, block_id, action_id).get("selected_date")
        return value if isinstance(value, str) and value else None


@attrs.frozen(kw_only=True)
class Closed:
    """A modal closed with its close button (sent only with `notify_on_close`)."""

    origin: Origin
    callback_id: str
    private_metadata: str


Interaction = Click | Submission | Closed


def _entry(values: Mapping[str, Any], block_id: str, action_id: str) -> JSON:
    block = values.get(block_id)
    entry = block.get(action_id) if isinstance(block, dict) else None
    return entry if isinstance(entry, dict) else {}


def _picked(values: Mapping[str, Any], block_id: str, action_id: str) -> str | None:
    option = _entry(values, block_id, action_id).get("selected_option")
    if isinstance(option, dict) and isinstance(option.get("value"), str):
        return str(option["value"])
    return None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _dict(value: Any) -> JSON:
    return value if isinstance(value, dict) else {}


def _origin(payload: JSON) -> Origin:
    user, team, enterprise = (
        _dict(payload.get("user")),
        payload.get("team"),
        payload.get("enterprise"),
    )
    team_id = _text(_dict(team).get("id")) or _text(user.get("team_id")) or None
    enterprise_id = _text(_dict(enterprise).get("id")) or _text(_dict(team).get("enterprise_id"))
    return Origin(
        enterprise_id=enterprise_id or None,
        team_id=team_id,
        user_id=_text(user.get("id")),
        is_enterprise_install=payload.get("is_enterprise_install") is True,
    )


def _values(container: JSON) -> JSON:
    return _dict(_dict(container.get("state")).get("values"))


def _click(payload: JSON) -> Click | None:
    found = payload.get("actions")
    actions = [a for a in found if isinstance(a, dict)] if isinstance(found, list) else []
    if not actions:
        return None
    action = actions[0]
    option = _dict(action.get("selected_option"))
    view = payload.get("view") if isinstance(payload.get("view"), dict) else None
    message = payload.get("message") if isinstance(payload.get("message"), dict) else None
    return Click(
        origin=_origin(payload),
        action_id=_text(action.get("action_id")),
        block_id=_text(action.get("block_id")),
        value=_text(action.get("value")) or _text(option.get("value")),
        trigger_id=_text(payload.get("trigger_id")),
        response_url=_text(payload.get("response_url")) or None,
        channel_id=_text(_dict(payload.get("channel")).get("id")) or None,
        message=message,
        view=view,
        state=_values(view) if view is not None else _values(payload),
        action=action,
    )


def read_interaction(raw_body: bytes) -> Interaction | None:
    """What the interactivity request with this body asks for; None for the kinds mentorlink
    does not use (shortcuts...), which need only an empty 200. Raises `MalformedEnvelope`
    when the body carries no payload object."""
    return interaction_of(payload_of(raw_body))


def payload_of(raw_body: bytes) -> JSON:
    """The payload object of a form-encoded interactivity request; raises `MalformedEnvelope`."""
    try:
        form = urllib.parse.parse_qs(raw_body.decode(), strict_parsing=False)
        (raw,) = form.get("payload", [None])
        payload = json.loads(raw) if raw is not None else None
        if not isinstance(payload, dict):
            raise ValueError("no interaction payload")
    except (ValueError, TypeError) as malformed:
        raise MalformedEnvelope(str(malformed)) from malformed
    return payload


def interaction_of(payload: Any) -> Interaction | None:
    """What an interaction payload asks for, however it came (a form field over HTTP, a
    Socket Mode `interactive` payload); None for kinds mentorlink does not use. Raises
    `MalformedEnvelope` when it is not an object."""
    if not isinstance(payload, dict):
        raise MalformedEnvelope("no interaction payload")
    kind = payload.get("type")
    if kind == "block_actions":
        return _click(payload)
    view = _dict(payload.get("view"))
    if kind == "view_submission":
        return Submission(
            origin=_origin(payload),
            callback_id=_text(view.get("callback_id")),
            view_id=_text(view.get("id")),
            private_metadata=_text(view.get("private_metadata")),
            values=_values(view),
            view=view,
            trigger_id=_text(payload.get("trigger_id")),
        )
    if kind == "view_closed":
        return Closed(
            origin=_origin(payload),
            callback_id=_text(view.get("callback_id")),
            private_metadata=_text(view.get("private_metadata")),
        )
    return None
