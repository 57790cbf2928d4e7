"""The outbox bell: a commit that writes outbox rows rings this process's bell (every unit of
work: memory, SQLite, PostgreSQL) and, on PostgreSQL, every other process listening for
`NOTIFY mentorlink_outbox`; a commit without events or a rolled-back one rings nothing."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path

import pytest

from adapters.persistence.database import create_engine
from adapters.persistence.memory import MemoryStore, memory_uow_factory
from adapters.persistence.outbox_bell import OutboxBell, listen_for_outbox
from adapters.persistence.sealing import TokenSealer
from adapters.persistence.sql_uow import SqlUnitOfWork
from application.ports import UnitOfWork
from tests.contract.builders import NOW
from tests.contract.test_unit_of_work_contract import save_graph
from tests.support.infra import require

Factory = Callable[[], UnitOfWork]


class Rings:
    def __init__(self, bell: OutboxBell) -> None:
        self.count = 0
        bell.listen(self.rang)

    def rang(self) -> None:
        self.count += 1


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def belled(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path, postgres_url: str | None
) -> AsyncIterator[tuple[Factory, Rings, str | None]]:
    bell = OutboxBell()
    rings = Rings(bell)
    if request.param == "memory":
        yield memory_uow_factory(MemoryStore(), None, bell), rings, None
        return
    if request.param == "sqlite":
        path = tmp_path / "bell.db"
        shutil.copy(sqlite_template, path)
        url = f"sqlite:///{path}"
    else:
        require(postgres_url is not None, "PostgreSQL at 127.0.0.1:5432")
        assert postgres_url is not None
        url = postgres_url
    engine = create_engine(url)
    sealer = TokenSealer(["bell-key"])
    yield (lambda: SqlUnitOfWork(engine, sealer, bell)), rings, url
    await engine.dispose()


async def _change_program(factory: Factory, program_id: str, *, commit: bool = True) -> None:
    async with factory() as uow:
        program = await uow.programs.get(program_id)  # type: ignore[arg-type]
        program.set_slack_opt_in(not program.slack_opt_in, now=NOW + timedelta(seconds=1))
        if commit:
            await uow.commit()


async def test_only_a_commit_that_writes_outbox_rows_rings(
    belled: tuple[Factory, Rings, str | None],
) -> None:
    factory, rings, _ = belled
    graph = await save_graph(factory)  # aggregates without events
    assert rings.count == 0
    await _change_program(factory, graph.program.id, commit=False)
    assert rings.count == 0
    await _change_program(factory, graph.program.id)
    assert rings.count == 1


@pytest.mark.postgres
async def test_another_process_listening_on_postgresql_is_rung_after_the_commit(
    postgres_url: str | None,
) -> None:
    require(postgres_url is not None, "PostgreSQL at 127.0.0.1:5432")
    assert postgres_url is not None
    url, engine = postgres_url, create_engine(postgres_url)
    sealer = TokenSealer(["bell-key"])

    def factory() -> UnitOfWork:
        return SqlUnitOfWork(engine, sealer)

    graph = await save_graph(factory)
    listener_engine = create_engine(url)
    far_bell = OutboxBell()
    far = Rings(far_bell)
    stop = asyncio.Event()
    listening = asyncio.create_task(listen_for_outbox(listener_engine, far_bell, stop))
    try:
        for _ in range(200):
            if far.count:  # rung once on listening: whatever was committed before
                break
            await asyncio.sleep(0.01)
        before = far.count
        assert before >= 1
        await _change_program(factory, graph.program.id)
        for _ in range(200):
            if far.count > before:
                break
            await asyncio.sleep(0.01)
        assert far.count == before + 1
    finally:
        stop.set()
        await asyncio.wait_for(listening, 5)
        await listener_engine.dispose()
        await engine.dispose()
