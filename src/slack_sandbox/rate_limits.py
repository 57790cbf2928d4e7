"""Slack's rate limits: per (workspace, method) tiers and chat.postMessage's special limits.

Every limit is a token bucket. A tier's bucket holds a minute's allowance and refills at the
tier's per-minute rate, so an app may spend its minute in a burst (Slack "allows occasional
bursts") and then waits. chat.postMessage has two buckets: ~1 message/s per channel with a
small burst, and a workspace-wide ceiling. A refusal never consumes a token.

`--time-scale X` makes every bucket refill X times faster. `Retry-After` is the scaled wait
rounded up to whole seconds (at least 1, as Slack sends integers); the exact wait is also
sent in milliseconds as `X-Sandbox-Retry-After-Ms`.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import attrs

from slack_sandbox.config import Tunables

#: Calls per minute for each tier.
TIERS: dict[int, int] = {1: 1, 2: 20, 3: 50, 4: 100}

#: The tier of every method the sandbox serves (api.slack.com method pages).
#: chat.postMessage is "special" and handled by its own buckets.
METHOD_TIERS: dict[str, int] = {
    "apps.uninstall": 1,
    "auth.teams.list": 2,
    "users.list": 2,
    "auth.revoke": 3,
    "chat.update": 3,
    "conversations.open": 3,
    "team.info": 3,
    "users.lookupByEmail": 3,
    "auth.test": 4,
    "chat.postEphemeral": 4,
    "oauth.v2.access": 4,
    "users.info": 4,
    "views.open": 4,
    "views.publish": 4,
    "views.push": 4,
    "views.update": 4,
}
POST_MESSAGE = "chat.postMessage"


@attrs.define
class Bucket:
    """Tokens left and when they were last counted."""

    tokens: float
    updated: float


@attrs.frozen
class Verdict:
    """Whether a call may proceed and, if not, how long to wait (real seconds)."""

    allowed: bool
    wait_seconds: float = 0.0

    @property
    def retry_after(self) -> int:
        """The `Retry-After` header value: whole seconds, at least 1."""
        return max(1, math.ceil(self.wait_seconds))


ALLOWED = Verdict(True)


@attrs.define
class RateLimiter:
    """Decides, per call, whether Slack would answer 429."""

    tunables: Tunables
    clock: Callable[[], float]
    _buckets: dict[tuple[str, str], Bucket] = attrs.field(factory=dict)

    def reset(self) -> None:
        """Forget all consumption (e.g. after `POST /_sandbox/reset`)."""
        self._buckets.clear()

    def per_minute(self, method: str) -> int | None:
        """The allowance of `method`, counting overrides; None when unlimited."""
        if method in self.tunables.method_limits:
            return self.tunables.method_limits[method]
        tier = METHOD_TIERS.get(method)
        return TIERS[tier] if tier is not None else None

    def check(self, scope: str, method: str, channel: str | None = None) -> Verdict:
        """Consume one call of `method` in workspace `scope` if every limit allows it."""
        if not self.tunables.rate_limits:
            return ALLOWED
        now = self.clock()
        demands: list[tuple[tuple[str, str], float, float]] = []
        if method == POST_MESSAGE:
            ceiling = self.tunables.method_limits.get(
                POST_MESSAGE, self.tunables.post_message_workspace_per_minute)
            demands.append(((scope, method), ceiling / 60.0, float(ceiling)))
            if channel is not None:
                rate = self.tunables.post_message_per_channel_per_second
                burst = float(max(1, self.tunables.post_message_channel_burst))
                demands.append(((scope, "channel:" + channel), rate, burst))
        else:
            allowance = self.per_minute(method)
            if allowance is None:
                return ALLOWED
            demands.append(((scope, method), allowance / 60.0, float(max(1, allowance))))
        scale = self.tunables.time_scale if self.tunables.time_scale > 0 else 1.0
        wait = 0.0
        buckets = []
        for key, rate_per_second, capacity in demands:
            rate = rate_per_second * scale
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = Bucket(capacity, now)
            bucket.tokens = min(capacity, bucket.tokens + (now - bucket.updated) * rate)
            bucket.updated = now
            buckets.append(bucket)
            if bucket.tokens < 1.0:
                wait = max(wait, (1.0 - bucket.tokens) / rate if rate > 0 else 60.0)
        if wait > 0:
            return Verdict(False, wait)
        for bucket in buckets:
            bucket.tokens -= 1.0
        return ALLOWED
