"""`mentorlink deliveries [--status dead]`: the operator's view across organizations, through
the command line's real parser and the use case runner (on the in-memory store)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager

import pytest

from adapters.cli import main
from adapters.persistence.memory import MemoryStore, memory_uow_factory
from adapters.persistence.memory_deliveries import MemoryDeliveryStore
from adapters.settings import Settings
from application.delivery.model import Channel, DeliveryStatus
from application.running import UseCaseRunner
from tests.unit.delivery.test_health import _put
from tests.unit.world import FixedClock, World


async def test_lists_every_organizations_deliveries_and_filters_by_status(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, clock = MemoryStore(), FixedClock()
    run = UseCaseRunner(memory_uow_factory(store), clock, deliveries=MemoryDeliveryStore(store))
    world = World(run)
    acme, globex = await world.tenant("Acme"), await world.tenant("Globex")
    _put(store, "d-dead", acme, acme.admin, DeliveryStatus.DEAD, clock,
         last_error="Slack refused the message: invalid_blocks")  # fmt: skip
    _put(store, "d-sent", globex, globex.admin, DeliveryStatus.SENT, clock, channel=Channel.EMAIL)

    @asynccontextmanager
    async def connect(_: Settings) -> AsyncIterator[UseCaseRunner]:
        yield run

    monkeypatch.setenv("MENTORLINK_DATABASE_URL", "memory://")
    monkeypatch.setenv("MENTORLINK_ENV_FILE", "/nonexistent/.env")

    def command(*argv: str) -> list[list[str]]:
        # main() runs its own event loop: give it a thread, as a shell would give a process
        with ThreadPoolExecutor(1) as pool:
            assert pool.submit(main, ["deliveries", *argv], connect=connect).result() == 0
        return [line.split("\t") for line in capsys.readouterr().out.splitlines()]

    every = command()
    assert sorted((line[1], line[2], line[3], line[6]) for line in every) == [
        ("Acme", "dead", "-", "d-dead"), ("Globex", "sent", "email", "d-sent"),
    ]  # fmt: skip
    (dead,) = command("--status", "dead")
    assert (dead[1], dead[7]) == ("Acme", "Slack refused the message: invalid_blocks")
    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(main, ["deliveries", "--status", "held"], connect=connect).result() == 0
    printed = capsys.readouterr()
    assert (printed.out, printed.err) == ("", "no deliveries with status held\n")
