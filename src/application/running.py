"""Runs a use case with a fresh unit of work and the clock: the one way adapters call the core."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from application.actors import Actor
from application.ports import Clock, UnitOfWork, UnitOfWorkFactory

C = TypeVar("C")
R = TypeVar("R")

Handler = Callable[[C, Actor, UnitOfWork, Clock], Awaitable[R]]


class UseCaseRunner:
    """Adapters hold one of these; each call gets its own transaction."""

    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock) -> None:
        self.uow_factory = uow_factory
        self.clock = clock

    async def __call__(self, handler: Handler[C, R], command: C, actor: Actor) -> R:
        return await handler(command, actor, self.uow_factory(), self.clock)
