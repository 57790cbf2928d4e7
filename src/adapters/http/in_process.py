"""What `serve` runs between requests: the delivery worker (on the embedded default, so one
command runs everything) and the Home tabs' publisher (wherever a database is)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import attrs

from adapters.http.traffic import RequestTraffic
from application.delivery.worker import DeliveryWorker
from application.slack.home_publishing import HomePublisher


@attrs.define
class InProcessWorker:
    """The delivery worker inside `serve` (the embedded default needs one command), and the
    Home tabs' publisher. `make` None: `mentorlink worker` processes deliver; only Home tabs
    are published here."""

    make: Callable[[], DeliveryWorker] | None
    traffic: RequestTraffic  # requests go first: the worker works between them
    homes: Callable[[], HomePublisher] | None = None  # Home tabs published as areas change
    _stop: asyncio.Event = attrs.field(factory=asyncio.Event)
    _task: asyncio.Task[None] | None = None
    _homes_task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self.make is not None:
            worker = self.make()
            worker.poll_every = 0.25  # the safety net: a commit rings the worker awake at once
            worker.expander.turns = worker.sender.turns = self.traffic
            self._task = asyncio.create_task(worker.run(self._stop), name="delivery-worker")
        if self.homes is not None:
            homes = self.homes()
            homes.turns = self.traffic  # Home tabs too are published between requests
            self._homes_task = asyncio.create_task(homes.run(self._stop), name="homes")

    async def stop(self) -> None:
        self._stop.set()
        for task in (self._task, self._homes_task):
            if task is not None:
                await task
