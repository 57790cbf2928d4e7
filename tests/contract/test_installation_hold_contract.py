"""`installations.hold`: the row lock that makes a refresh token be spent once across workers.
A second unit of work holding the same installation waits until the first ends, then reads
what the first committed; holding another installation does not wait. Runs on the in-memory
fake, SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import attrs
import pytest

from application.slack.ports import SlackUnitOfWork
from domain.ids import InstallationId
from domain.slack.installation import WorkspaceInstallation
from tests.contract.builders import NOW, graph, installation

Factory = Callable[[], Any]
EXPIRES = NOW + timedelta(hours=12)


async def saved(uow_factory: Factory, *team_ids: str) -> list[WorkspaceInstallation]:
    g = graph()
    made = []
    async with uow_factory() as uow:
        await uow.organizations.add(g.organization)
        for team_id in team_ids:
            found = installation(g.organization.id, "admin")
            assert found.bot is not None
            found.workspace = attrs.evolve(found.workspace, team_id=team_id)
            found.bot = attrs.evolve(found.bot, refresh_token="xoxe-1-first", expires_at=EXPIRES)
            await uow.installations.add(found)
            made.append(found)
        await uow.commit()
    return made


async def test_a_second_hold_waits_and_then_reads_the_first_ones_commit(
    uow_factory: Factory,
) -> None:
    [first] = await saved(uow_factory, "T0HOLD001")
    order: list[str] = []
    held = asyncio.Event()

    async def renew() -> None:
        uow: SlackUnitOfWork
        async with uow_factory() as uow:
            mine = await uow.installations.hold(InstallationId(first.id))
            held.set()
            order.append("first holds")
            await asyncio.sleep(0.2)  # the refresh call to Slack
            mine.token_rotated(token="xoxe.xoxb-2", refresh_token="xoxe-1-second",
                               expires_at=EXPIRES + timedelta(hours=12), now=NOW)
            order.append("first commits")  # after the commit, the second may wake first
            await uow.commit()

    async def second() -> str | None:
        await held.wait()
        uow: SlackUnitOfWork
        async with uow_factory() as uow:
            theirs = await uow.installations.hold(InstallationId(first.id))
            order.append("second holds")
            return theirs.bot.refresh_token if theirs.bot else None

    _, seen = await asyncio.gather(renew(), second())
    assert order == ["first holds", "first commits", "second holds"]
    assert seen == "xoxe-1-second"


async def test_holding_one_installation_waits_for_another_only_on_sqlite(
    uow_factory: Factory,
) -> None:
    one, other = await saved(uow_factory, "T0HOLD001", "T0HOLD002")
    engine = getattr(uow_factory(), "_engine", None)
    one_writer = engine is not None and engine.dialect.name == "sqlite"
    uow: SlackUnitOfWork
    async with uow_factory() as uow:
        await uow.installations.hold(InstallationId(one.id))
        async with uow_factory() as second:
            holding = second.installations.hold(InstallationId(other.id))
            if one_writer:  # one writer at a time: a hold is the whole database's turn
                with pytest.raises(TimeoutError):
                    await asyncio.wait_for(holding, 0.3)
                return
            found = await asyncio.wait_for(holding, 5)
            assert found.id == other.id


async def test_a_hold_ends_with_its_unit_of_work_even_without_a_commit(
    uow_factory: Factory,
) -> None:
    [first] = await saved(uow_factory, "T0HOLD001")
    uow: SlackUnitOfWork
    async with uow_factory() as uow:
        await uow.installations.hold(InstallationId(first.id))
    async with uow_factory() as uow:
        again = await asyncio.wait_for(uow.installations.hold(InstallationId(first.id)), 5)
        assert again.bot is not None and again.bot.refresh_token == "xoxe-1-first"


async def test_the_refresh_token_is_sealed_at_rest_and_reads_back(uow_factory: Factory) -> None:
    [first] = await saved(uow_factory, "T0HOLD001")
    stored = str(await uow_factory.raw("installations"))  # type: ignore[attr-defined]
    assert "xoxe-1-first" not in stored and "xoxb-contract-secret" not in stored
    uow: SlackUnitOfWork
    async with uow_factory() as uow:
        back = await uow.installations.get(InstallationId(first.id))
    assert back.bot == first.bot
