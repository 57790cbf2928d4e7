"""The Home tab's preference elements (`adapters.slack.home.preferences` ids), registered like
every other action: each reads the change its element asks for, runs `change_preferences` as
the person who clicked, and the Home is published again (`ShownOnHome`) with the change, or
unchanged with the reason it was refused (a Home has no ephemeral messages; the reason shows
where they clicked). A value none of our elements sends changes nothing and says so."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import time
from typing import Any

from adapters.slack.actions.payloads import Click
from adapters.slack.actions.registry import Acting, ClickHandler, ClickReply, Registry, ShownOnHome
from adapters.slack.home import preferences as ids
from application.preferences import (
    ChooseDigest,
    MuteKinds,
    PreferenceChange,
    SetNotificationHours,
    change_preferences,
)
from domain.errors import ConcurrencyConflict, DomainError

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


Reader = Callable[[Mapping[str, Any]], PreferenceChange]

READERS: Mapping[str, Reader] = {
    ids.MUTE: lambda a: MuteKinds(kinds=frozenset(_selected(a))),
    ids.DAYS: _days,
    ids.START: lambda a: SetNotificationHours(start=_time(a)),
    ids.END: lambda a: SetNotificationHours(end=_time(a)),
    ids.RESET_HOURS: lambda a: SetNotificationHours(reset=True),
    ids.DIGEST: _digest,
}


def change(read: Reader) -> ClickHandler:
    """The click handler of one preference element."""

    async def changed(click: Click, acting: Acting) -> ClickReply:
        try:
            wanted = read(click.action)
        except NotOffered:
            return ShownOnHome(NOT_OFFERED)
        try:
            await acting.run(change_preferences, wanted)
        except ConcurrencyConflict:
            return ShownOnHome("Your notifications changed elsewhere a moment ago. "
                               "Here they are now; please choose again.")  # fmt: skip
        except DomainError as refused:
            return ShownOnHome(refused.message)
        return ShownOnHome()

    return changed


def register(registry: Registry) -> None:
    for action_id, read in READERS.items():
        registry.on_click(action_id, change(read))
