# Over 300 lines: one store class whose every query sits beside the statement it pairs with.
"""The delivery store (`application.delivery.ports.DeliveryStore`) on the `deliveries` table,
shared by every worker process; it passes the same contract suite as `memory_deliveries`.

Each call is its own short transaction, so a claim is committed before any channel is called.
A claimed row is `sending` with `next_attempt_at` = `lease_until`: one index (status,
next_attempt_at) finds both the waiting rows that are due and the leases that ended.
PostgreSQL skips rows another claim has locked (`SELECT ... FOR UPDATE SKIP LOCKED`) and
updates the ones it locked, in one transaction (not one UPDATE with that SELECT as its
subquery: PostgreSQL may run such a subquery again per row and lock more than `limit`).
On SQLite the UPDATE repeats the "due" condition, so it only takes rows nobody claimed since
the SELECT read them (another process may have); this process's writers take turns. Either
way two live leases never cover one delivery. Every other change is an UPDATE conditional on
the state it leaves (claimed, under the caller's lease; dead...), so a late or repeated call
changes nothing and answers False."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, case, func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence import quick_path as quick
from adapters.persistence import tables as t
from adapters.persistence.delivery_rows import DUE, delivery_from_row, delivery_row
from adapters.persistence.sqlite_writers import write_transaction
from application.delivery.model import Channel, Delivery, DeliveryStatus, SlackMessageRef
from domain.errors import NotFound

_D = t.deliveries.c
_O = t.outbox.c
_AT = _D.next_attempt_at.type
_S = DeliveryStatus
_DUE = [s.value for s in DUE]


def _due_now() -> Any:
    return _D.status.in_(_DUE) & (_D.next_attempt_at <= bindparam("now", type_=_AT))


def _claimed() -> Any:
    return (_D.id == bindparam("delivery_id")) & (_D.status == _S.SENDING.value)


class SqlDeliveryStore:
    """Deliveries in the `deliveries` table; the outbox rows they come from in `outbox`."""

    _handled = (
        update(t.outbox)
        .where(_O.id == bindparam("outbox_id"), _O.status == "sending")
        .values(status="handled")
    )
    _due = (
        select(_D.id)
        .where(_due_now())
        .order_by(_D.next_attempt_at, _D.id)
        .limit(bindparam("limit"))
        .with_for_update(skip_locked=True)  # PostgreSQL; SQLite has one writer anyway
    )
    _claim = (
        update(t.deliveries)
        .where(_D.id.in_(bindparam("ids", expanding=True)), _due_now())
        .values(
            status=_S.SENDING.value,
            attempts=_D.attempts + 1,
            next_attempt_at=bindparam("until", type_=_AT),
            lease_until=bindparam("until", type_=_AT),
        )
        .returning(*t.deliveries.c)
    )
    _settle = update(t.deliveries).where(_claimed())
    _retry = _settle.values(
        status=case(
            (_D.attempts >= bindparam("max_attempts"), _S.DEAD.value),
            else_=_S.RETRYING.value,
        ),
        next_attempt_at=case(
            (_D.attempts >= bindparam("max_attempts"), _D.next_attempt_at),
            else_=bindparam("at", type_=_AT),
        ),
        last_error=bindparam("error"),
        lease_until=None,
    )
    _give_back = _settle.values(
        status=bindparam("status"),
        next_attempt_at=bindparam("at", type_=_AT),
        attempts=case((_D.attempts > 0, _D.attempts - 1), else_=0),
        lease_until=None,
    )
    _requeue = (
        update(t.deliveries)
        .where(
            _D.id == bindparam("delivery_id"),
            _D.status.in_([_S.DEAD.value, _S.UNREACHABLE.value]),
        )
        .values(
            status=_S.PENDING.value,
            attempts=0,
            next_attempt_at=bindparam("now", type_=_AT),
            lease_until=None,
        )
    )
    _record_update = (
        update(t.deliveries)
        .where(
            _D.id == bindparam("delivery_id"),
            _D.status == _S.SENT.value,
            _D.subject_version < bindparam("version"),
        )
        .values(subject_version=bindparam("version"))
    )
    _about = (
        select(t.deliveries)
        .where(
            _D.subject_key == bindparam("subject_key"),
            _D.status == _S.SENT.value,
            _D.channel == Channel.SLACK.value,
            _D.slack_ts.is_not(None),
        )
        .order_by(_D.created_at, _D.id)
    )

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def expand(self, outbox_id: int, deliveries: Sequence[Delivery]) -> bool:
        async with write_transaction(self._engine, durable=False) as conn:
            # The row lock this UPDATE takes makes a second expansion wait, then find the
            # row handled: it stores nothing.
            if await quick.write(conn, self._handled, {"outbox_id": outbox_id}) != 1:
                return False
            if deliveries:
                await quick.write(conn, _ADD, [delivery_row(d) for d in deliveries])
        return True

    async def claim(self, now: datetime, limit: int, lease: timedelta) -> Sequence[Delivery]:
        if limit <= 0:
            return []
        values = {"now": now, "limit": limit, "until": now + lease}
        async with write_transaction(self._engine, durable=False) as conn:
            ids = (await conn.execute(self._due, values)).scalars().all()
            if not ids:
                return []
            found = await conn.execute(self._claim, {**values, "ids": list(ids)})
            rows = found.mappings().all()
        claimed = {row["id"]: delivery_from_row(row) for row in rows}
        return [claimed[id] for id in ids if id in claimed]  # oldest due first

    async def sent(
        self,
        id: str,
        *,
        channel: Channel,
        slack: SlackMessageRef | None,
        now: datetime,
        lease_until: datetime | None = None,
    ) -> bool:
        changes = {
            "status": _S.SENT.value,
            "channel": channel.value,
            "sent_at": now,
            "lease_until": None,
            "slack_installation_id": None if slack is None else slack.installation_id,
            "slack_channel_id": None if slack is None else slack.channel_id,
            "slack_ts": None if slack is None else slack.ts,
        }
        return await self._settled(id, changes, lease_until)

    async def retry(
        self,
        id: str,
        *,
        error: str,
        at: datetime,
        max_attempts: int,
        lease_until: datetime | None = None,
    ) -> bool:
        values = {"delivery_id": id, "error": error, "at": at, "max_attempts": max_attempts}
        return await self._outcome(self._retry, lease_until, values)

    async def dead(self, id: str, *, error: str, lease_until: datetime | None = None) -> bool:
        return await self._finish(id, _S.DEAD, error, lease_until)

    async def unreachable(
        self, id: str, *, reason: str, lease_until: datetime | None = None
    ) -> bool:
        return await self._finish(id, _S.UNREACHABLE, reason, lease_until)

    async def hold(self, id: str, *, until: datetime, lease_until: datetime | None = None) -> bool:
        values = {"delivery_id": id, "status": _S.HELD.value, "at": until}
        return await self._outcome(self._give_back, lease_until, values)

    async def release(self, id: str, *, now: datetime, lease_until: datetime | None = None) -> bool:
        values = {"delivery_id": id, "status": _S.PENDING.value, "at": now}
        return await self._outcome(self._give_back, lease_until, values)

    async def requeue(self, id: str, *, now: datetime) -> bool:
        return await self._change(self._requeue, {"delivery_id": id, "now": now})

    async def get(self, id: str) -> Delivery:
        query = select(t.deliveries).where(_D.id == id)
        async with self._engine.connect() as conn:
            row = (await conn.execute(query)).mappings().first()
        if row is None:
            raise NotFound(f"There is no delivery {id}.")
        return delivery_from_row(row)

    async def slack_messages_about(self, subject_key: str) -> Sequence[Delivery]:
        async with self._engine.connect() as conn:
            rows = await conn.execute(self._about, {"subject_key": subject_key})
            return [delivery_from_row(row) for row in rows.mappings()]

    async def record_update(self, id: str, subject_version: int) -> bool:
        values = {"delivery_id": id, "version": subject_version}
        return await self._change(self._record_update, values)

    async def list_for_organization(
        self,
        organization_id: str,
        *,
        statuses: Sequence[DeliveryStatus] = (),
        since: datetime | None = None,
        limit: int = 100,
    ) -> Sequence[Delivery]:
        query = select(t.deliveries).where(_D.organization_id == organization_id)
        if statuses:
            query = query.where(_D.status.in_([s.value for s in statuses]))
        if since is not None:
            query = query.where(_D.created_at >= since)
        query = query.order_by(_D.created_at.desc(), _D.id.desc()).limit(max(limit, 0))
        async with self._engine.connect() as conn:
            rows = await conn.execute(query)
            return [delivery_from_row(row) for row in rows.mappings()]

    async def counts(
        self, organization_id: str, *, since: datetime
    ) -> Mapping[tuple[DeliveryStatus, Channel | None], int]:
        query = (
            select(_D.status, _D.channel, func.count())
            .where(_D.organization_id == organization_id, _D.created_at >= since)
            .group_by(_D.status, _D.channel)
        )
        async with self._engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return {
            (_S(status), None if channel is None else Channel(channel)): count
            for status, channel, count in rows
        }

    async def sent_by_installation(
        self, organization_id: str, *, since: datetime
    ) -> Mapping[str, int]:
        query = (
            select(_D.slack_installation_id, func.count())
            .where(
                _D.organization_id == organization_id,
                _D.created_at >= since,
                _D.status == _S.SENT.value,
                _D.channel == Channel.SLACK.value,
                _D.slack_installation_id.is_not(None),
            )
            .group_by(_D.slack_installation_id)
        )
        async with self._engine.connect() as conn:
            return {str(id): int(n) for id, n in (await conn.execute(query)).all()}

    async def totals(self) -> Mapping[tuple[DeliveryStatus, Channel | None], int]:
        query = select(_D.status, _D.channel, func.count()).group_by(_D.status, _D.channel)
        async with self._engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return {
            (_S(status), None if channel is None else Channel(channel)): count
            for status, channel, count in rows
        }

    async def oldest_waiting(self) -> datetime | None:
        waiting = [_S.PENDING.value, _S.RETRYING.value]
        query = select(func.min(_D.created_at)).where(_D.status.in_(waiting))
        async with self._engine.connect() as conn:
            oldest: datetime | None = (await conn.execute(query)).scalar()
        return oldest

    async def _finish(
        self, id: str, status: DeliveryStatus, error: str, lease_until: datetime | None
    ) -> bool:
        changes = {"status": status.value, "last_error": error, "lease_until": None}
        return await self._settled(id, changes, lease_until)

    async def _settled(
        self, id: str, changes: dict[str, Any], lease_until: datetime | None
    ) -> bool:
        """Set `changes` on a claimed delivery (under the lease `lease_until`, when given)."""
        statement = _settling(self._settle, tuple(changes))
        values = {f"new_{column}": value for column, value in changes.items()}
        return await self._outcome(statement, lease_until, {**values, "delivery_id": id})

    async def _outcome(
        self, statement: Any, lease_until: datetime | None, values: dict[str, Any]
    ) -> bool:
        """An outcome for a claimed delivery: under the lease `lease_until`, when given."""
        if lease_until is not None:
            statement, values = _under_lease(statement), {**values, "lease": lease_until}
        return await self._change(statement, values)

    async def _change(self, statement: Any, values: dict[str, Any]) -> bool:
        async with write_transaction(self._engine, durable=False) as conn:
            return await quick.write(conn, statement, values) == 1


# Statements built once and kept: each call only binds values (building one per call cost
# more CPU than running it; see quick_path).
_ADD = t.deliveries.insert()
_SETTLING: dict[tuple[Any, tuple[str, ...]], Any] = {}
_LEASED: dict[Any, Any] = {}


def _settling(settle: Any, columns: tuple[str, ...]) -> Any:
    """`settle` setting `columns` from the values `new_<column>`."""
    statement = _SETTLING.get((settle, columns))
    if statement is None:
        statement = settle.values(
            {c: bindparam(f"new_{c}", type_=t.deliveries.c[c].type) for c in columns}
        )
        _SETTLING[(settle, columns)] = statement
    return statement


def _under_lease(statement: Any) -> Any:
    """`statement`, only while the claim's lease is the caller's (`lease`)."""
    leased = _LEASED.get(statement)
    if leased is None:
        leased = _LEASED[statement] = statement.where(
            _D.lease_until == bindparam("lease", type_=_AT)
        )
    return leased
