"""The preference store (`application.preferences.PreferenceStore`) in memory and in SQL;
both pass `tests/contract/test_preference_store_contract.py`. Each call is its own short
transaction."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from datetime import datetime, time, timedelta
from typing import Any

import attrs
from sqlalchemy import and_, bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence import tables as t
from adapters.persistence.sqlite_writers import write_transaction
from application.preferences import DigestItem
from domain.errors import ConcurrencyConflict
from domain.ids import OrganizationId, UserId
from domain.preferences import NotificationPreferences
from domain.working_hours import WorkingWindow

_P = t.notification_preferences.c
_PREFERENCES_OF = select(t.notification_preferences).where(_P.user_id == bindparam("user_id"))
_D = t.digest_items.c
FORGET_AFTER = timedelta(days=7)
_CONFLICT = "Your preferences changed meanwhile (another click?). Please try again."


class MemoryPreferenceStore:
    """Preferences and digest items in dicts; what the in-memory app and tests use."""

    def __init__(self) -> None:
        self.saved: dict[str, NotificationPreferences] = {}
        self.digest: dict[str, DigestItem] = {}  # by delivery id
        self.taken: dict[str, str] = {}  # delivery id of an item -> the digest's delivery

    async def get(self, user_id: str) -> NotificationPreferences | None:
        found = self.saved.get(user_id)
        return None if found is None else copy.deepcopy(found)

    async def save(self, preferences: NotificationPreferences) -> None:
        stored = self.saved.get(preferences.user_id)
        if (stored.version if stored else 0) != preferences.version:
            raise ConcurrencyConflict(_CONFLICT)
        preferences.version += 1
        self.saved[preferences.user_id] = copy.deepcopy(preferences)

    async def add_to_digest(self, item: DigestItem) -> bool:
        if item.delivery_id in self.digest:
            return False
        self.digest[item.delivery_id] = item
        return True

    async def take_digest(self, user_id: str, due_at: datetime, *, by: str) -> Sequence[DigestItem]:
        for old in [i for i in self.digest.values() if i.due_at <= due_at - FORGET_AFTER]:
            del self.digest[old.delivery_id]
            self.taken.pop(old.delivery_id, None)
        mine = [i for i in self.digest.values() if i.user_id == user_id and i.due_at == due_at]
        for item in mine:
            self.taken.setdefault(item.delivery_id, by)
        taken = [i for i in mine if self.taken[i.delivery_id] == by]
        return sorted(taken, key=lambda i: (i.created_at, i.delivery_id))


class SqlPreferenceStore:
    """Preferences in `notification_preferences`, digest items in `digest_items`."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def get(self, user_id: str) -> NotificationPreferences | None:
        async with self._engine.connect() as conn:
            row = (await conn.execute(_PREFERENCES_OF, {"user_id": user_id})).first()
        return None if row is None else _preferences(dict(row._mapping))

    async def save(self, preferences: NotificationPreferences) -> None:
        values = _row(preferences)
        async with write_transaction(self._engine) as conn:
            if preferences.version == 0:
                try:
                    await conn.execute(insert(t.notification_preferences).values(**values))
                except IntegrityError:
                    raise ConcurrencyConflict(_CONFLICT) from None
            else:
                changed = await conn.execute(
                    update(t.notification_preferences)
                    .where(
                        and_(_P.user_id == preferences.user_id, _P.version == preferences.version)
                    )
                    .values(**values)
                )
                if changed.rowcount != 1:
                    raise ConcurrencyConflict(_CONFLICT)
        preferences.version += 1

    async def add_to_digest(self, item: DigestItem) -> bool:
        async with write_transaction(self._engine) as conn:
            try:
                await conn.execute(insert(t.digest_items).values(**attrs.asdict(item)))
            except IntegrityError:
                return False
        return True

    async def take_digest(self, user_id: str, due_at: datetime, *, by: str) -> Sequence[DigestItem]:
        mine = and_(_D.user_id == user_id, _D.due_at == due_at)
        async with write_transaction(self._engine) as conn:
            await conn.execute(delete(t.digest_items).where(_D.due_at <= due_at - FORGET_AFTER))
            # One UPDATE: of two takers, each row goes to the one whose update wrote it first.
            await conn.execute(
                update(t.digest_items).where(and_(mine, _D.taken_by.is_(None))).values(taken_by=by)
            )
            rows = (await conn.execute(
                select(t.digest_items).where(and_(mine, _D.taken_by == by))
                .order_by(_D.created_at, _D.delivery_id)
            )).all()  # fmt: skip
        return [_item(dict(r._mapping)) for r in rows]


def _item(row: Mapping[str, Any]) -> DigestItem:
    return DigestItem(**{k: v for k, v in row.items() if k != "taken_by"})


def _row(p: NotificationPreferences) -> dict[str, Any]:
    window = p.window
    return {
        "user_id": p.user_id,
        "organization_id": p.organization_id,
        "version": p.version + 1,
        "muted": sorted(p.muted),
        "window_days": None if window is None else ",".join(map(str, sorted(window.days))),
        "window_start": None if window is None else f"{window.start:%H:%M}",
        "window_end": None if window is None else f"{window.end:%H:%M}",
        "digest": p.digest,
    }


def _preferences(row: Mapping[str, Any]) -> NotificationPreferences:
    window = None
    if row["window_days"] is not None:
        window = WorkingWindow(
            days=frozenset(int(d) for d in row["window_days"].split(",")),
            start=time.fromisoformat(row["window_start"]),
            end=time.fromisoformat(row["window_end"]),
        )
    return NotificationPreferences(
        user_id=UserId(row["user_id"]),
        organization_id=OrganizationId(row["organization_id"]),
        muted=frozenset(row["muted"]),
        window=window,
        digest=bool(row["digest"]),
        version=row["version"],
    )
