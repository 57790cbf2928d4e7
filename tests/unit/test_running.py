"""The runner hands each use case what its parameters name, and nothing it lacks."""

from __future__ import annotations

import pytest

from adapters.persistence.memory import MemoryStore, memory_uow_factory
from adapters.slack.memory_gateway import MemorySlackGateway
from application.actors import SYSTEM, Actor
from application.ports import Clock, UnitOfWork
from application.running import UseCaseRunner
from application.slack.gateway import SlackGateway
from tests.unit.world import FixedClock


async def needs_clock_and_uow(cmd: str, actor: Actor, clock: Clock, uow: UnitOfWork) -> tuple:
    return cmd, actor, clock, uow


async def needs_gateway(cmd: None, actor: Actor, gateway: SlackGateway) -> SlackGateway:
    return gateway


async def needs_a_mailer(cmd: None, actor: Actor, mailer: object) -> None:
    raise AssertionError("never run")


async def test_dependencies_are_handed_by_name_and_each_run_gets_a_fresh_unit_of_work() -> None:
    clock = FixedClock()
    run = UseCaseRunner(memory_uow_factory(MemoryStore()), clock)
    cmd, actor, given_clock, first = await run(needs_clock_and_uow, "hello", SYSTEM)
    *_, second = await run(needs_clock_and_uow, "again", SYSTEM)
    assert (cmd, actor, given_clock) == ("hello", SYSTEM, clock)
    assert first is not second


async def test_the_slack_gateway_reaches_only_the_use_cases_that_name_it() -> None:
    gateway = MemorySlackGateway()
    run = UseCaseRunner(memory_uow_factory(MemoryStore()), FixedClock(), gateway=gateway)
    assert await run(needs_gateway, None, SYSTEM) is gateway


async def test_a_dependency_the_runner_lacks_is_refused_before_the_use_case_runs() -> None:
    run = UseCaseRunner(memory_uow_factory(MemoryStore()), FixedClock())
    with pytest.raises(TypeError, match="needs gateway"):
        await run(needs_gateway, None, SYSTEM)
    with pytest.raises(TypeError, match="needs mailer"):
        await run(needs_a_mailer, None, SYSTEM)
