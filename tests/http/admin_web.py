"""The admin pages and Slack endpoints, built by the composition root on the in-memory store
with `slack_gateway` overridden by the in-memory Slack. A `Browser` keeps its own cookies
(session + CSRF), like a real one; `Web` signs Slack events with the configured secret.

Test modules use it with `from tests.http.admin_web import web_fixture  # noqa: F401`."""

from __future__ import annotations

import asyncio
import copy
import hashlib
import hmac
import json
import re
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import attrs
import httpx
import pytest
from dependency_injector import providers
from litestar import Litestar

from adapters.persistence.browser_sessions import MemoryBrowserSessions
from adapters.persistence.memory import MemoryStore
from adapters.settings import Settings
from adapters.slack.memory_gateway import MemorySlackGateway
from application.actors import Actor
from application.delivery.worker import DeliveryWorker
from application.running import UseCaseRunner
from bootstrap import create_app, create_container
from domain.people import Role
from domain.slack.installation import WorkspaceInstallation
from tests.http.conftest import GatedUnitOfWork, HandClock, Org, _seed

PUBLIC_URL = "http://testserver"
CLIENT_ID = "1000000000.2000000000"
SIGNING_SECRET = "test-signing-secret"
OAUTH_URL = "https://slack.example/oauth/v2/authorize"
REDIRECT_URI = f"{PUBLIC_URL}/slack/oauth/callback"
SLACK_PAGE = "/admin/manage/engagement/integrations/slack"
INTEGRATIONS = "/admin/manage/engagement/integrations"
ACME_TEAM = "T0ACMEENG"
ICON = "https://slack.example/icons/acme-eng-88.png"

SETTINGS = Settings(
    database_url="memory://",
    public_url=PUBLIC_URL,
    slack_client_id=CLIENT_ID,
    slack_client_secret="test-client-secret",
    slack_signing_secret=SIGNING_SECRET,
    slack_oauth_url=OAUTH_URL,
    # The hand clock jumps hours and days for the mentoring world's sake; session timeouts
    # are tested with their defaults in test_admin_sessions.py.
    session_idle_minutes=365 * 24 * 60,
    session_hours=365 * 24,
)
_CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


def fake_slack() -> MemorySlackGateway:
    """Acme's workspaces (one in a Grid), with some of the seeded people in them."""
    slack = MemorySlackGateway()
    slack.add_grid("E0ACME01", "Acme Grid")
    slack.add_workspace(ACME_TEAM, "Acme Engineering", domain="acme-eng", icon_url=ICON,
                        enterprise_id="E0ACME01")  # fmt: skip
    slack.add_workspace("T0ACMEPRT", "Acme Partners", domain="acme-partners")
    for id, who, teams in [
        ("W0MARIA", "maria", [ACME_TEAM]),
        ("W0SAM", "sam", [ACME_TEAM]),
        ("W0ADMIN", "admin", [ACME_TEAM, "T0ACMEPRT"]),
        ("U0OTTO", "otto", ["T0ACMEPRT"]),
    ]:
        slack.add_user(id, name=who, email=f"{who.upper()}@acme.example", workspaces=teams)
    slack.add_user("W0DANA", name="dana", email="dana@contractor.example", workspaces=[ACME_TEAM])
    return slack


@attrs.define
class FirstCommitsGate:
    """Holds the next `count` commits until all of them arrived (concurrent requests then
    load the same versions before any writes), and lets every later commit through."""

    count: int = 0
    barrier: asyncio.Barrier | None = None

    def hold(self, count: int) -> None:
        self.count, self.barrier = count, asyncio.Barrier(count)

    async def wait(self) -> None:
        if self.barrier is not None and self.count > 0:
            self.count -= 1
            await self.barrier.wait()


@attrs.define
class Browser:
    """One browser: its own cookie jar, so its own session and CSRF cookie."""

    client: httpx.AsyncClient

    async def get(self, path: str, **params: str) -> httpx.Response:
        return await self.client.get(path, params=params or None)

    async def post(
        self, path: str, data: dict[str, str] | None = None, *, csrf: bool = True
    ) -> httpx.Response:
        form = dict(data or {})
        if csrf:
            form["_csrf_token"] = await self.csrf_token()
        return await self.client.post(path, data=form)

    async def csrf_token(self) -> str:
        """The token a page's forms carry (the sign-in page works for anyone)."""
        page = await self.client.get("/admin/sign-in")
        found = _CSRF.search(page.text)
        if found is None:  # signed in: the sign-in page redirects; any admin page has forms
            page = await self.client.get("/admin")
            found = _CSRF.search(page.text)
        assert found is not None, page.text
        return found.group(1)

    async def sign_in(self, token: str) -> httpx.Response:
        return await self.post("/admin/sign-in", {"token": token})

    async def follow(self, response: httpx.Response) -> httpx.Response:
        assert response.status_code in (302, 303), (response.status_code, response.text)
        return await self.client.get(response.headers["location"])


@attrs.define
class Web:
    app: Litestar
    store: MemoryStore
    clock: HandClock
    slack: MemorySlackGateway
    runner: UseCaseRunner
    acme: Org
    globex: Org
    gate: FirstCommitsGate
    sessions: MemoryBrowserSessions
    worker: DeliveryWorker
    browsers: list[httpx.AsyncClient] = attrs.field(factory=list)

    def browser(self) -> Browser:
        transport = httpx.ASGITransport(app=self.app)
        client = httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL)
        self.browsers.append(client)
        return Browser(client)

    async def signed_in(self, who: str, org: Org | None = None) -> Browser:
        browser = self.browser()
        response = await browser.sign_in((org or self.acme).tokens[who])
        assert response.status_code == 303, response.text
        return browser

    async def api(
        self, method: str, path: str, who: str, org: Org | None = None, **kw: Any
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {(org or self.acme).tokens[who]}"}
        client = self.browser().client
        return await client.request(method, f"/api/v1{path}", headers=headers, **kw)

    async def enable_slack(self, org: Org | None = None) -> None:
        org = org or self.acme
        response = await self.api(
            "PUT", f"/organizations/{org.id}/slack", "support", org, json={"enabled": True}
        )
        assert response.status_code == 200, response.text

    async def start_install(self, browser: Browser) -> str:
        """Click "Add a workspace"; the OAuth state from Slack's URL."""
        response = await browser.post(f"{SLACK_PAGE}/workspaces")
        assert response.status_code == 303, response.text
        query = parse_qs(urlsplit(response.headers["location"]).query)
        return query["state"][0]

    async def callback(self, browser: Browser, **params: str) -> httpx.Response:
        return await browser.get("/slack/oauth/callback", **params)

    async def install(
        self, browser: Browser, team_id: str | None = ACME_TEAM, enterprise_id: str | None = None
    ) -> WorkspaceInstallation:
        """The whole "Add a workspace" round trip; the stored installation."""
        state = await self.start_install(browser)
        code = self.slack.issue_code(
            team_id=team_id, enterprise_id=enterprise_id, installer="W0ADMIN",
            redirect_uri=REDIRECT_URI,
        )  # fmt: skip
        response = await self.callback(browser, code=code, state=state)
        assert response.headers["location"] == SLACK_PAGE, response.text
        (installation,) = [i for i in await self.installations() if i.workspace.team_id == team_id]
        return installation

    async def installations(self, org: Org | None = None) -> list[WorkspaceInstallation]:
        async with self.runner.uow_factory() as uow:
            found = await uow.installations.list_for_organization((org or self.acme).id)  # type: ignore[arg-type]
            return list(found)

    async def installation(self, installation_id: str) -> WorkspaceInstallation:
        async with self.runner.uow_factory() as uow:
            return await uow.installations.get(installation_id)  # type: ignore[arg-type]

    def actor(self, who: str, role: Role, org: Org | None = None) -> Actor:
        org = org or self.acme
        return Actor(user_id=org.users[who], organization_id=org.id, role=role)  # type: ignore[arg-type]

    def snapshot(self) -> tuple[Any, int]:
        """Every committed row and the outbox length, to show a refusal changed nothing."""
        return copy.deepcopy(self.store.tables), len(self.store.outbox)

    def topics(self) -> list[str]:
        return [m.topic for m in self.store.outbox]

    async def event(
        self,
        body: dict[str, Any] | bytes,
        *,
        timestamp: int | None = None,
        secret: str = SIGNING_SECRET,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """POST /slack/events signed as Slack signs (v0 HMAC-SHA256 of `v0:ts:body`)."""
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        ts = str(int(self.clock.now().timestamp()) if timestamp is None else timestamp)
        digest = hmac.new(secret.encode(), f"v0:{ts}:".encode() + raw, hashlib.sha256)
        signed = {
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": f"v0={digest.hexdigest()}",
            "Content-Type": "application/json",
        }
        client = self.browser().client
        return await client.post(
            "/slack/events", content=raw, headers={**signed, **(headers or {})}
        )


def removal_event(
    kind: str,
    event_id: str,
    team_id: str = ACME_TEAM,
    enterprise_id: str | None = "E0ACME01",
    is_enterprise_install: bool = False,
) -> dict[str, Any]:
    """An Events API envelope as Slack sends it for `app_uninstalled` / `tokens_revoked`."""
    event: dict[str, Any] = {"type": kind, "event_ts": "1772442000.000100"}
    if kind == "tokens_revoked":
        event["tokens"] = {"oauth": [], "bot": ["UBOT"]}
    return {
        "token": "verification-token",
        "team_id": team_id,
        "enterprise_id": enterprise_id,
        "api_app_id": "A0MENTORLNK",
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": 1772442000,
        "authorizations": [
            {
                "enterprise_id": enterprise_id,
                "team_id": None if is_enterprise_install else team_id,
                "user_id": "UBOT",
                "is_bot": True,
                "is_enterprise_install": is_enterprise_install,
            }
        ],
    }


@pytest.fixture(name="web")
async def web_fixture() -> AsyncIterator[Web]:
    async for web in web_on(SETTINGS):
        yield web


async def web_on(settings: Settings) -> AsyncIterator[Web]:
    """The app on `settings`, around the in-memory store, a hand clock and Slack."""
    store, clock, slack = MemoryStore(), HandClock(), fake_slack()
    container = create_container(settings)
    container.clock.override(providers.Object(clock))
    container.memory_store.override(providers.Object(store))
    container.slack_gateway.override(providers.Object(slack))
    gate, make_uow = FirstCommitsGate(), container.uow_factory()
    container.uow_factory.override(providers.Object(lambda: GatedUnitOfWork(make_uow(), gate)))
    runner = container.runner()
    sessions = container.browser_sessions()
    assert isinstance(sessions, MemoryBrowserSessions)
    acme, globex = await _seed(runner, "Acme"), await _seed(runner, "Globex")
    web = Web(
        app=create_app(container=container),
        store=store,
        clock=clock,
        slack=slack,
        runner=runner,
        acme=acme,
        globex=globex,
        gate=gate,
        sessions=sessions,
        worker=container.delivery_worker(),
    )
    yield web
    for client in web.browsers:
        await client.aclose()
