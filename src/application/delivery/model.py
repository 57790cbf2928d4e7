"""The records of delivery: what is to be said to whom (`Notification`), and one attempt to
say it through a channel (`Delivery`) with its lifecycle."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import attrs


class NotificationKind(enum.StrEnum):
    """What a notification is about; each kind has one renderer per channel."""

    MENTOR_REQUEST_RECEIVED = "mentor_request_received"
    MENTOR_REQUEST_ANSWERED = "mentor_request_answered"  # accepted / declined / expired
    MENTOR_REQUEST_WITHDRAWN = "mentor_request_withdrawn"
    CONNECTION_PUBLISHED = "connection_published"
    MENTORS_RECOMMENDED = "mentors_recommended"  # a mentee joined a program without a mentor
    MEETING_PROPOSED = "meeting_proposed"
    MEETING_ANSWERED = "meeting_answered"  # accepted / declined / cancelled / expired
    MESSAGE_RECEIVED = "message_received"
    TASK_ASSIGNED = "task_assigned"
    TASK_COMPLETED = "task_completed"
    SURVEY_ASSIGNED = "survey_assigned"
    ANNOUNCEMENT = "announcement"
    WELCOME = "welcome"  # first found in Slack: who the bot is, what is waiting
    DIGEST = "digest"  # a day's low-priority news in one message (the person's preference)


class Channel(enum.StrEnum):
    SLACK = "slack"
    EMAIL = "email"


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"  # due at `next_attempt_at`
    HELD = "held"  # quiet hours: due at `next_attempt_at`, the window's start
    SENDING = "sending"  # claimed by a worker until `lease_until`
    SENT = "sent"
    RETRYING = "retrying"  # failed, due again at `next_attempt_at`
    DEAD = "dead"  # gave up; `last_error` says why
    UNREACHABLE = "unreachable"  # no channel reaches the person; `last_error` says why

    @property
    def final(self) -> bool:
        return self in (DeliveryStatus.SENT, DeliveryStatus.DEAD, DeliveryStatus.UNREACHABLE)


@attrs.frozen(kw_only=True)
class Subject:
    """What a message is about, so it can be kept true when that changes:
    `mentor_request`, `meeting`, `task` (id `connection_id:task_id`), `survey_assignment`,
    `connection`, `announcement`."""

    kind: str
    id: str

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


@attrs.frozen(kw_only=True)
class Notification:
    """One thing to tell one person. `facts` is the JSON-ready snapshot the renderers need
    (names, titles, slots...), gathered when the outbox row is expanded."""

    kind: NotificationKind
    organization_id: str
    program_id: str | None
    recipient_user_id: str
    subject: Subject
    facts: dict[str, Any]
    outbox_id: int
    created_at: datetime
    urgent: bool = True  # requests and meetings addressed to the person: never muted
    # An update of what was already said about `subject` (every Slack message about it is
    # re-rendered with `chat.update`; never held). `subject_version` orders updates: the
    # latest state wins even when they arrive out of order.
    refresh: bool = False
    subject_version: int = 0


@attrs.frozen(kw_only=True)
class SlackMessageRef:
    """Where a Slack message landed, to update it later (`chat.update`)."""

    installation_id: str
    channel_id: str
    ts: str


@attrs.frozen(kw_only=True)
class Delivery:
    """One notification through one channel, and how far it got."""

    id: str
    notification: Notification
    status: DeliveryStatus
    channel: Channel | None = None
    attempts: int = 0
    next_attempt_at: datetime
    lease_until: datetime | None = None
    last_error: str | None = None
    slack: SlackMessageRef | None = None
    sent_at: datetime | None = None
