"""What more than one surface receives by name: the use case runner, our Slack app (the Slack
page and the OAuth callback), and the check of an API token (the JSON API's bearer guard and the
admin sign-in page)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from litestar.di import NamedDependency, Provide

from adapters.slack.slack_app import SlackApp
from application.actors import Actor
from application.running import UseCaseRunner

T = TypeVar("T")

Authenticate = Callable[[str], Awaitable[Actor | None]]
"""An API token's secret in, the Actor it stands for out (None: unknown or revoked)."""

Runner = NamedDependency[UseCaseRunner]
"""Runs one use case in its own unit of work."""

CurrentSlackApp = NamedDependency[SlackApp]
"""Our Slack app's credentials and OAuth URLs, as the composition root handed them over."""


def always(value: T) -> Provide:
    """A dependency that is always `value`: something the composition root handed over."""

    def provide() -> T:
        return value

    return Provide(provide, sync_to_thread=False)
