"""`/metrics`: the operator's figures in Prometheus' text format (not part of the JSON API, so
not in its OpenAPI document). Anyone who reaches the server may read it: it holds counts across
organizations and no names or ids; keep it off the public internet as you would any scrape
target."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from litestar import Response, get
from litestar.handlers import HTTPRouteHandler

from adapters.metrics import CONTENT_TYPE

Exposition = Callable[[], Awaitable[bytes]]
"""The current figures, already in Prometheus' text format."""


def metrics_endpoint(exposition: Exposition) -> HTTPRouteHandler:
    @get("/metrics", include_in_schema=False)
    async def metrics() -> Response[bytes]:
        return Response(await exposition(), media_type=CONTENT_TYPE)

    return metrics
