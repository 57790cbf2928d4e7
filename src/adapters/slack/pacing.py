"""Learned pacing: once Slack rate-limits a method for a token, later calls of that method
are spaced by the wait Slack asked for, so a long run of calls (a 10,000-person directory)
follows the limit instead of bumping into it after every burst."""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar

#: Told of every wait before a Web API call, as (method, seconds): the command line's progress
#: bar shows it. Unset (None) everywhere else.
waits_observer: ContextVar[Callable[[str, float], None] | None] = ContextVar(
    "slack_waits_observer", default=None
)


def tell_wait(method: str, seconds: float) -> None:
    """Report a wait (Slack asked to slow down, or the learned pace) to the observer, if any."""
    observer = waits_observer.get()
    if observer is not None and seconds > 0:
        observer(method, seconds)


# The pace key of the Web API call in progress: slack-sdk's retry handler sees the request
# without its Authorization header, so the gateway tells it which limit the call counts against.
current_key: ContextVar[str | None] = ContextVar("slack_pace_key", default=None)


def pace_key(authorization: str | None, method: str) -> str:
    """Which limit a call counts against: Slack limits per method and per workspace (token).
    The token itself is never kept, only a short fingerprint of it."""
    token = (authorization or "").removeprefix("Bearer ").strip()
    return hashlib.sha256(token.encode()).hexdigest()[:16] + ":" + method


class RatePacer:
    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._interval: dict[str, float] = {}
        self._next: dict[str, float] = {}

    def slow_down(self, key: str, seconds: float) -> None:
        """Slack answered 429 with `Retry-After: seconds` for this key. The retry itself takes
        the slot that opens after `seconds`, so the next call waits one interval more."""
        self._interval[key] = max(seconds, self._interval.get(key, 0.0))
        self._next[key] = self._clock() + seconds + self._interval[key]

    async def wait_turn(self, key: str) -> None:
        """Before a call: wait until the learned interval since the previous one has passed."""
        current_key.set(key)
        interval = self._interval.get(key)
        if interval is None:
            return
        delay = self._next.get(key, 0.0) - self._clock()
        if delay > 0:
            tell_wait(key.rsplit(":", 1)[-1], delay)
            await self._sleep(delay)
        self._next[key] = max(self._clock(), self._next.get(key, 0.0)) + interval

    def interval(self, key: str) -> float | None:
        return self._interval.get(key)
