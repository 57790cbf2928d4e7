"""Requests first: the in-process delivery worker's turn waits while an HTTP request is in
flight, comes at once when none is, and never waits longer than `longest_wait`."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from adapters.http.traffic import RequestTraffic


class SlowApp:
    """An ASGI app whose requests finish when the test says so."""

    def __init__(self) -> None:
        self.finish = asyncio.Event()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.finish.wait()


async def test_a_turn_comes_at_once_when_no_request_is_in_flight() -> None:
    traffic = RequestTraffic(longest_wait=5.0)
    started = time.monotonic()
    await traffic.wait_turn()
    assert time.monotonic() - started < 0.5


async def test_a_turn_waits_for_the_request_in_flight_to_finish() -> None:
    traffic, app = RequestTraffic(longest_wait=5.0), SlowApp()
    counted = traffic.middleware(app)
    request = asyncio.create_task(counted({"type": "http"}, None, None))
    await asyncio.sleep(0)
    assert traffic.in_flight == 1
    turn = asyncio.create_task(traffic.wait_turn())
    await asyncio.sleep(0.05)
    assert not turn.done()
    app.finish.set()
    await asyncio.wait_for(turn, 1.0)
    await request
    assert traffic.in_flight == 0


async def test_sustained_traffic_cannot_starve_the_worker() -> None:
    traffic, app = RequestTraffic(longest_wait=0.1), SlowApp()
    request = asyncio.create_task(traffic.middleware(app)({"type": "http"}, None, None))
    await asyncio.sleep(0)
    started = time.monotonic()
    await asyncio.wait_for(traffic.wait_turn(), 1.0)
    assert time.monotonic() - started >= 0.09
    app.finish.set()
    await request


async def test_websockets_and_lifespan_are_not_counted() -> None:
    traffic, app = RequestTraffic(), SlowApp()
    app.finish.set()
    await traffic.middleware(app)({"type": "lifespan"}, None, None)
    assert traffic.in_flight == 0


async def test_beyond_the_most_in_flight_a_request_is_refused_at_once_with_retry_after() -> None:
    traffic, app = RequestTraffic(most_in_flight=2), SlowApp()
    counted = traffic.middleware(app)
    scope = {"type": "http", "path": "/api/v1/me/connections"}
    running = [asyncio.create_task(counted(scope, None, None)) for _ in range(2)]
    await asyncio.sleep(0)
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await asyncio.wait_for(counted(scope, None, send), 1.0)  # not queued behind the two
    assert sent[0]["status"] == 503
    assert (b"retry-after", b"1") in sent[0]["headers"]
    assert b"server_busy" in sent[1]["body"]
    health: list[dict[str, Any]] = []

    async def health_send(message: dict[str, Any]) -> None:
        health.append(message)

    checked = asyncio.create_task(counted({"type": "http", "path": "/healthz"}, None, health_send))
    await asyncio.sleep(0)
    assert not health and traffic.in_flight == 3  # the health check is let through
    app.finish.set()
    await asyncio.gather(*running, checked)
    assert traffic.in_flight == 0 and traffic.refused == 1


def _burn(seconds: float) -> None:
    """A unit of background work using the CPU for `seconds`."""
    until = time.thread_time() + seconds
    while time.thread_time() < until:
        pass


async def test_while_requests_keep_coming_background_work_keeps_to_its_share() -> None:
    traffic, app = RequestTraffic(background_share=0.25, longest_wait=5.0), SlowApp()
    app.finish.set()
    await traffic.middleware(app)({"type": "http"}, None, None)  # a request just now
    await traffic.wait_turn()
    _burn(0.04)
    started = time.monotonic()
    await traffic.wait_turn()  # 40 ms of CPU at a quarter share: about 120 ms of rest
    assert time.monotonic() - started >= 0.1


async def test_without_requests_background_work_goes_on_at_once() -> None:
    traffic = RequestTraffic(background_share=0.25, flowing_for=0.05)
    app = SlowApp()
    app.finish.set()
    await traffic.middleware(app)({"type": "http"}, None, None)
    await asyncio.sleep(0.06)  # the last request is past
    await traffic.wait_turn()
    _burn(0.04)
    started = time.monotonic()
    await traffic.wait_turn()
    assert time.monotonic() - started < 0.05


async def test_several_background_loops_share_one_share() -> None:
    """Three loops (expansion, sending, Home tabs) each doing 10 ms units while requests keep
    coming: together they keep to the one share, not three."""
    share = 0.2
    traffic, app = RequestTraffic(background_share=share, longest_wait=5.0), SlowApp()
    app.finish.set()
    burnt = 0.0
    stop = time.monotonic() + 0.6

    async def requests() -> None:
        while time.monotonic() < stop:
            await traffic.middleware(app)({"type": "http"}, None, None)
            await asyncio.sleep(0.005)

    async def loop() -> None:
        nonlocal burnt
        while time.monotonic() < stop:
            await traffic.wait_turn()
            _burn(0.01)
            burnt += 0.01

    started = time.monotonic()
    await asyncio.gather(requests(), loop(), loop(), loop())
    elapsed = time.monotonic() - started
    assert burnt <= elapsed * share * 1.5 + 0.03, (burnt, elapsed)
