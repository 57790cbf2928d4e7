"""The delivery store (`application.delivery.ports.DeliveryStore`) on a MemoryStore: what
the in-memory app and the unit tests use. It passes the same contract suite as
`sql_deliveries` (tests/contract/test_delivery_store_contract.py). No call awaits anything,
so each one is atomic on the event loop, as a transaction is in SQL."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import attrs

from adapters.persistence.delivery_rows import DUE
from adapters.persistence.memory_store import MemoryStore
from application.delivery.model import (
    Channel,
    Delivery,
    DeliveryStatus,
    SlackMessageRef,
)
from domain.errors import NotFound

_S = DeliveryStatus


class MemoryDeliveryStore:
    """Deliveries in `MemoryStore.deliveries`; the outbox rows they come from in
    `MemoryStore.outbox`. Several of these on one MemoryStore share everything."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    async def expand(self, outbox_id: int, deliveries: Sequence[Delivery]) -> bool:
        outbox = self._store.outbox
        if not 0 < outbox_id <= len(outbox) or outbox[outbox_id - 1].status != "sending":
            return False
        ids = [d.id for d in deliveries]
        if len(set(ids)) < len(ids) or any(id in self._store.deliveries for id in ids):
            raise ValueError("a delivery with this id is already stored")
        outbox[outbox_id - 1] = attrs.evolve(outbox[outbox_id - 1], status="handled")
        self._store.deliveries.update((d.id, d) for d in deliveries)
        return True

    async def claim(self, now: datetime, limit: int, lease: timedelta) -> Sequence[Delivery]:
        due = sorted(
            (d for d in self._store.deliveries.values() if _due(d, now)),
            key=lambda d: (d.next_attempt_at, d.id),
        )[: max(limit, 0)]
        until = now + lease
        return [
            self._put(
                d,
                status=_S.SENDING,
                attempts=d.attempts + 1,
                next_attempt_at=until,
                lease_until=until,
            )
            for d in due
        ]

    async def sent(
        self,
        id: str,
        *,
        channel: Channel,
        slack: SlackMessageRef | None,
        now: datetime,
        lease_until: datetime | None = None,
    ) -> bool:
        changes = {"status": _S.SENT, "channel": channel, "slack": slack, "sent_at": now}
        return self._settle(id, lease_until, **changes)

    async def retry(
        self,
        id: str,
        *,
        error: str,
        at: datetime,
        max_attempts: int,
        lease_until: datetime | None = None,
    ) -> bool:
        claimed = self._claimed(id, lease_until)
        if claimed is None:
            return False
        if claimed.attempts >= max_attempts:
            return self._settle(id, lease_until, status=_S.DEAD, last_error=error)
        changes = {"status": _S.RETRYING, "last_error": error, "next_attempt_at": at}
        return self._settle(id, lease_until, **changes)

    async def dead(self, id: str, *, error: str, lease_until: datetime | None = None) -> bool:
        return self._settle(id, lease_until, status=_S.DEAD, last_error=error)

    async def unreachable(
        self, id: str, *, reason: str, lease_until: datetime | None = None
    ) -> bool:
        return self._settle(id, lease_until, status=_S.UNREACHABLE, last_error=reason)

    async def hold(self, id: str, *, until: datetime, lease_until: datetime | None = None) -> bool:
        return self._give_back(id, lease_until, status=_S.HELD, at=until)

    async def release(self, id: str, *, now: datetime, lease_until: datetime | None = None) -> bool:
        return self._give_back(id, lease_until, status=_S.PENDING, at=now)

    async def requeue(self, id: str, *, now: datetime) -> bool:
        found = self._store.deliveries.get(id)
        if found is None or found.status not in (_S.DEAD, _S.UNREACHABLE):
            return False
        self._put(found, status=_S.PENDING, attempts=0, next_attempt_at=now, lease_until=None)
        return True

    async def get(self, id: str) -> Delivery:
        found = self._store.deliveries.get(id)
        if found is None:
            raise NotFound(f"There is no delivery {id}.")
        return found

    async def slack_messages_about(self, subject_key: str) -> Sequence[Delivery]:
        return sorted(
            (
                d
                for d in self._store.deliveries.values()
                if d.notification.subject.key == subject_key
                and d.status is _S.SENT
                and d.channel is Channel.SLACK
                and d.slack is not None
            ),
            key=lambda d: (d.notification.created_at, d.id),
        )

    async def record_update(self, id: str, subject_version: int) -> bool:
        found = self._store.deliveries.get(id)
        if found is None or found.status is not _S.SENT:
            return False
        if found.notification.subject_version >= subject_version:
            return False
        shown = attrs.evolve(found.notification, subject_version=subject_version)
        self._put(found, notification=shown)
        return True

    async def list_for_organization(
        self,
        organization_id: str,
        *,
        statuses: Sequence[DeliveryStatus] = (),
        since: datetime | None = None,
        limit: int = 100,
    ) -> Sequence[Delivery]:
        found = [
            d
            for d in self._store.deliveries.values()
            if d.notification.organization_id == organization_id
            and (not statuses or d.status in statuses)
            and (since is None or d.notification.created_at >= since)
        ]
        found.sort(key=lambda d: (d.notification.created_at, d.id), reverse=True)
        return found[: max(limit, 0)]

    async def counts(
        self, organization_id: str, *, since: datetime
    ) -> Mapping[tuple[DeliveryStatus, Channel | None], int]:
        counted: dict[tuple[DeliveryStatus, Channel | None], int] = {}
        for d in self._store.deliveries.values():
            n = d.notification
            if n.organization_id == organization_id and n.created_at >= since:
                counted[d.status, d.channel] = counted.get((d.status, d.channel), 0) + 1
        return counted

    async def sent_by_installation(
        self, organization_id: str, *, since: datetime
    ) -> Mapping[str, int]:
        counted: dict[str, int] = {}
        for d in self._store.deliveries.values():
            n = d.notification
            mine = n.organization_id == organization_id and n.created_at >= since
            if mine and d.slack and d.status is _S.SENT and d.channel is Channel.SLACK:
                counted[d.slack.installation_id] = counted.get(d.slack.installation_id, 0) + 1
        return counted

    async def totals(self) -> Mapping[tuple[DeliveryStatus, Channel | None], int]:
        counted: dict[tuple[DeliveryStatus, Channel | None], int] = {}
        for d in self._store.deliveries.values():
            counted[d.status, d.channel] = counted.get((d.status, d.channel), 0) + 1
        return counted

    async def oldest_waiting(self) -> datetime | None:
        waiting = [
            d.notification.created_at
            for d in self._store.deliveries.values()
            if d.status in (_S.PENDING, _S.RETRYING)
        ]
        return min(waiting, default=None)

    def _claimed(self, id: str, lease_until: datetime | None) -> Delivery | None:
        """The delivery if it is claimed (under the lease `lease_until`, when given)."""
        found = self._store.deliveries.get(id)
        if found is None or found.status is not _S.SENDING:
            return None
        return found if lease_until in (None, found.lease_until) else None

    def _settle(self, id: str, lease_until: datetime | None, **changes: Any) -> bool:
        claimed = self._claimed(id, lease_until)
        if claimed is None:
            return False
        self._put(claimed, lease_until=None, **changes)
        return True

    def _give_back(
        self, id: str, lease_until: datetime | None, *, status: DeliveryStatus, at: datetime
    ) -> bool:
        """Back to waiting untried: the claim's attempt is not counted."""
        claimed = self._claimed(id, lease_until)
        if claimed is None:
            return False
        attempts = max(claimed.attempts - 1, 0)
        return self._settle(id, lease_until, status=status, next_attempt_at=at, attempts=attempts)

    def _put(self, delivery: Delivery, **changes: Any) -> Delivery:
        changed = attrs.evolve(delivery, **changes)
        self._store.deliveries[delivery.id] = changed
        return changed


def _due(delivery: Delivery, now: datetime) -> bool:
    return delivery.status in DUE and delivery.next_attempt_at <= now
