"""`/metrics` for operators, in Prometheus' text format: deliveries by status and channel, the
queue's depth, the age of the oldest waiting delivery (read from the delivery store at each
scrape), and the Slack calls and 429s the sender made, by method (counted as they happen).

One registry per composition root, never prometheus_client's global one: tests build many
apps in one process. The Slack counters count this process's sender only: a separate
`mentorlink worker` process keeps its own and serves them with `--metrics-port` (the figures
read from the store cover every process)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from application.delivery.model import Channel, DeliveryStatus
from application.delivery.ports import DeliveryStore
from application.ports import Clock

CONTENT_TYPE = CONTENT_TYPE_LATEST
_WAITING = (
    DeliveryStatus.PENDING,
    DeliveryStatus.HELD,
    DeliveryStatus.SENDING,
    DeliveryStatus.RETRYING,
)


class DeliveryMetrics:
    """The registry behind `/metrics`; also the sender's `SlackCalls`."""

    def __init__(self, store: DeliveryStore, clock: Clock) -> None:
        self._store, self._clock = store, clock
        self.registry = CollectorRegistry(auto_describe=True)
        self._calls = Counter(
            "mentorlink_slack_calls", "Slack Web API calls made by the delivery sender",
            ["method"], registry=self.registry,
        )  # fmt: skip
        self._limited = Counter(
            "mentorlink_slack_ratelimited", "Slack answers 429 (ratelimited), by method",
            ["method"], registry=self.registry,
        )  # fmt: skip
        self._deliveries = Gauge(
            "mentorlink_deliveries", "Deliveries by status and channel (none: not routed yet)",
            ["status", "channel"], registry=self.registry,
        )  # fmt: skip
        self._depth = Gauge(
            "mentorlink_delivery_queue_depth",
            "Deliveries not yet settled: pending, held, sending or retrying",
            registry=self.registry,
        )
        self._oldest = Gauge(
            "mentorlink_delivery_oldest_pending_age_seconds",
            "Age of the oldest pending or retrying delivery (0 when there is none)",
            registry=self.registry,
        )

    def called(self, method: str, *, rate_limited: bool = False) -> None:
        self._calls.labels(method=method).inc()
        if rate_limited:
            self._limited.labels(method=method).inc()

    async def exposition(self) -> bytes:
        """The current figures, in Prometheus' text format."""
        totals = await self._store.totals()
        for status in DeliveryStatus:
            for channel in (*Channel, None):
                count = totals.get((status, channel), 0)
                self._deliveries.labels(status=status.value, channel=_name(channel)).set(count)
        self._depth.set(sum(n for (status, _), n in totals.items() if status in _WAITING))
        oldest = await self._store.oldest_waiting()
        age = 0.0 if oldest is None else (self._clock.now() - oldest).total_seconds()
        self._oldest.set(max(age, 0.0))
        return generate_latest(self.registry)


def _name(channel: Channel | None) -> str:
    return "none" if channel is None else channel.value
