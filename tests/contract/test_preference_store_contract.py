"""One suite for the preference store (`application.preferences.PreferenceStore`), run on the
in-memory fake, SQLite and PostgreSQL; on the databases, two stores on one database (two
processes) see the same preferences and never both take a digest item."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from adapters.persistence.database import create_engine
from adapters.persistence.preferences import MemoryPreferenceStore, SqlPreferenceStore
from application.preferences import DigestItem, PreferenceStore
from domain.errors import ConcurrencyConflict
from domain.ids import OrganizationId, UserId
from domain.preferences import NotificationPreferences
from domain.working_hours import WorkingWindow
from tests.contract.conftest import empty_database

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
Stores = Callable[[], PreferenceStore]


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def stores(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sqlite_template: Path,
    postgres_url: str | None,
) -> AsyncIterator[Stores]:
    """Makes stores over one empty database (the memory fake: one shared store)."""
    if request.param == "memory":
        shared = MemoryPreferenceStore()
        yield lambda: shared
        return
    url = await empty_database(request.param, tmp_path, sqlite_template, postgres_url)
    engines = []

    def new_store() -> PreferenceStore:
        engines.append(create_engine(url))
        return SqlPreferenceStore(engines[-1])

    yield new_store
    for engine in engines:
        await engine.dispose()


def _prefs(user: str = "u1") -> NotificationPreferences:
    return NotificationPreferences(user_id=UserId(user), organization_id=OrganizationId("o1"))


def _item(delivery: str, *, user: str = "u1", due: datetime = NOW, minutes: int = 0) -> DigestItem:
    return DigestItem(
        user_id=user, due_at=due, delivery_id=delivery, kind="task_completed",
        facts={"title": f"Task {delivery}", "by": {"name": "Sam"}},
        created_at=NOW - timedelta(hours=5) + timedelta(minutes=minutes),
    )  # fmt: skip


async def test_nobody_has_preferences_until_they_save_some(stores: Stores) -> None:
    assert await stores().get("u1") is None


async def test_saved_preferences_read_back_the_same_on_another_store(stores: Stores) -> None:
    prefs = _prefs()
    prefs.mute_exactly({"message_received", "announcement"})
    prefs.set_window(WorkingWindow(days=frozenset({1, 2}), start=time(9, 30), end=time(23, 59)))
    prefs.set_digest(True)
    await stores().save(prefs)
    assert prefs.version == 1
    read = await stores().get("u1")
    assert read is not None
    assert (read.muted, read.window, read.digest, read.version) == (
        prefs.muted, prefs.window, True, 1)  # fmt: skip
    assert (read.user_id, read.organization_id) == ("u1", "o1")


async def test_back_to_the_organizations_hours_is_kept_too(stores: Stores) -> None:
    prefs = _prefs()
    prefs.set_window(WorkingWindow(start=time(7, 0), end=time(12, 0)))
    await stores().save(prefs)
    prefs.set_window(None)
    await stores().save(prefs)
    read = await stores().get("u1")
    assert read is not None and read.window is None and read.version == 2


async def test_two_saves_from_the_same_read_one_wins(stores: Stores) -> None:
    await stores().save(_prefs())
    first, second = await stores().get("u1"), await stores().get("u1")
    assert first is not None and second is not None
    first.set_digest(True)
    second.mute_exactly({"task_assigned"})
    await stores().save(first)
    with pytest.raises(ConcurrencyConflict):
        await stores().save(second)
    read = await stores().get("u1")
    assert read is not None and read.digest and read.muted == frozenset()


async def test_two_first_saves_one_wins(stores: Stores) -> None:
    await stores().save(_prefs())
    with pytest.raises(ConcurrencyConflict):
        await stores().save(_prefs())


async def test_a_digest_is_taken_once_oldest_first_and_only_its_own(stores: Stores) -> None:
    store = stores()
    later = NOW + timedelta(days=1)
    assert await store.add_to_digest(_item("d2", minutes=5))
    assert await store.add_to_digest(_item("d1"))
    assert await store.add_to_digest(_item("d3", due=later))
    assert await store.add_to_digest(_item("d4", user="u2"))
    assert not await store.add_to_digest(_item("d1")), "one item per delivery"
    taken = await stores().take_digest("u1", NOW, by="d2")
    assert [i.delivery_id for i in taken] == ["d1", "d2"]
    assert taken[0] == _item("d1")
    assert await store.take_digest("u1", NOW, by="d1") == [], "d2's digest carries them"
    again = await store.take_digest("u1", NOW, by="d2")
    assert [i.delivery_id for i in again] == ["d1", "d2"], "a retried digest sends the same"
    assert [i.delivery_id for i in await store.take_digest("u1", later, by="d3")] == ["d3"]
    assert [i.delivery_id for i in await store.take_digest("u2", NOW, by="d4")] == ["d4"]


async def test_items_a_week_past_their_digest_are_forgotten(stores: Stores) -> None:
    store = stores()
    await store.add_to_digest(_item("old"))
    await store.take_digest("u1", NOW + timedelta(days=7), by="new")
    assert await store.take_digest("u1", NOW, by="old") == []


async def test_two_takers_at_once_never_share_an_item(stores: Stores) -> None:
    store = stores()
    for n in range(6):
        await store.add_to_digest(_item(f"d{n}", minutes=n))
    first, second = await asyncio.gather(
        stores().take_digest("u1", NOW, by="a"), stores().take_digest("u1", NOW, by="b")
    )
    ids = [i.delivery_id for i in [*first, *second]]
    assert sorted(ids) == [f"d{n}" for n in range(6)]
