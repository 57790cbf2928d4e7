"""The delivery worker: turns outbox rows into deliveries (`Expander`) and sends what is due
(`Sender`), promptly after a commit (`wake`, rung by the composition root's outbox bell) and
by polling as the safety net. Any number of workers share the work through leases. Between
two units of work (one outbox row, one delivery) the worker waits for its turn (`Turns`:
inside the web server, requests go first); a stopping worker finishes the unit in hand and
gives the rest of its batch back at once rather than leaving it to lease expiry."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import timedelta

import attrs

from application.delivery.model import Delivery, DeliveryStatus
from application.delivery.ports import DeliveryStore, EveryTurn, NotificationPolicy, Turns
from application.delivery.sender import RetryPolicy, Sender
from application.ports import Clock, Outbox
from application.slack.ports import SlackUnitOfWork
from domain.ids import new_id

log = logging.getLogger(__name__)
_ABANDONED = "Expanding it was abandoned {n} times: the worker stopped every time it tried."


@attrs.define(kw_only=True)
class Expander:
    """Outbox rows -> one delivery per recipient, stored in the transaction that marks the row
    handled. A row the policy fails on is retried later with the error kept."""

    outbox: Outbox
    store: DeliveryStore
    policy: NotificationPolicy
    uow_factory: Callable[[], SlackUnitOfWork]
    clock: Clock
    lease: timedelta = timedelta(seconds=60)
    retry: RetryPolicy = attrs.field(factory=RetryPolicy)
    turns: Turns = attrs.field(factory=EveryTurn)

    async def expand_due(self, limit: int = 50, stop: asyncio.Event | None = None) -> int:
        rows = await self.outbox.claim(self.clock.now(), limit, self.lease)
        for index, row in enumerate(rows):
            await self.turns.wait_turn()
            if stop is not None and stop.is_set():
                for untouched in rows[index:]:
                    await self.outbox.release(untouched.id, self.clock.now())
                break
            if row.attempts > self.retry.max_attempts:  # every try ended its worker
                await self.outbox.retry(
                    row.id, _ABANDONED.format(n=row.attempts - 1), row.available_at
                )
                continue
            try:
                async with self.uow_factory() as uow:
                    notifications = await self.policy.notifications_for(row, uow)
                now = self.clock.now()
                deliveries = [
                    Delivery(
                        id=new_id(),
                        notification=n,
                        status=DeliveryStatus.PENDING,
                        next_attempt_at=now,
                    )
                    for n in notifications
                ]
                if not await self.store.expand(row.id, deliveries):
                    log.warning("Outbox row %s was taken over by another worker", row.id)
            except Exception as error:
                log.exception("Could not expand outbox row %s (%s)", row.id, row.topic)
                at = self.retry.next_attempt(row.attempts, self.clock.now(), lambda: 1.0)
                await self.outbox.retry(row.id, f"{type(error).__name__}: {error}", at)
        return len(rows)


@attrs.define(kw_only=True)
class DeliveryWorker:
    expander: Expander
    sender: Sender
    poll_every: float = 1.0
    wake: asyncio.Event = attrs.field(factory=asyncio.Event)

    async def run_once(self, stop: asyncio.Event | None = None) -> int:
        """One round: expand what the outbox holds, then send what is due."""
        expanded = await self.expander.expand_due(stop=stop)
        return expanded + await self.sender.send_due(stop=stop)

    async def run(self, stop: asyncio.Event) -> None:
        """Until `stop` is set; a round in progress is finished first."""
        while not stop.is_set():
            self.wake.clear()  # before the round: a commit during it still wakes the next one
            try:
                busy = await self.run_once(stop)
            except Exception:  # the database went away, say: keep going, it comes back
                log.exception("Delivery round failed; trying again shortly")
                busy = 0
            if busy:
                continue
            waiters = [asyncio.ensure_future(e.wait()) for e in (stop, self.wake)]
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED), self.poll_every
                )
            for waiter in waiters:
                waiter.cancel()
