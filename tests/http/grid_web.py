"""The app (composition root, in-memory store) with its real Slack gateway talking to a live
sandbox on its built-in directory (the default Acme Grid: Engineering + Sales, and the
standalone Acme Partners) and the demo organization seeded, as `make run` has them. Installs
go through the sandbox's consent form, as an admin's browser would.

Test modules use it with `from tests.http.grid_web import grid_fixture, sandbox_server  # noqa`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import attrs
import httpx
import pytest
from dependency_injector import providers

from adapters.local import admin_token, seed_if_empty
from adapters.persistence.memory import MemoryStore
from adapters.settings import Settings
from application.running import UseCaseRunner
from bootstrap import create_app, create_container
from domain.slack.installation import WorkspaceInstallation
from slack_sandbox.app import create_app as create_sandbox
from slack_sandbox.config import SandboxConfig
from tests.http.admin_web import PUBLIC_URL, SLACK_PAGE, Browser
from tests.http.conftest import HandClock
from tests.sandbox.servers import ThreadedServer, free_port

CLIENT_ID, CLIENT_SECRET = "1000000000.2000000000", "grid-client-secret"
SIGNING_SECRET = "grid-signing-secret"
GRID, ENG, SALES, PARTNERS = "E0ACME01", "T0ACMEENG", "T0ACMESAL", "T0ACMEPRT"


@pytest.fixture(scope="module")
def sandbox_server() -> Iterator[ThreadedServer]:
    port = free_port()
    config = SandboxConfig(port=port, client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                           signing_secret=SIGNING_SECRET, app_url="http://127.0.0.1:9")
    server = ThreadedServer(create_sandbox(config), port).start()
    yield server
    server.stop()


@attrs.define
class GridWeb:
    runner: UseCaseRunner
    sandbox: httpx.AsyncClient
    admin: Browser
    store: MemoryStore
    clock: HandClock

    async def install(self, target: str, installer: str = "W0ADALOVE") -> WorkspaceInstallation:
        """"Add a workspace", "Allow" for `target` (`team:T…` or `grid:E…`), the callback."""
        to_slack = await self.admin.post(f"{SLACK_PAGE}/workspaces")
        return await self.allow(to_slack.headers["location"], target, installer)

    async def allow(self, authorize_url: str, target: str, installer: str = "W0ADALOVE"
                    ) -> WorkspaceInstallation:
        query = {k: v[0] for k, v in parse_qs(urlsplit(authorize_url).query).items()}
        allowed = await self.sandbox.post("/oauth/v2/authorize", data={
            **query, "target": target, "installer": installer, "decision": "allow"})
        assert allowed.status_code == 302, allowed.text
        callback = urlsplit(allowed.headers["location"])
        back = await self.admin.client.get(f"{callback.path}?{callback.query}")
        assert back.headers.get("location") == SLACK_PAGE, back.text
        kind, _, id = target.partition(":")
        (installation,) = [i for i in await self.installations()
                           if (i.workspace.team_id if kind == "team" else
                               i.workspace.enterprise_id if i.workspace.is_enterprise_install
                               else None) == id]
        return installation

    async def installations(self) -> list[WorkspaceInstallation]:
        async with self.runner.uow_factory() as uow:
            organization = (await uow.organizations.list())[0]
            return list(await uow.installations.list_for_organization(organization.id))

    async def installation(self, id: str) -> WorkspaceInstallation:
        async with self.runner.uow_factory() as uow:
            return await uow.installations.get(id)  # type: ignore[arg-type]

    async def calls(self, method: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = (
            await self.sandbox.get("/_sandbox/calls", params={"method": method})).json()["calls"]
        return found


@pytest.fixture(name="grid")
async def grid_fixture(sandbox_server: ThreadedServer) -> AsyncIterator[GridWeb]:
    settings = Settings(
        database_url="memory://", public_url=PUBLIC_URL, slack_client_id=CLIENT_ID,
        slack_client_secret=CLIENT_SECRET, slack_signing_secret=SIGNING_SECRET,
        slack_api_url=f"{sandbox_server.url}/api/",
        slack_oauth_url=f"{sandbox_server.url}/oauth/v2/authorize",
        session_idle_minutes=24 * 60, session_hours=24,
    )  # fmt: skip
    store, clock = MemoryStore(), HandClock()
    container = create_container(settings)
    container.clock.override(providers.Object(clock))
    container.memory_store.override(providers.Object(store))
    runner = container.runner()
    await seed_if_empty(runner)
    token = await admin_token(runner)
    app = create_app(container=container)
    async with (
        httpx.AsyncClient(base_url=sandbox_server.url, timeout=10) as sandbox,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=PUBLIC_URL) as web,
    ):
        await sandbox.post("/_sandbox/reset")
        admin = Browser(web)
        signed = await admin.sign_in(token)
        assert signed.status_code == 303, signed.text
        yield GridWeb(runner=runner, sandbox=sandbox, admin=admin, store=store, clock=clock)
