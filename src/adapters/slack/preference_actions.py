"""The Home tab's preference actions (`adapters.slack.home.preferences` ids): what each one
asks for, and its handler.

Registration point: `PREFERENCE_ACTIONS` maps every preference `action_id` to the reader of
its change; an interactivity registry routes those ids to `handle_preference_action` with
the `PreferenceAction` that `read_preference_action` made of the payload. The handler maps the
Slack user to their platform user, runs `change_preferences` through the use case runner as
that user and publishes their Home again: with the change, or unchanged with the reason it
was refused (a Home has no ephemeral messages; the reason shows where they clicked)."""

from __future__ import annotations

import json
import logging
import urllib.parse
from collections.abc import Callable, Mapping
from datetime import time
from typing import Any

import attrs

from adapters.slack.home import preferences as ids
from application.actors import SYSTEM
from application.preferences import (
    ChooseDigest,
    MuteKinds,
    PreferenceChange,
    SetNotificationHours,
    change_preferences,
)
from application.running import UseCaseRunner
from application.slack.home_publishing import HomePublisher, SlackPerson, slack_actor
from domain.errors import DomainError

log = logging.getLogger(__name__)
NOT_OFFERED = "That choice isn't one mentorlink offers. Nothing was changed."


class NotOffered(ValueError):
    """A value no element of ours sends (forged, or from an older Home)."""


def _selected(action: Mapping[str, Any]) -> list[str]:
    options = action.get("selected_options")
    if not isinstance(options, list):
        raise NotOffered("no selected_options")
    return [str(o.get("value")) for o in options if isinstance(o, dict)]


def _one(action: Mapping[str, Any]) -> str:
    option = action.get("selected_option")
    if not isinstance(option, dict) or not isinstance(option.get("value"), str):
        raise NotOffered("no selected_option")
    return str(option["value"])


def _time(action: Mapping[str, Any]) -> time:
    try:
        return time.fromisoformat(_one(action))
    except ValueError:
        raise NotOffered("not a time") from None


def _days(action: Mapping[str, Any]) -> SetNotificationHours:
    try:
        days = frozenset(int(d) for d in _selected(action))
    except ValueError:
        raise NotOffered("not a day") from None
    return SetNotificationHours(days=days)


def _digest(action: Mapping[str, Any]) -> ChooseDigest:
    chosen = _one(action)
    if chosen not in (ids.EACH, ids.DAILY):
        raise NotOffered(chosen)
    return ChooseDigest(on=chosen == ids.DAILY)


PREFERENCE_ACTIONS: Mapping[str, Callable[[Mapping[str, Any]], PreferenceChange]] = {
    ids.MUTE: lambda a: MuteKinds(kinds=frozenset(_selected(a))),
    ids.DAYS: _days,
    ids.START: lambda a: SetNotificationHours(start=_time(a)),
    ids.END: lambda a: SetNotificationHours(end=_time(a)),
    ids.RESET_HOURS: lambda a: SetNotificationHours(reset=True),
    ids.DIGEST: _digest,
}


@attrs.frozen(kw_only=True)
class PreferenceAction:
    """Who changed which preference; `change` None: the value was not one we offer."""

    person: SlackPerson
    change: PreferenceChange | None


def read_preference_action(raw_body: bytes) -> PreferenceAction | None:
    """The preference change a verified interactivity body asks for; None when it is not a
    `block_actions` on one of our preference elements (or carries no user)."""
    try:
        form = urllib.parse.parse_qs(raw_body.decode())
        payload = json.loads(form.get("payload", ["null"])[0])
    except (ValueError, TypeError):
        return None
    return preference_action_of(payload)


def preference_action_of(payload: Any) -> PreferenceAction | None:
    """The preference change an interaction payload asks for (see `read_preference_action`)."""
    if not isinstance(payload, dict) or payload.get("type") != "block_actions":
        return None
    found = [a for a in payload.get("actions") or [] if isinstance(a, dict)]
    action = next((a for a in found if a.get("action_id") in PREFERENCE_ACTIONS), None)
    user = payload.get("user")
    if action is None or not isinstance(user, dict) or not isinstance(user.get("id"), str):
        return None
    try:
        change: PreferenceChange | None = PREFERENCE_ACTIONS[action["action_id"]](action)
    except NotOffered:
        change = None
    return PreferenceAction(person=_person(payload, user), change=change)


def _person(payload: Mapping[str, Any], user: Mapping[str, Any]) -> SlackPerson:
    team = payload.get("team")
    enterprise = payload.get("enterprise")
    team_id = team.get("id") if isinstance(team, dict) else user.get("team_id")
    return SlackPerson(
        enterprise_id=enterprise.get("id") if isinstance(enterprise, dict) else None,
        team_id=team_id if isinstance(team_id, str) else None,
        slack_user_id=str(user["id"]),
        is_enterprise_install=payload.get("is_enterprise_install") is True,
    )


async def handle_preference_action(
    action: PreferenceAction, runner: UseCaseRunner, homes: HomePublisher
) -> None:
    """Apply the change as the person who clicked, then publish their Home again. Runs after
    Slack got its 200: a failure is logged, never raised."""
    try:
        actor = await runner(slack_actor, action.person, SYSTEM)
        if actor is None:
            return  # a stranger's Home has no preferences; nothing to change or show
        notice = NOT_OFFERED if action.change is None else ""
        if action.change is not None:
            try:
                await runner(change_preferences, action.change, actor)
            except DomainError as refused:
                notice = str(refused)
        await homes.publish_for(actor.user_id, notice=notice)
    except Exception:
        log.exception("Could not apply a preference change of %s", action.person.slack_user_id)
