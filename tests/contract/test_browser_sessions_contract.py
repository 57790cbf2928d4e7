"""One suite for the admin pages' session store (`application.browser_sessions`), run on the
in-memory fake, SQLite and PostgreSQL; on the databases, two stores on one database (two
`serve` processes) see the same sessions."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.persistence.browser_sessions import MemoryBrowserSessions, SqlBrowserSessions
from adapters.persistence.database import create_engine
from application.browser_sessions import BrowserSession, BrowserSessions, SessionPolicy
from tests.contract.conftest import empty_database

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
POLICY = SessionPolicy(idle=timedelta(minutes=30), lifetime=timedelta(hours=8))
Stores = Callable[[], BrowserSessions]


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def stores(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sqlite_template: Path,
    postgres_url: str | None,
) -> AsyncIterator[Stores]:
    """Makes stores over one empty database (the memory fake: one shared store)."""
    if request.param == "memory":
        shared = MemoryBrowserSessions()
        yield lambda: shared
        return
    url = await empty_database(request.param, tmp_path, sqlite_template, postgres_url)
    engines = []

    def new_store() -> BrowserSessions:
        engines.append(create_engine(url))
        return SqlBrowserSessions(engines[-1])

    yield new_store
    for engine in engines:
        await engine.dispose()


def _session(key: str, *, user: str | None = "u1", token: str | None = "t1", at: datetime = NOW):
    return POLICY.start(f"{key:0>64}", b'{"k": 1}', user_id=user, token_id=token, now=at)


async def test_a_session_is_seen_by_every_store_on_the_database(stores: Stores) -> None:
    first, second = stores(), stores()
    session = _session("a")
    await first.add(session)
    assert await second.get(session.key_hash) == session
    assert await second.get("0" * 64) is None


async def test_replace_moves_the_idle_deadline_never_the_end(stores: Stores) -> None:
    store = stores()
    session = _session("a")
    await store.add(session)
    later = POLICY.used(session, b'{"k": 2}', NOW + timedelta(hours=7, minutes=50))
    assert await store.replace(later)
    stored = await store.get(session.key_hash)
    assert stored is not None
    assert (stored.data, stored.ends_at) == (b'{"k": 2}', NOW + timedelta(hours=8))
    assert stored.expires_at == NOW + timedelta(hours=8)  # capped by the absolute end
    assert stored.alive(NOW + timedelta(hours=7, minutes=59))
    assert not stored.alive(NOW + timedelta(hours=8))


async def test_an_ended_session_is_never_written_back(stores: Stores) -> None:
    store = stores()
    session = _session("a")
    await store.add(session)
    await store.end(session.key_hash)
    assert not await store.replace(POLICY.used(session, b"{}", NOW))
    assert await store.get(session.key_hash) is None


async def test_ending_every_session_of_a_token_or_a_user(stores: Stores) -> None:
    store = stores()
    sessions = [
        _session("a", token="t1"),
        _session("b", token="t1"),
        _session("c", token="t2"),
        _session("d", user="u2", token="t3"),
        _session("e", user=None, token=None),
    ]
    for session in sessions:
        await store.add(session)
    assert await store.end_for_token("t1") == 2
    assert await store.end_for_user("u1") == 1  # "c" was left
    assert await store.end_for_token("t1") == 0
    left = [s.key_hash for s in sessions if await store.get(s.key_hash) is not None]
    assert left == [sessions[3].key_hash, sessions[4].key_hash]


async def test_adding_forgets_sessions_past_their_deadlines(stores: Stores) -> None:
    store = stores()
    idle, active = _session("a"), _session("b")
    await store.add(idle)
    await store.add(active)
    assert await store.replace(POLICY.used(active, b"{}", NOW + timedelta(minutes=20)))
    await store.add(_session("c", at=NOW + timedelta(minutes=40)))
    assert await store.get(idle.key_hash) is None
    assert await store.get(active.key_hash) is not None


def test_timeouts_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        SessionPolicy(idle=timedelta(0))
    assert isinstance(_session("x"), BrowserSession)
