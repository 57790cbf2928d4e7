"""Runs a use case and hands it the dependencies it declares: the one way adapters call the core.

A handler is `async def name(cmd, actor, <dependencies>)`; the dependencies are named by its
parameters (`uow`, `clock`, `gateway`, `deliveries`, `preferences`), read once per handler,
the way cosmicpython's `bootstrap.inject_dependencies` does. Each call gets a fresh unit of work."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any, Concatenate, ParamSpec, TypeVar, cast

from application.actors import Actor
from application.delivery.ports import DeliveryStore
from application.ports import Clock, UnitOfWorkFactory
from application.preferences import PreferenceStore
from application.slack.gateway import SlackGateway

C = TypeVar("C")
R = TypeVar("R")
P = ParamSpec("P")

Handler = Callable[Concatenate[C, Actor, P], Awaitable[R]]


class UseCaseRunner:
    """Adapters hold one of these; each call gets its own transaction."""

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        gateway: SlackGateway | None = None,
        deliveries: DeliveryStore | None = None,
        preferences: PreferenceStore | None = None,
    ) -> None:
        self.uow_factory = uow_factory
        self.clock = clock
        self._shared: dict[str, object] = {"clock": clock}
        if gateway is not None:
            self._shared["gateway"] = gateway
        if deliveries is not None:
            self._shared["deliveries"] = deliveries
        if preferences is not None:
            self._shared["preferences"] = preferences
        self._needs: dict[Callable[..., Any], tuple[str, ...]] = {}

    async def __call__(self, handler: Handler[C, P, R], command: C, actor: Actor) -> R:
        needs = self._needs.get(handler)
        if needs is None:
            needs = self._needs[handler] = self._declared(handler)
        arguments = {
            name: self.uow_factory() if name == "uow" else self._shared[name] for name in needs
        }
        run = cast(Callable[..., Awaitable[R]], handler)  # its extra parameters are named ones
        return await run(command, actor, **arguments)

    def _declared(self, handler: Callable[..., Any]) -> tuple[str, ...]:
        """The dependencies a handler names after `(cmd, actor)`; refused when unknown, so a
        misspelt parameter fails on the first run rather than deep inside the handler."""
        names = tuple(inspect.signature(handler).parameters)[2:]
        missing = [n for n in names if n != "uow" and n not in self._shared]
        if missing:
            raise TypeError(
                f"{handler.__qualname__} needs {', '.join(missing)}, which this runner lacks"
            )
        return names
