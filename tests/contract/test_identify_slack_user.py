"""A click's caller on every store: who they are, which installation answers them, every
refusal in the order the person reads it, and on SQLite the proof that it takes one query."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from adapters.clock import SystemClock
from adapters.persistence.database import create_engine
from adapters.persistence.sealing import TokenSealer
from adapters.persistence.sql_uow import SqlUnitOfWork
from adapters.slack.memory_gateway import MemorySlackGateway
from application.actors import SYSTEM
from application.slack import acting
from application.slack.acting import IdentifySlackUser, SlackCaller, identify_slack_user
from domain.errors import DomainError
from domain.slack.installation import RemovedBy, WorkspaceInstallation
from tests.contract.builders import NOW, Graph, installation
from tests.contract.conftest import Backend, empty_database
from tests.contract.test_slack_callers_contract import GRID, GRID_WIDE, identity
from tests.contract.test_unit_of_work_contract import save_graph

CLICK = IdentifySlackUser(enterprise_id=GRID, team_id="T0ACME", slack_user_id="W1")


async def _acme(
    uow_factory: Any, *, grid_wide: bool = False
) -> tuple[Graph, WorkspaceInstallation]:
    """Acme on Slack, its workspace installed (and Grid-wide too), Maria known as W1."""
    g = await save_graph(uow_factory)
    install = installation(g.organization.id, g.users[0].id)
    async with uow_factory() as uow:
        organization = await uow.organizations.get(g.organization.id)
        organization.switch_slack(True, by=g.users[0].id, now=NOW)
        await uow.installations.add(install)
        if grid_wide:
            await uow.installations.add(installation(g.organization.id, g.users[0].id, GRID_WIDE))
        await uow.slack_identities.add(identity(g, 0, "W1", install))
        await uow.commit()
    return g, install


async def _identify(uow_factory: Any, click: IdentifySlackUser = CLICK) -> SlackCaller:
    return await identify_slack_user(
        click, SYSTEM, uow_factory(), SystemClock(), MemorySlackGateway()
    )


async def _refusal(uow_factory: Any, click: IdentifySlackUser = CLICK) -> str:
    with pytest.raises(DomainError) as refused:
        await _identify(uow_factory, click)
    return str(refused.value)


async def test_the_caller_is_the_platform_user_with_their_bot(uow_factory: Backend) -> None:
    g, install = await _acme(uow_factory)
    caller = await _identify(uow_factory)
    maria = g.users[0]
    assert (caller.actor.user_id, caller.actor.organization_id) == (maria.id, g.organization.id)
    assert (caller.name, caller.tz, caller.team_id) == (maria.name, "Europe/Berlin", "T0ACME")
    assert (caller.installation_id, caller.bot_token) == (install.id, "xoxb-contract-secret")


@pytest.mark.parametrize("org_wide", [False, True])
async def test_a_grid_click_is_answered_by_the_install_it_came_through(
    uow_factory: Backend, org_wide: bool
) -> None:
    _, install = await _acme(uow_factory, grid_wide=True)
    click = IdentifySlackUser(enterprise_id=GRID, team_id="T0ACME", slack_user_id="W1",
                              is_enterprise_install=org_wide)  # fmt: skip
    caller = await _identify(uow_factory, click)
    assert (caller.installation_id == install.id) is not org_wide


async def test_an_active_install_is_preferred_to_a_removed_one(uow_factory: Backend) -> None:
    _, install = await _acme(uow_factory, grid_wide=True)
    async with uow_factory() as uow:
        (await uow.installations.get(install.id)).remove(by=RemovedBy.SLACK, now=NOW)
        await uow.commit()
    caller = await _identify(uow_factory)
    assert caller.installation_id != install.id


async def test_each_refusal_says_why(uow_factory: Backend) -> None:
    g, install = await _acme(uow_factory)
    elsewhere = IdentifySlackUser(enterprise_id=None, team_id="T0NOWHERE", slack_user_id="W1")
    assert await _refusal(uow_factory, elsewhere) == acting.UNKNOWN_WORKSPACE
    stranger = IdentifySlackUser(enterprise_id=GRID, team_id="T0ACME", slack_user_id="W9")
    assert await _refusal(uow_factory, stranger) == acting.UNKNOWN_PERSON
    async with uow_factory() as uow:
        (await uow.users.get(g.users[0].id)).deactivate(now=NOW)
        await uow.commit()
    assert await _refusal(uow_factory) == acting.DEACTIVATED
    async with uow_factory() as uow:
        organization = await uow.organizations.get(g.organization.id)
        organization.switch_slack(False, by=g.users[0].id, now=NOW)
        await uow.commit()
    assert await _refusal(uow_factory) == acting.SLACK_OFF
    assert await _refusal(uow_factory, stranger) == acting.SLACK_OFF
    async with uow_factory() as uow:
        (await uow.installations.get(install.id)).remove(by=RemovedBy.SLACK, now=NOW)
        await uow.commit()
    assert await _refusal(uow_factory) == acting.REMOVED_WORKSPACE


@pytest.mark.parametrize("grid_wide", [False, True])
async def test_a_click_is_identified_with_one_query(
    tmp_path: Path, sqlite_template: Path, grid_wide: bool
) -> None:
    """SQLite's trace callback sees every statement its connection runs, the quick path's
    included (SQLAlchemy's events do not)."""
    engine = create_engine(await empty_database("sqlite", tmp_path, sqlite_template, None))
    sealer = TokenSealer(["contract-key"])

    def factory() -> SqlUnitOfWork:
        return SqlUnitOfWork(engine, sealer)

    await _acme(factory, grid_wide=grid_wide)
    statements: list[str] = []

    @event.listens_for(engine.sync_engine, "checkout")
    def trace(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        dbapi_connection.set_trace_callback(statements.append)

    try:
        caller = await _identify(factory)
    finally:
        await engine.dispose()
    assert caller.bot_token == "xoxb-contract-secret"
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1, statements
