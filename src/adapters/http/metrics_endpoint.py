"""`/metrics`: the operator's figures in Prometheus' text format (not part of the JSON API, so
not in its OpenAPI document). Anyone who reaches the server may read it: it holds counts across
organizations and no names or ids; keep it off the public internet as you would any scrape
target."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterator

import uvicorn
from litestar import Litestar, Response, get
from litestar.handlers import HTTPRouteHandler

from adapters.metrics import CONTENT_TYPE

Exposition = Callable[[], Awaitable[bytes]]
"""The current figures, already in Prometheus' text format."""


def metrics_endpoint(exposition: Exposition) -> HTTPRouteHandler:
    @get("/metrics", include_in_schema=False)
    async def metrics() -> Response[bytes]:
        return Response(await exposition(), media_type=CONTENT_TYPE)

    return metrics


async def serve_metrics(exposition: Exposition, host: str, port: int, stop: asyncio.Event) -> None:
    """`/metrics` alone on `host:port` until `stop`: a delivery worker process's scrape target
    (its Slack counters are its own; the store's figures are everyone's)."""
    app = Litestar(route_handlers=[metrics_endpoint(exposition)], openapi_config=None)
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off")
    server = _WorkerOwnsSignals(config)
    serving = asyncio.create_task(server.serve())
    await stop.wait()
    server.should_exit = True
    await serving


class _WorkerOwnsSignals(uvicorn.Server):
    """uvicorn's server without its signal handling: SIGTERM and Ctrl-C stop the worker (which
    then stops this server), not only the metrics."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield
