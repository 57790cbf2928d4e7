"""What the delivery worker needs from the outside world: the delivery store (with the outbox
rows it expands), shared Slack pacing, the two channels and their renderers."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

import attrs

from application.delivery.model import (
    Channel,
    Delivery,
    DeliveryStatus,
    Notification,
    SlackMessageRef,
)
from application.ports import OutboxMessage
from application.slack.ports import SlackUnitOfWork


class DeliveryStore(Protocol):
    """Deliveries and their leases. Each call is its own short transaction; a worker commits a
    claim before it calls any channel, and records the outcome in a second call."""

    async def expand(self, outbox_id: int, deliveries: Sequence[Delivery]) -> bool:
        """In ONE transaction: store `deliveries` (status pending/held/unreachable as given)
        and mark the claimed outbox row handled. False, and nothing stored, when the row is
        no longer claimed: handled already (its lease ended, another worker took it over and
        expanded it first: whoever expands first wins), or given back. So every outbox row's
        deliveries are stored exactly once."""
        ...

    async def claim(self, now: datetime, limit: int, lease: timedelta) -> Sequence[Delivery]:
        """Lease up to `limit` due deliveries, oldest due first: pending, held or retrying with
        `next_attempt_at <= now`, or sending with an ended lease (a crashed worker's). They
        become `sending` until `now + lease` (`lease_until`, and `next_attempt_at` too: when
        it is due again should the worker vanish); each claim counts an attempt. Two claims
        never get the same delivery while its lease runs. Committed before it returns."""
        ...

    # The outcomes below change a claimed delivery and answer False (changing nothing) when
    # it is not claimed. Pass the `lease_until` the claim returned: then a worker whose lease
    # ended and was taken over changes nothing either (without it, a late worker could end or
    # give back a delivery another worker is sending, and a third could claim it again).

    async def sent(
        self,
        id: str,
        *,
        channel: Channel,
        slack: SlackMessageRef | None,
        now: datetime,
        lease_until: datetime | None = None,
    ) -> bool:
        """A claimed delivery went out (through `channel`: a rerouted one by e-mail)."""
        ...

    async def retry(
        self,
        id: str,
        *,
        error: str,
        at: datetime,
        max_attempts: int,
        lease_until: datetime | None = None,
    ) -> bool:
        """A claimed delivery failed: due again at `at` (retrying), or dead once it has used
        `max_attempts`; `error` is kept either way."""
        ...

    async def dead(self, id: str, *, error: str, lease_until: datetime | None = None) -> bool:
        """A claimed delivery cannot go out (`invalid_blocks`...); `error` is kept."""
        ...

    async def unreachable(
        self, id: str, *, reason: str, lease_until: datetime | None = None
    ) -> bool:
        """No channel reaches the recipient of a claimed delivery; `reason` is kept."""
        ...

    async def hold(self, id: str, *, until: datetime, lease_until: datetime | None = None) -> bool:
        """Quiet hours: a claimed delivery waits (held) until `until`; the attempt is not
        counted against it."""
        ...

    async def release(self, id: str, *, now: datetime, lease_until: datetime | None = None) -> bool:
        """Give a claimed delivery back untried, due at `now`: a worker stopping passes the
        current time, a worker the pacing asked to wait the moment it was given. The attempt
        is not counted against it."""
        ...

    async def requeue(self, id: str, *, now: datetime) -> bool:
        """An administrator's Retry of a dead (or unreachable) delivery: pending, attempts
        reset."""
        ...

    async def get(self, id: str) -> Delivery:
        """NotFound when there is none."""
        ...

    async def slack_messages_about(self, subject_key: str) -> Sequence[Delivery]:
        """Sent Slack deliveries about a subject (`Subject.key`), to update their messages."""
        ...

    async def record_update(self, id: str, subject_version: int) -> bool:
        """Remember that a sent delivery's message now shows `subject_version` (read back as
        its notification's `subject_version`); False (and nothing changed) when it already
        shows that version or a newer one, or is not sent."""
        ...

    async def list_for_organization(
        self,
        organization_id: str,
        *,
        statuses: Sequence[DeliveryStatus] = (),
        since: datetime | None = None,
        limit: int = 100,
    ) -> Sequence[Delivery]: ...

    async def counts(
        self, organization_id: str, *, since: datetime
    ) -> Mapping[tuple[DeliveryStatus, Channel | None], int]:
        """How many deliveries created since `since`, by status and channel."""
        ...

    async def sent_by_installation(
        self, organization_id: str, *, since: datetime
    ) -> Mapping[str, int]:
        """How many Slack messages created since `since` went out, per installation."""
        ...

    async def totals(self) -> Mapping[tuple[DeliveryStatus, Channel | None], int]:
        """Every organization's deliveries by status and channel (the operator's metrics)."""
        ...

    async def oldest_waiting(self) -> datetime | None:
        """When the oldest delivery still pending or retrying was created; None if none is."""
        ...


class SlackCalls(Protocol):
    """Counts the Slack Web API calls the sender makes, and Slack's 429s, by method (the
    operator's metrics)."""

    def called(self, method: str, *, rate_limited: bool = False) -> None: ...


class NotCounted:
    """SlackCalls that counts nothing: where nobody reads metrics."""

    def called(self, method: str, *, rate_limited: bool = False) -> None:
        return None


class Turns(Protocol):
    """When the worker may start its next unit of work (one outbox row, one delivery): at
    once in a worker process of its own; inside the web server, when no request waits."""

    async def wait_turn(self) -> None: ...


class EveryTurn:
    """Turns for a worker with a process of its own: only lets the event loop run between
    units (a stop is noticed between any two)."""

    async def wait_turn(self) -> None:
        await asyncio.sleep(0)


class SlackPacing(Protocol):
    """Slack's rate limits per workspace and method, shared by every worker process (state in
    the database): together they stay under the limit one worker would."""

    async def reserve(self, workspace: str, method: str, now: datetime) -> datetime | None:
        """Take a call slot: None to go now, else the earliest moment to try again (the worker
        releases its lease rather than sleep holding it). `method` may name a channel after a
        slash (`chat.postMessage/D0123`): the call then needs a slot from that channel's pace
        (about 1/s) and from the method's workspace ceiling, and takes both or neither."""
        ...

    async def pause(self, workspace: str, method: str, until: datetime) -> None:
        """A 429's Retry-After: nobody calls `method` in `workspace` before `until`."""
        ...


@attrs.frozen(kw_only=True)
class SlackContent:
    """A rendered DM: fallback text and Block Kit blocks (JSON-ready dicts)."""

    text: str
    blocks: Sequence[Mapping[str, Any]]
    metadata: Mapping[str, Any] | None = None  # Slack message metadata (carries the delivery id)


@attrs.frozen(kw_only=True)
class MailContent:
    subject: str
    text: str
    html: str


class Mailer(Protocol):
    """E-mail, the fallback channel."""

    async def send(self, *, to: str, content: MailContent) -> None:
        """Raises MailError when the server refuses or cannot be reached."""
        ...


class MailError(Exception):
    """Sending an e-mail failed; `permanent` when retrying cannot help (a refused address)."""

    def __init__(self, detail: str, *, permanent: bool = False) -> None:
        super().__init__(detail)
        self.detail = detail
        self.permanent = permanent


class SlackRenderer(Protocol):
    """A notification as a Slack DM (Block Kit), for the recipient's timezone by Slack's date
    tokens; `delivery_id` goes into the message metadata (to count duplicates)."""

    def render(self, notification: Notification, *, delivery_id: str) -> SlackContent: ...


class MailRenderer(Protocol):
    """A notification as an e-mail: plain text and HTML, a link to the platform instead of
    buttons."""

    def render(self, notification: Notification) -> MailContent: ...


class NotificationPolicy(Protocol):
    """Who is told what about one outbox row (see `application.delivery.notifications`): the
    recipients and kinds from a pure table, the facts the renderers need read in `uow`.
    Topics nobody is told about give no notifications."""

    async def notifications_for(
        self, row: OutboxMessage, uow: SlackUnitOfWork
    ) -> Sequence[Notification]: ...
