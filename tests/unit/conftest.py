"""Fixtures for unit tests: a hand-moved clock, the in-memory store, a runner and a builder."""

from __future__ import annotations

import pytest

from adapters.persistence.memory import MemoryStore, memory_uow_factory
from adapters.persistence.memory_deliveries import MemoryDeliveryStore
from application.running import UseCaseRunner
from tests.unit.world import FixedClock, Scene, World, build_scene


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def run(store: MemoryStore, clock: FixedClock) -> UseCaseRunner:
    return UseCaseRunner(memory_uow_factory(store), clock, deliveries=MemoryDeliveryStore(store))


@pytest.fixture
def world(run: UseCaseRunner) -> World:
    return World(run)


@pytest.fixture
async def scene(world: World) -> Scene:
    return await build_scene(world)
