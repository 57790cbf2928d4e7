"""Placeholder replaced below."""
from __future__ import annotations

from litestar.handlers import BaseRouteHandler


def ui_handlers() -> list[BaseRouteHandler]:
    """The browser UI's routes."""
    return []
