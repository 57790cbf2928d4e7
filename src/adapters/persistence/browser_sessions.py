"""The admin pages' sessions (`application.browser_sessions`) in memory and in SQL; both
pass `tests/contract/test_browser_sessions_contract.py`. Each call is its own transaction:
a session is not part of any mentoring change."""

from __future__ import annotations

from typing import Any

import attrs
from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence import tables as t
from adapters.persistence.sqlite_writers import write_transaction
from application.browser_sessions import BrowserSession

_S = t.browser_sessions.c


class MemoryBrowserSessions:
    """Sessions in a dict; what a test's in-memory app uses."""

    def __init__(self) -> None:
        self.sessions: dict[str, BrowserSession] = {}

    async def add(self, session: BrowserSession) -> None:
        now = session.started_at
        for key in [k for k, s in self.sessions.items() if not s.alive(now)]:
            del self.sessions[key]
        self.sessions[session.key_hash] = session

    async def get(self, key_hash: str) -> BrowserSession | None:
        return self.sessions.get(key_hash)

    async def replace(self, session: BrowserSession) -> bool:
        if session.key_hash not in self.sessions:
            return False
        self.sessions[session.key_hash] = session
        return True

    async def end(self, key_hash: str) -> None:
        self.sessions.pop(key_hash, None)

    async def end_for_token(self, token_id: str) -> int:
        return self._end_where(lambda s: s.token_id == token_id)

    async def end_for_user(self, user_id: str) -> int:
        return self._end_where(lambda s: s.user_id == user_id)

    def _end_where(self, covered: Any) -> int:
        keys = [k for k, s in self.sessions.items() if covered(s)]
        for key in keys:
            del self.sessions[key]
        return len(keys)


class SqlBrowserSessions:
    """Sessions in the `browser_sessions` table, shared by every `serve` process."""

    _get = select(t.browser_sessions).where(_S.key_hash == bindparam("key"))
    _forget_dead = delete(t.browser_sessions).where(
        (_S.expires_at <= bindparam("now")) | (_S.ends_at <= bindparam("now"))
    )
    _replace = (
        update(t.browser_sessions)
        .where(_S.key_hash == bindparam("key"))
        .values(data=bindparam("data"), expires_at=bindparam("expires_at"))
    )
    _end = delete(t.browser_sessions).where(_S.key_hash == bindparam("key"))
    _end_for_token = delete(t.browser_sessions).where(_S.token_id == bindparam("token_id"))
    _end_for_user = delete(t.browser_sessions).where(_S.user_id == bindparam("user_id"))

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def add(self, session: BrowserSession) -> None:
        async with write_transaction(self._engine) as conn:
            await conn.execute(self._forget_dead, {"now": session.started_at})
            await conn.execute(t.browser_sessions.insert(), attrs.asdict(session))

    async def get(self, key_hash: str) -> BrowserSession | None:
        async with self._engine.connect() as conn:
            row = (await conn.execute(self._get, {"key": key_hash})).mappings().first()
        return None if row is None else BrowserSession(**dict(row))

    async def replace(self, session: BrowserSession) -> bool:
        values = {"key": session.key_hash, "data": session.data, "expires_at": session.expires_at}
        return await self._rowcount(self._replace, values) == 1

    async def end(self, key_hash: str) -> None:
        await self._rowcount(self._end, {"key": key_hash})

    async def end_for_token(self, token_id: str) -> int:
        return await self._rowcount(self._end_for_token, {"token_id": token_id})

    async def end_for_user(self, user_id: str) -> int:
        return await self._rowcount(self._end_for_user, {"user_id": user_id})

    async def _rowcount(self, statement: Any, values: dict[str, Any]) -> int:
        async with write_transaction(self._engine) as conn:
            result = await conn.execute(statement, values)
        return int(result.rowcount)
