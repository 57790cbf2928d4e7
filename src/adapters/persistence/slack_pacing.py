"""Slack's rate limits, paced per workspace and method for every worker process at once
(`application.delivery.ports.SlackPacing`), in memory and in SQL; both pass
tests/contract/test_slack_pacing_contract.py.

Each (workspace, method) is a token bucket kept in one timestamp, the generic cell rate
algorithm: `next_slot_at` is when every call granted so far would have gone out at the steady
rate. A call may go when that moment is less than a burst ahead of now, and pushes it one
interval on. `method/channel` (e.g. `chat.postMessage/D0123`) paces one channel as well: the
call needs a slot from the channel's pace and from the method's workspace ceiling, and takes
both or neither. A 429 pauses a (workspace, method) until its Retry-After, then lets calls
resume at the steady rate, not in a burst."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

import attrs
from sqlalchemy import Executable, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence import tables as t
from adapters.persistence.memory_store import MemoryStore
from adapters.persistence.sqlite_writers import write_transaction


@attrs.frozen
class Rate:
    """`per_minute` calls at a steady pace, of which up to `burst` may come at once."""

    per_minute: float
    burst: int = 1

    @property
    def interval(self) -> timedelta:
        return timedelta(minutes=1) / self.per_minute

    @property
    def tolerance(self) -> timedelta:
        return self.interval * (self.burst - 1)


TIER_1, TIER_2, TIER_3, TIER_4 = Rate(1), Rate(20, 3), Rate(50, 5), Rate(100, 10)
# Slack's published tiers (../shared/SLACK.md). chat.postMessage has no tier: about one
# message a second per channel (short bursts are fine) and a workspace-wide ceiling of
# "several hundred per minute" (the sandbox's default is 300).
SLACK_RATES: Mapping[str, Rate] = {
    "chat.postMessage": Rate(300, 10),
    "chat.postMessage/": Rate(60, 3),  # per channel: `chat.postMessage/<channel>`
    "chat.update": TIER_3,
    "chat.postEphemeral": TIER_4,
    "conversations.open": TIER_3,
    "users.lookupByEmail": TIER_3,
    "users.info": TIER_4,
    "users.list": TIER_2,
    "team.info": TIER_3,
    "auth.revoke": TIER_3,
    "apps.uninstall": TIER_1,
    "views.open": TIER_4,
    "views.push": TIER_4,
    "views.update": TIER_4,
    "views.publish": TIER_4,
}
UNKNOWN_METHOD = TIER_2  # a method missing from the table is paced conservatively

Pace = tuple[datetime, datetime | None]  # next_slot_at, paused_until


@attrs.frozen
class Paces:
    """The decision over every pace one call needs (`method` and, for a channel, its base)."""

    rates: Mapping[str, Rate]

    def keys(self, method: str) -> list[str]:
        """The paces a call to `method` takes a slot from, in one order for every caller
        (PostgreSQL locks their rows in it)."""
        base, _, channel = method.partition("/")
        return sorted({base, method}) if channel else [method]

    def rate(self, key: str) -> Rate:
        base, slash, _ = key.partition("/")
        return self.rates.get(base + slash, UNKNOWN_METHOD)

    def reserve(
        self, now: datetime, paces: Mapping[str, Pace | None]
    ) -> tuple[datetime | None, dict[str, Pace]]:
        """None and the new paces when every one has a slot now, else when to try again."""
        later: list[datetime] = []
        taken: dict[str, Pace] = {}
        for key, pace in paces.items():
            rate = self.rate(key)
            next_slot, paused = pace if pace is not None else (now, None)
            if paused is not None and paused > now:
                later.append(paused)
                continue
            next_slot = max(next_slot, now)
            if next_slot - rate.tolerance > now:
                later.append(next_slot - rate.tolerance)
            taken[key] = (next_slot + rate.interval, None)
        return (max(later), {}) if later else (None, taken)

    def pause(self, key: str, until: datetime, pace: Pace | None) -> Pace:
        """Nobody before `until`; then one call per interval (the bucket starts empty)."""
        next_slot, paused = pace if pace is not None else (until, None)
        resume = until + self.rate(key).tolerance
        return max(next_slot, resume), max(paused or until, until)


class MemorySlackPacing:
    """Paces in `MemoryStore.slack_pacing`, shared by every pacing made on that store."""

    def __init__(self, store: MemoryStore, rates: Mapping[str, Rate] = SLACK_RATES) -> None:
        self._store = store
        self._paces = Paces(rates)

    async def reserve(self, workspace: str, method: str, now: datetime) -> datetime | None:
        current = {
            k: self._store.slack_pacing.get((workspace, k)) for k in self._paces.keys(method)
        }
        later, taken = self._paces.reserve(now, current)
        for key, pace in taken.items():
            self._store.slack_pacing[workspace, key] = pace
        return later

    async def pause(self, workspace: str, method: str, until: datetime) -> None:
        current = self._store.slack_pacing.get((workspace, method))
        self._store.slack_pacing[workspace, method] = self._paces.pause(method, until, current)


_P = t.slack_pacing.c


class SqlSlackPacing:
    """Paces in the `slack_pacing` table. A reservation is one transaction that first makes
    sure its rows exist (an INSERT, which on SQLite also takes the write lock), then locks
    them (`FOR UPDATE` on PostgreSQL) and reads, decides and writes them: the processes that
    share the database take their slots one after the other."""

    def __init__(self, engine: AsyncEngine, rates: Mapping[str, Rate] = SLACK_RATES) -> None:
        self._engine = engine
        self._paces = Paces(rates)
        postgres = engine.dialect.name == "postgresql"
        self._insert = pg_insert if postgres else sqlite_insert

    async def reserve(self, workspace: str, method: str, now: datetime) -> datetime | None:
        keys = self._paces.keys(method)
        async with write_transaction(self._engine, durable=False) as conn:
            await conn.execute(self._ensure(workspace, keys, now))
            found = await conn.execute(
                select(_P.method, _P.next_slot_at, _P.paused_until)
                .where(_P.workspace == workspace, _P.method.in_(keys))
                .order_by(_P.method)
                .with_for_update()
            )
            current: dict[str, Pace | None] = {m: (slot, p) for m, slot, p in found}
            later, taken = self._paces.reserve(now, current)
            for key, (next_slot, paused) in taken.items():
                await conn.execute(
                    update(t.slack_pacing)
                    .where(_P.workspace == workspace, _P.method == key)
                    .values(next_slot_at=next_slot, paused_until=paused)
                )
        return later

    async def pause(self, workspace: str, method: str, until: datetime) -> None:
        async with write_transaction(self._engine, durable=False) as conn:
            await conn.execute(self._ensure(workspace, [method], until))
            row = (
                await conn.execute(
                    select(_P.next_slot_at, _P.paused_until)
                    .where(_P.workspace == workspace, _P.method == method)
                    .with_for_update()
                )
            ).one()
            next_slot, paused = self._paces.pause(method, until, (row[0], row[1]))
            await conn.execute(
                update(t.slack_pacing)
                .where(_P.workspace == workspace, _P.method == method)
                .values(next_slot_at=next_slot, paused_until=paused)
            )

    def _ensure(self, workspace: str, keys: Sequence[str], now: datetime) -> Executable:
        rows = [{"workspace": workspace, "method": k, "next_slot_at": now} for k in keys]
        return self._insert(t.slack_pacing).values(rows).on_conflict_do_nothing()
