"""Sealing Slack bot tokens (and, with token rotation, their refresh tokens) at rest with
Fernet; several keys allow key rotation.

`MENTORLINK_SECRET_KEY` holds one or more comma-separated secrets, newest first: the newest
seals, every one of them can open. Each secret of any length becomes a Fernet key by
SHA-256, so operators need not produce base64 keys themselves."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.tables import installations

SEALED_PREFIX = "fernet:"


OPENED_KEPT = 1024  # sealed values whose plain text is kept (an installation read per click)


class TokenSealer:
    """Encrypts and decrypts secrets; `rotate` re-seals with the newest key. What it opened
    it keeps (up to `OPENED_KEPT` values): a sealed value always opens to the same text, and
    decrypting a bot token cost about a quarter of a millisecond on every Slack click."""

    def __init__(self, secrets: Sequence[str]) -> None:
        if not secrets:
            raise ValueError("at least one secret key is needed")
        self._fernet = MultiFernet([Fernet(_key(s)) for s in secrets])
        self._opened: dict[str, str] = {}

    def seal(self, plain: str) -> str:
        return SEALED_PREFIX + self._fernet.encrypt(plain.encode()).decode()

    def unseal(self, sealed: str) -> str:
        if (kept := self._opened.get(sealed)) is not None:
            return kept
        if not sealed.startswith(SEALED_PREFIX):
            raise ValueError("not a sealed value")
        try:
            plain = self._fernet.decrypt(sealed.removeprefix(SEALED_PREFIX).encode()).decode()
        except InvalidToken as error:
            raise ValueError("no configured key opens this token; was a key removed?") from error
        if len(self._opened) >= OPENED_KEPT:
            self._opened.clear()
        self._opened[sealed] = plain
        return plain

    def rotate(self, sealed: str) -> str:
        token = sealed.removeprefix(SEALED_PREFIX).encode()
        return SEALED_PREFIX + self._fernet.rotate(token).decode()


def _key(secret: str) -> bytes:
    return base64.urlsafe_b64encode(hashlib.sha256(secret.encode()).digest())


_SECRETS = ("token", "refresh_token")


def _each_secret(bot: dict[str, Any], change: Any) -> dict[str, Any]:
    return {**bot, **{k: change(bot[k]) for k in _SECRETS if bot.get(k) is not None}}


def seal_installation(state: dict[str, Any], sealer: TokenSealer) -> dict[str, Any]:
    """The stored form of an installation: its bot token (and refresh token) sealed."""
    bot = state.get("bot")
    if not bot:
        return state
    return {**state, "bot": _each_secret(bot, sealer.seal)}


def unseal_installation(data: dict[str, Any], sealer: TokenSealer) -> dict[str, Any]:
    bot = data.get("bot")
    if not bot:
        return data
    return {**data, "bot": _each_secret(bot, sealer.unseal)}


async def reseal_installations(engine: AsyncEngine, sealer: TokenSealer) -> int:
    """Re-encrypt every stored bot token with the newest key (after adding a key in front).

    Returns how many tokens were re-sealed. Old keys can be dropped from
    `MENTORLINK_SECRET_KEY` once this has run."""
    count = 0
    async with engine.begin() as conn:
        rows = (await conn.execute(select(installations.c.id, installations.c.data))).all()
        for row in rows:
            bot = row.data.get("bot")
            if not bot:
                continue
            data = {**row.data, "bot": _each_secret(bot, sealer.rotate)}
            await conn.execute(
                update(installations).where(installations.c.id == row.id).values(data=data)
            )
            count += 1
    return count
