"""Each person's notification preferences (`domain.preferences`): the store port, the use
cases that change them (from the Home tab) and the daily digest's waiting items.

The store is its own port, like the delivery store: preferences are read by the delivery
worker for every notification and written by one person at a time, never together with a
mentoring change."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time
from typing import Any, Protocol

import attrs

from application.actors import Actor
from application.ports import UnitOfWork
from domain.preferences import NotificationPreferences, defaults_for
from domain.working_hours import WorkingWindow


@attrs.frozen(kw_only=True)
class DigestItem:
    """A low-priority notification waiting for its recipient's daily digest (due at
    `due_at`); `facts` are the notification's, to render its line."""

    user_id: str
    due_at: datetime
    delivery_id: str
    kind: str
    facts: dict[str, Any]
    created_at: datetime


class PreferenceStore(Protocol):
    """Preferences by person, and the digest items waiting for them. Each call is its own
    short transaction."""

    async def get(self, user_id: str) -> NotificationPreferences | None:
        """The person's saved preferences; None when they never changed any."""
        ...

    async def save(self, preferences: NotificationPreferences) -> None:
        """Store them if `preferences.version` is still the stored one (0: never saved) and
        bump it; raises ConcurrencyConflict, changing nothing, when someone saved first."""
        ...

    async def add_to_digest(self, item: DigestItem) -> bool:
        """Keep an item for its digest; False (nothing added) when that delivery's item is
        already kept."""
        ...

    async def take_digest(self, user_id: str, due_at: datetime, *, by: str) -> Sequence[DigestItem]:
        """The person's items due at `due_at` for the digest delivery `by` sends, oldest
        first: every item no other delivery took yet becomes `by`'s, and `by` gets the same
        items again when it asks again (a retried send). Two deliveries never share an item.
        Items due a week before `due_at` or earlier are forgotten."""
        ...


@attrs.frozen(kw_only=True)
class MuteKinds:
    """Mute exactly these kinds (the Home tab's checkboxes send the whole selection)."""

    kinds: frozenset[str]


@attrs.frozen(kw_only=True)
class SetNotificationHours:
    """Change one or more parts of the person's own notification hours (None keeps the part;
    a person without own hours starts from the organization's); `reset` goes back to the
    organization's hours."""

    days: frozenset[int] | None = None
    start: time | None = None
    end: time | None = None
    reset: bool = False


@attrs.frozen(kw_only=True)
class ChooseDigest:
    on: bool


PreferenceChange = MuteKinds | SetNotificationHours | ChooseDigest


async def my_preferences(
    _: object, actor: Actor, preferences: PreferenceStore
) -> NotificationPreferences:
    """The actor's preferences, the defaults when they never chose anything."""
    saved = await preferences.get(actor.user_id)
    return saved or defaults_for(actor.user_id, actor.organization_id)


async def change_preferences(
    cmd: PreferenceChange, actor: Actor, uow: UnitOfWork, preferences: PreferenceStore
) -> NotificationPreferences:
    """Apply one change to the actor's own preferences. A refused change (muting a request,
    hours that end before they start) raises and stores nothing."""
    current = await my_preferences(None, actor, preferences)
    if isinstance(cmd, MuteKinds):
        current.mute_exactly(cmd.kinds)
    elif isinstance(cmd, ChooseDigest):
        current.set_digest(cmd.on)
    elif cmd.reset:
        current.set_window(None)
    else:
        base = current.window or await _organization_window(uow, actor)
        current.set_window(
            WorkingWindow(
                days=base.days if cmd.days is None else cmd.days,
                start=base.start if cmd.start is None else cmd.start,
                end=base.end if cmd.end is None else cmd.end,
            )
        )
    await preferences.save(current)
    return current


async def _organization_window(uow: UnitOfWork, actor: Actor) -> WorkingWindow:
    async with uow:
        return (await uow.organizations.get(actor.organization_id)).working_window
