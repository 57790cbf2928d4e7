"""`mentorlink keys rotate`: stored tokens move to the newest key and stay readable."""

from __future__ import annotations

import shutil
from pathlib import Path

from adapters.persistence.database import create_engine
from adapters.persistence.sealing import TokenSealer, reseal_installations
from adapters.persistence.sql_uow import SqlUnitOfWork
from tests.contract.builders import installation
from tests.contract.test_unit_of_work_contract import save_graph


async def test_rotation_reseals_every_token_with_the_newest_key(
    tmp_path: Path, sqlite_template: Path
) -> None:
    path = tmp_path / "rotation.db"
    shutil.copy(sqlite_template, path)
    engine = create_engine(f"sqlite:///{path}")
    old = TokenSealer(["old-key"])
    g = await save_graph(lambda: SqlUnitOfWork(engine, old))
    install = installation(g.organization.id, g.users[0].id)
    async with SqlUnitOfWork(engine, old) as uow:
        await uow.installations.add(install)
        await uow.commit()

    assert await reseal_installations(engine, TokenSealer(["new-key", "old-key"])) == 1

    async with SqlUnitOfWork(engine, TokenSealer(["new-key"])) as uow:
        loaded = await uow.installations.get(install.id)
    assert loaded.bot is not None
    assert loaded.bot.token == "xoxb-contract-secret"
    await engine.dispose()
