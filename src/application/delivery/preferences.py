"""What each person's preferences (`domain.preferences`) change in delivery, in two places:

- at expansion (`FollowingPreferences`, a `NotificationPolicy` around the table's): a muted
  kind is never turned into a delivery (requests and meetings addressed to the person cannot
  be muted); and whoever an outbox row concerns gets their Home tab published again;
- when a delivery is due (`PersonalTiming.decide`, one call from the sender): the person's own
  notification hours replace the organization's, and a low-priority kind they get as a daily
  digest waits for it: the first of that day's deliveries to go out carries every item (a
  `DIGEST` notification), the others are settled as sent with it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

import attrs

from application.delivery.model import Delivery, Notification, NotificationKind
from application.delivery.ports import NotificationPolicy
from application.ports import OutboxMessage
from application.preferences import DigestItem, PreferenceStore
from application.slack.ports import SlackUnitOfWork
from domain.errors import NotFound
from domain.ids import ConnectionId, MemberId
from domain.preferences import NotificationPreferences
from domain.working_hours import WorkingWindow, zone_of

# Families of topics that change what a Home tab shows (announcements and the Slack
# integration's own news do not).
HOME_TOPICS = ("mentor_request.", "meeting.", "connection.", "survey.", "member.",
               "slack_identity.")  # fmt: skip


class StaleHomes(Protocol):
    """Where to say whose Home tab changed (`HomePublisher.mark_stale`)."""

    def mark_stale(self, user_ids: Iterable[str]) -> None: ...


@attrs.frozen(kw_only=True)
class FollowingPreferences:
    """The notification table's policy, minus what each recipient muted; it also tells
    `homes` whom the row concerns."""

    inner: NotificationPolicy
    preferences: PreferenceStore
    homes: StaleHomes | None = None

    async def notifications_for(
        self, row: OutboxMessage, uow: SlackUnitOfWork
    ) -> Sequence[Notification]:
        made = await self.inner.notifications_for(row, uow)
        if self.homes is not None and row.topic.startswith(HOME_TOPICS):
            concerned = {n.recipient_user_id for n in made} | await _people_in(row, uow)
            self.homes.mark_stale(concerned)
        kept = []
        for notification in made:
            prefs = None
            if not notification.refresh and not notification.urgent:
                prefs = await self.preferences.get(notification.recipient_user_id)
            if prefs is None or not prefs.is_muted(notification.kind.value):
                kept.append(notification)
        return kept


async def _people_in(row: OutboxMessage, uow: SlackUnitOfWork) -> set[str]:
    """The users an event names (members, a connection's participants, a user)."""
    payload: dict[str, Any] = row.payload
    members: set[str] = set()
    for key, value in payload.items():
        if key.endswith("_ids") and isinstance(value, list | tuple):
            members.update(str(v) for v in value)
        elif key.endswith("_id") and isinstance(value, str):
            members.add(value)
    connection_id = payload.get("connection_id")
    if isinstance(connection_id, str):
        with contextlib.suppress(NotFound):  # a row about a connection that is gone
            members.update((await uow.connections.get(ConnectionId(connection_id))).participants)
    found = await uow.members.get_many([MemberId(m) for m in sorted(members)])
    users: set[str] = {m.user_id for m in found}
    if isinstance(payload.get("user_id"), str):
        users.add(payload["user_id"])
    return users


@attrs.frozen(kw_only=True)
class Timing:
    """What the person's preferences decide for a due delivery."""

    window: WorkingWindow  # the notification hours that apply
    wait_until: datetime | None = None  # waits for the daily digest
    send_instead: Notification | None = None  # the digest this delivery carries
    went_in_digest: bool = False  # another delivery's digest carried it: settle as sent


def next_start(window: WorkingWindow, after: datetime, timezone: str) -> datetime:
    """The first time the window opens strictly after `after` (the digest's moment)."""
    zone = zone_of(timezone)
    local = after.astimezone(zone)
    for ahead in range(9):
        day = (local + timedelta(days=ahead)).date()
        opening = datetime.combine(day, window.start, tzinfo=zone)
        if day.weekday() in window.days and opening > local:
            return opening.astimezone(after.tzinfo)
    raise AssertionError("a window with a working day opens within a week")


@attrs.frozen(kw_only=True)
class PersonalTiming:
    """The sender's one question to preferences (`store` None: nobody has any)."""

    store: PreferenceStore | None = None

    async def decide(
        self, delivery: Delivery, organization_window: WorkingWindow, timezone: str,
        now: datetime,
    ) -> Timing:  # fmt: skip
        notification = delivery.notification
        prefs: NotificationPreferences | None = None
        if self.store is not None and not notification.refresh:
            prefs = await self.store.get(notification.recipient_user_id)
        window = (prefs.window if prefs else None) or organization_window
        if prefs is None or notification.urgent or not prefs.digests(notification.kind.value):
            return Timing(window=window)
        assert self.store is not None
        due = next_start(window, notification.created_at, timezone)
        await self.store.add_to_digest(DigestItem(
            user_id=notification.recipient_user_id, due_at=due, delivery_id=delivery.id,
            kind=notification.kind.value, facts=notification.facts,
            created_at=notification.created_at,
        ))  # fmt: skip
        if now < due:
            return Timing(window=window, wait_until=due)
        items = await self.store.take_digest(notification.recipient_user_id, due, by=delivery.id)
        if not items:
            return Timing(window=window, went_in_digest=True)
        digest = attrs.evolve(
            notification, kind=NotificationKind.DIGEST, program_id=None,
            facts={"items": [{"kind": i.kind, "facts": i.facts} for i in items],
                   "timezone": notification.facts.get("timezone", timezone),
                   "at": due.isoformat()},
        )  # fmt: skip
        return Timing(window=window, send_instead=digest)
