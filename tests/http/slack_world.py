# Over 300 lines: one harness (app + sandbox over real HTTP) and the steps its tests share.
"""The app and the Slack sandbox talking to each other over real HTTP, for the in-Slack
actions: the app (composition root, in-memory store, a clock that follows real time so the
sandbox's signatures verify, and can be moved a few minutes ahead) is served by uvicorn on
this test's event loop; the sandbox runs in its own thread, signs every interaction it sends
and answers the app's `views.*` and `response_url` calls. Acme's administrator installs the
app in Acme Engineering through the real OAuth round trip; Maria (mentor) and Sam (mentee)
are in that workspace. The delivery worker runs when a test says so.

Use it with `from tests.http.slack_world import world_fixture  # noqa: F401`."""

from __future__ import annotations

import asyncio
import copy
import hashlib
import hmac
import json
import re
import time
import urllib.parse
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from typing import Any

import attrs
import httpx
import pytest
import uvicorn
from aiohttp import web as aioweb
from dependency_injector import providers

from adapters.persistence.memory import MemoryStore
from adapters.settings import Settings
from adapters.slack.socket_mode import SocketModeListener
from application.delivery.worker import DeliveryWorker
from application.running import UseCaseRunner
from bootstrap import create_app, create_container
from domain.ids import OrganizationId
from domain.working_hours import WorkingWindow
from slack_sandbox.app import create_app as create_sandbox
from slack_sandbox.config import DEV_APP_TOKEN, SandboxConfig
from slack_sandbox.services import build_sandbox
from tests.http.conftest import Org, _seed
from tests.sandbox.servers import ThreadedServer, free_port

SECRET = "world-signing-secret"
CLIENT_ID, CLIENT_SECRET = "1000000000.2000000000", "world-client-secret"
TEAM, GRID = "T0ACMEENG", "E0ACME01"
MARIA, SAM = "W0MARIASA", "W0SAMRIVE"
SLACK_PAGE = "/admin/manage/engagement/integrations/slack"
ALL_WEEK = WorkingWindow(days=frozenset(range(7)), start=clock_time(0, 0), end=clock_time(23, 59))
_CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


@attrs.define
class RealClock:
    """Real time (the sandbox signs with it), moved ahead by `advance` when a test needs a
    slot to pass; stay under Slack's 5-minute signature window."""

    shift: timedelta = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self.shift

    def advance(self, **units: float) -> None:
        self.shift += timedelta(**units)


class Sandbox:
    """One sandbox server for the session; `reset()` between tests. With `smtp`, its SMTP
    receiver runs too (on a free port) for tests of the e-mail fallback."""

    def __init__(self, smtp: bool = False) -> None:
        self.port = free_port()
        self.config = SandboxConfig(port=self.port, signing_secret=SECRET, client_id=CLIENT_ID,
                                    client_secret=CLIENT_SECRET,
                                    smtp_port=free_port() if smtp else 0)  # fmt: skip
        self.state = build_sandbox(self.config)
        self.server = ThreadedServer(create_sandbox(self.config, self.state), self.port).start()
        self.url = self.server.url


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[Sandbox]:
    sandbox = Sandbox()
    yield sandbox
    sandbox.server.stop()


@attrs.define
class World:
    app_url: str
    sandbox: str
    http: httpx.AsyncClient
    store: MemoryStore
    clock: RealClock
    runner: UseCaseRunner
    worker: DeliveryWorker
    acme: Org
    globex: Org
    hook: str = ""  # a response_url for crafted payloads; what the app posts there is kept
    socket: SocketModeListener | None = None  # the app's Socket Mode side, when it is on
    answered: list[dict[str, Any]] = attrs.field(factory=list)

    # The platform, as the JSON API sees it

    async def api(self, method: str, path: str, who: str, org: Org | None = None,
                  **kw: Any) -> httpx.Response:  # fmt: skip
        headers = {"Authorization": f"Bearer {(org or self.acme).tokens[who]}"}
        return await self.http.request(method, f"{self.app_url}/api/v1{path}", headers=headers,
                                       **kw)  # fmt: skip

    async def ok(self, method: str, path: str, who: str, org: Org | None = None,
                 **kw: Any) -> Any:  # fmt: skip
        response = await self.api(method, path, who, org, **kw)
        assert response.status_code in (200, 201), response.text
        return response.json()

    async def request(self, mentee: str = "sam", mentor: str = "maria") -> str:
        body = {"program_id": self.acme.program_id, "mentor_id": self.acme.members[mentor],
                "note": "Could you help me grow into a tech lead?"}  # fmt: skip
        return str((await self.ok("POST", "/mentor-requests", mentee, json=body))["id"])

    async def connection(self, org: Org | None = None) -> str:
        org = org or self.acme
        body = {"mentor_ids": [org.members["maria"]], "mentee_ids": [org.members["sam"]]}
        created = await self.ok("POST", f"/programs/{org.program_id}/connections", "admin", org,
                                json=body)  # fmt: skip
        return str(created["id"])

    def slot(self, minutes: float) -> dict[str, Any]:
        start = (self.clock.now() + timedelta(minutes=minutes)).replace(microsecond=0)
        return {"start": start.isoformat(), "minutes": 30}

    async def meeting(self, connection_id: str, *slots: dict[str, Any],
                      org: Org | None = None) -> str:  # fmt: skip
        org = org or self.acme
        body = {"invitee_id": org.members["maria"], "title": "First chat",
                "slots": list(slots) or [self.slot(60 * 24), self.slot(60 * 48),
                                         self.slot(60 * 72)]}  # fmt: skip
        made = await self.ok("POST", f"/connections/{connection_id}/meetings", "sam", org,
                             json=body)  # fmt: skip
        return str(made["id"])

    # Slack

    async def deliver(self) -> None:
        """Run the delivery worker until nothing is left (DMs, and updates of DMs)."""
        while await self.worker.run_once():
            pass

    async def messages(self, user: str) -> list[dict[str, Any]]:
        found = await self.http.get(f"{self.sandbox}/_sandbox/messages", params={"user": user})
        messages: list[dict[str, Any]] = found.json()["messages"]
        return messages

    async def dm(self, user: str, has: str) -> dict[str, Any]:
        """The latest DM to `user` whose text or blocks mention `has`. The app paces its
        posts to one DM channel (about one a second, as Slack asks), so the worker may have
        to run again a moment later."""

        async def probe() -> list[dict[str, Any]]:
            found = [m for m in await self.messages(user) if has in _text(m)]
            if not found:
                await self.deliver()
            return found

        found: list[dict[str, Any]] = await self.eventually(probe, f"a DM to {user} with {has!r}",
                                                            within=10)  # fmt: skip
        return found[-1]

    async def click(self, user: str, action_id: str, *, message: dict[str, Any] | None = None,
                    view_id: str | None = None, value: Any = None,
                    block_id: str | None = None) -> dict[str, Any]:  # fmt: skip
        """A click in the sandbox's Slack: it signs and sends `block_actions` to the app."""
        body: dict[str, Any] = {"team_id": TEAM, "user_id": user, "action_id": action_id,
                                "block_id": block_id, "value": value}  # fmt: skip
        if message is not None:
            body |= {"channel": message["channel"], "ts": message["ts"]}
        if view_id is not None:
            body["view_id"] = view_id
        answer = await self.http.post(f"{self.sandbox}/_sandbox/actions/click", json=body)
        assert answer.status_code in (200, 201), answer.text
        result: dict[str, Any] = answer.json()
        assert result["ok"] and result["status"] == 200, result
        return result

    async def submit(self, user: str, values: dict[str, Any]) -> dict[str, Any]:
        body = {"team_id": TEAM, "user_id": user, "values": values}
        answer = await self.http.post(f"{self.sandbox}/_sandbox/actions/submit", json=body)
        assert answer.status_code in (200, 201), answer.text
        result: dict[str, Any] = answer.json()
        return result

    async def close(self, user: str) -> None:
        await self.http.post(f"{self.sandbox}/_sandbox/actions/close",
                             json={"team_id": TEAM, "user_id": user})  # fmt: skip

    async def modals(self, user: str) -> list[dict[str, Any]]:
        """The user's open modal stack, bottom first."""
        found = (await self.http.get(f"{self.sandbox}/_sandbox/views",
                                     params={"user": user})).json()  # fmt: skip
        stacks = [s for s in found["modals"] if s["user_id"] == user]
        views: list[dict[str, Any]] = stacks[0]["views"] if stacks else []
        return views

    async def eventually(self, probe: Callable[[], Any], what: str, within: float = 5.0) -> Any:
        deadline = time.monotonic() + within
        while True:
            found = await probe()
            if found:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"not within {within} s: {what}")
            await asyncio.sleep(0.05)

    async def ephemeral(self, user: str, has: str) -> dict[str, Any]:
        """An ephemeral note to `user` mentioning `has` (they arrive after the 200)."""

        async def probe() -> list[dict[str, Any]]:
            return [m for m in await self.messages(user)
                    if m.get("visible_to") and has in _text(m)]  # fmt: skip

        found: list[dict[str, Any]] = await self.eventually(probe, f"a note with {has!r}")
        return found[-1]

    # Crafted payloads, signed for real, straight to the app

    async def signed(self, payload: dict[str, Any], *, secret: str = SECRET,
                     timestamp: int | None = None,
                     signature: str | None = None) -> httpx.Response:  # fmt: skip
        raw = urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()
        ts = str(int(self.clock.now().timestamp()) if timestamp is None else timestamp)
        digest = hmac.new(secret.encode(), f"v0:{ts}:".encode() + raw, hashlib.sha256)
        headers = {"X-Slack-Request-Timestamp": ts,
                   "X-Slack-Signature": signature or f"v0={digest.hexdigest()}",
                   "Content-Type": "application/x-www-form-urlencoded"}  # fmt: skip
        return await self.http.post(f"{self.app_url}/slack/interactivity", content=raw,
                                    headers=headers)  # fmt: skip

    async def answer(self, has: str) -> dict[str, Any]:
        """What the app posted to `hook` mentioning `has` (it arrives after the 200)."""

        async def probe() -> list[dict[str, Any]]:
            return [a for a in self.answered if has in json.dumps(a, ensure_ascii=False)]

        found: list[dict[str, Any]] = await self.eventually(probe, f"an answer with {has!r}")
        return found[-1]

    def snapshot(self) -> tuple[Any, int]:
        return copy.deepcopy(self.store.tables), len(self.store.outbox)


def _text(found: Any) -> str:
    return json.dumps(found, ensure_ascii=False)


def click_payload(action_id: str, value: str, *, user: str = MARIA, team: str | None = TEAM,
                  enterprise: str | None = GRID, response_url: str | None = None,
                  block_id: str = "b1") -> dict[str, Any]:  # fmt: skip
    """`block_actions` shaped as Slack sends it for a click in a DM."""
    payload: dict[str, Any] = {
        "type": "block_actions", "api_app_id": "A0MENTORLNK", "token": "x",
        "user": {"id": user, "username": "someone", "team_id": team},
        "team": {"id": team, "domain": "acme-eng"} if team else None,
        "enterprise": {"id": enterprise, "name": "Acme Grid"} if enterprise else None,
        "is_enterprise_install": False, "trigger_id": "1.2.forged",
        "container": {"type": "message", "message_ts": "1.000100", "channel_id": "D0X"},
        "channel": {"id": "D0X", "name": "directmessage"},
        "message": {"type": "message", "ts": "1.000100", "text": "hi", "blocks": []},
        "state": {"values": {}},
        "actions": [{"action_id": action_id, "block_id": block_id, "type": "button",
                     "value": value, "action_ts": "1.1"}],
    }  # fmt: skip
    if response_url:
        payload["response_url"] = response_url
    return payload


async def _install(world: World, admin_token: str) -> None:
    async with httpx.AsyncClient(base_url=world.app_url) as admin:
        page = await admin.get("/admin/sign-in")
        token = _CSRF.search(page.text)
        assert token is not None
        form = {"token": admin_token, "_csrf_token": token.group(1)}
        signed = await admin.post("/admin/sign-in", data=form)
        assert signed.status_code == 303, signed.text
        page = await admin.get(SLACK_PAGE)
        token = _CSRF.search(page.text)
        assert token is not None
        to_slack = await admin.post(f"{SLACK_PAGE}/workspaces",
                                    data={"_csrf_token": token.group(1)})  # fmt: skip
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(
            to_slack.headers["location"]).query))  # fmt: skip
        allowed = await world.http.post(
            f"{world.sandbox}/oauth/v2/authorize",
            data={**query, "target": f"team:{TEAM}", "installer": "W0ADALOVE",
                  "decision": "allow"},
        )  # fmt: skip
        assert allowed.status_code == 302, allowed.text
        back = await admin.get(allowed.headers["location"])
        assert back.headers.get("location") == SLACK_PAGE, back.text


async def _identities(world: World) -> list[str]:
    async with world.runner.uow_factory() as uow:
        found = await uow.slack_identities.list_for_organization(  # type: ignore[attr-defined]
            OrganizationId(world.acme.id))
        return [i.slack_user_id for i in found]


async def _response_url(world: World) -> aioweb.AppRunner:
    """A stand-in for a click's `response_url` that keeps what it was sent."""

    async def receive(request: aioweb.Request) -> aioweb.Response:
        world.answered.append(await request.json())
        return aioweb.Response(text="ok")

    app = aioweb.Application()
    app.router.add_post("/hooks/T0ACMEENG/1/abc", receive)
    runner = aioweb.AppRunner(app)
    await runner.setup()
    port = free_port()
    await aioweb.TCPSite(runner, "127.0.0.1", port).start()
    world.hook = f"http://127.0.0.1:{port}/hooks/T0ACMEENG/1/abc"
    return runner


@pytest.fixture(name="world")
async def world_fixture(sandbox_server: Sandbox) -> AsyncIterator[World]:
    async with running_world(sandbox_server) as world:
        yield world


async def world_on(sandbox_server: Sandbox) -> AsyncIterator[World]:
    """The world around `sandbox_server` (over HTTP), as an async generator."""
    async with running_world(sandbox_server) as world:
        yield world


async def _socket_connected(world: World) -> None:
    async def one() -> bool:
        found = (await world.http.get(f"{world.sandbox}/_sandbox/socket")).json()
        return len([c for c in found["connections"] if not c["closing"]]) == 1

    await world.eventually(one, "the app's Socket Mode connection")


@asynccontextmanager
async def running_world(sandbox_server: Sandbox, socket_mode: bool = False
                        ) -> AsyncIterator[World]:  # fmt: skip
    """The app and the sandbox; with `socket_mode`, the sandbox delivers events and
    interactions only over the Socket Mode connection the app (SLACK_APP_TOKEN) opens. The app
    mails through the sandbox's SMTP receiver if it has one."""
    port = free_port()
    app_url = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient(timeout=10) as http:
        await http.post(f"{sandbox_server.url}/_sandbox/reset")
        await http.post(f"{sandbox_server.url}/_sandbox/config",
                        json={"app_url": app_url, "rate_limits": False, "socket_mode": socket_mode,
                              "event_retry_delays": [0, 1, 2] if socket_mode else [0, 60, 300]})
        settings = Settings(
            database_url="memory://", public_url=app_url, slack_client_id=CLIENT_ID,
            slack_client_secret=CLIENT_SECRET, slack_signing_secret=SECRET,
            slack_api_url=f"{sandbox_server.url}/api/",
            slack_oauth_url=f"{sandbox_server.url}/oauth/v2/authorize",
            session_idle_minutes=600, session_hours=24,
            slack_app_token=DEV_APP_TOKEN if socket_mode else "",
            smtp_url=(f"smtp://127.0.0.1:{sandbox_server.config.smtp_port}"
                      if sandbox_server.config.smtp_port else ""),
        )  # fmt: skip
        store, clock = MemoryStore(), RealClock()
        container = create_container(settings)
        container.clock.override(providers.Object(clock))
        container.memory_store.override(providers.Object(store))
        runner = container.runner()
        acme, globex = await _seed(runner, "Acme"), await _seed(runner, "Globex")
        async with runner.uow_factory() as uow:
            for org in (acme, globex):
                organization = await uow.organizations.get(OrganizationId(org.id))
                organization.set_working_window(ALL_WEEK, timezone="UTC")
            await uow.commit()
        config = uvicorn.Config(create_app(container=container), host="127.0.0.1", port=port,
                                log_level="warning", lifespan="off")  # fmt: skip
        server = uvicorn.Server(config)
        serving = asyncio.create_task(server.serve())
        while not server.started:
            await asyncio.sleep(0.02)
        world = World(app_url=app_url, sandbox=sandbox_server.url, http=http, store=store,
                      clock=clock, runner=runner, worker=container.delivery_worker(),
                      acme=acme, globex=globex, socket=container.socket_mode())  # fmt: skip
        hook = await _response_url(world)
        try:
            if world.socket is not None:  # `serve` starts it on startup (lifespan is off here)
                world.socket.ping_interval = 1.0
                await world.socket.start()
                await _socket_connected(world)
            await world.ok("PUT", f"/organizations/{acme.id}/slack", "support",
                           json={"enabled": True})  # fmt: skip
            await _install(world, acme.tokens["admin"])

            async def found() -> bool:
                return {MARIA, SAM} <= set(await _identities(world))

            await world.eventually(found, "Maria and Sam found in Slack")
            await world.deliver()  # their welcomes
            yield world
        finally:
            if world.socket is not None:
                await world.socket.stop()
            await hook.cleanup()
            server.should_exit = True
            await serving
