"""A short memory of recently verified bearer tokens.

Checking a token costs a database transaction, on every API request. Remembering a positive
answer for a few seconds removes that cost from bursts of calls; the price is that a revoked
token or a deactivated user keeps working for at most `ttl` seconds. Refusals are never
remembered, so a new token works at once."""

from __future__ import annotations

import hashlib
import random
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable

from application.actors import Actor

Authenticate = Callable[[str], Awaitable[Actor | None]]


class RecentTokens:
    def __init__(
        self,
        authenticate: Authenticate,
        *,
        ttl: float = 5.0,
        max_entries: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._authenticate = authenticate
        self._ttl = ttl
        self._max = max_entries
        self._clock = clock
        self._known: OrderedDict[str, tuple[float, Actor]] = OrderedDict()

    async def __call__(self, secret: str) -> Actor | None:
        key = hashlib.sha256(secret.encode()).hexdigest()  # the secret itself is not kept
        now = self._clock()
        hit = self._known.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        actor = await self._authenticate(secret)
        if actor is None:
            self._known.pop(key, None)
            return None
        # A random part of the TTL spreads re-checks out: tokens first seen together (a burst
        # of clients starting at once) must not all expire, and hit the database, together.
        self._known[key] = (now + self._ttl * (0.5 + 0.5 * random.random()), actor)
        self._known.move_to_end(key)
        while len(self._known) > self._max:
            self._known.popitem(last=False)
        return actor
