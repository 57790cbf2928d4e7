"""The Slack gateway contract's two worlds: the in-memory fake and the real gateway talking
to a live sandbox. Both are built from ONE directory (`WORLD`), so the same test, run on
each, expects the same answers.

Installs go through each world's OAuth: the sandbox's consent form is posted like a browser
would ("Allow"), the fake's `issue_code` stands in for it; the code is then redeemed by the
gateway under test.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable, Iterator
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import yaml

from adapters.slack.manifest import BOT_SCOPES
from adapters.slack.memory_gateway import MemorySlackGateway
from adapters.slack.web_gateway import SlackWebGateway
from application.slack.gateway import (
    OAuthGrant,
    SlackError,
    SlackGateway,
    SlackRateLimited,
    SlackUnavailable,
)
from slack_sandbox.app import create_app
from slack_sandbox.config import SandboxConfig
from tests.sandbox.servers import Receiver, ThreadedServer, free_port

CLIENT_ID = "1111111111.2222222222"
CLIENT_SECRET = "contract-client-secret"
SIGNING_SECRET = "contract-signing-secret"
REDIRECT_URI = "https://mentorlink.example/slack/oauth/callback"
GRID, ENG, SALES, SOLO = "E0ACME01", "T0ACMEENG", "T0ACMESAL", "T0SOLO001"

WORLD: dict[str, Any] = {
    "grids": [{"id": GRID, "name": "Acme Grid", "domain": "acme-grid"}],
    "workspaces": [
        {
            "id": ENG,
            "name": "Acme Engineering",
            "domain": "acme-eng",
            "enterprise_id": GRID,
            "icon": "https://icons.example/acme-eng-132.png",
        },
        {
            "id": SALES,
            "name": "Acme Sales",
            "domain": "acme-sales",
            "enterprise_id": GRID,
            "icon": "https://icons.example/acme-sales-132.png",
        },
        {
            "id": SOLO,
            "name": "Solo Studio",
            "domain": "solo-studio",
            "icon": "https://icons.example/solo-132.png",
        },
    ],
    "users": [
        {
            "id": "W0ADALOVE",
            "name": "ada",
            "real_name": "Ada Lovelace",
            "email": "ada@acme.example",
            "tz": "Europe/Berlin",
            "workspaces": [ENG],
            "is_admin": True,
        },
        {
            "id": "W0MARIASA",
            "name": "maria",
            "real_name": "Maria Santos",
            "email": "Maria.Santos@Acme.example",
            "tz": "America/New_York",
            "workspaces": [ENG, SALES],
        },
        {
            "id": "W0SAMRIVE",
            "name": "sam",
            "real_name": "Sam Rivera",
            "email": "sam@acme.example",
            "tz": "America/Los_Angeles",
            "workspaces": [ENG, SALES],
        },
        {
            "id": "W0LIWEI00",
            "name": "li",
            "real_name": "Li Wei",
            "email": "li@acme.example",
            "tz": "Asia/Tokyo",
            "workspaces": [ENG],
        },
        {
            "id": "W0JONGUYE",
            "name": "jo",
            "real_name": "Jo Nguyen",
            "email": "jo@acme.example",
            "tz": "Australia/Sydney",
            "workspaces": [ENG],
        },
        {
            "id": "W0ROBINLE",
            "name": "robin",
            "real_name": "Robin Lee",
            "email": "robin@acme.example",
            "tz": "Pacific/Auckland",
            "workspaces": [ENG],
            "deleted": True,
        },
        {
            "id": "W0BUILDBT",
            "name": "buildbot",
            "real_name": "Build Bot",
            "email": "buildbot@acme.example",
            "tz": "UTC",
            "workspaces": [ENG],
            "is_bot": True,
        },
        {
            "id": "W0PRIYAPA",
            "name": "priya",
            "real_name": "Priya Patel",
            "email": "priya@acme.example",
            "tz": "Asia/Kolkata",
            "workspaces": [SALES],
        },
        {
            "id": "U0OMAROKA",
            "name": "omar",
            "real_name": "Omar Okafor",
            "email": "omar@solo.example",
            "tz": "Africa/Lagos",
            "workspaces": [SOLO],
            "is_admin": True,
        },
    ],
}


def user(user_id: str) -> dict[str, Any]:
    """A WORLD user by id."""
    return next(u for u in WORLD["users"] if u["id"] == user_id)


def members_of(team_id: str) -> list[str]:
    """WORLD user ids in a workspace, in file order."""
    return [u["id"] for u in WORLD["users"] if team_id in u["workspaces"]]


class SlackWorld(Protocol):
    """What a contract test needs besides the gateway: Slack's side of the story."""

    gateway: SlackGateway

    async def authorize(
        self,
        *,
        team_id: str | None = ENG,
        enterprise_id: str | None = None,
        scopes: Iterable[str] = BOT_SCOPES,
        installer: str = "W0ADALOVE",
        redirect_uri: str | None = REDIRECT_URI,
    ) -> str:
        """An admin clicks "Allow" on Slack's consent page; returns the redirect's code."""
        ...

    async def expire_codes(self) -> None:
        """Let Slack's 10-minute code lifetime pass."""
        ...

    async def remove_app(self, *, team_id: str | None, enterprise_id: str | None = None) -> None:
        """Someone removes the app in Slack's settings."""
        ...

    async def call_counts(self) -> dict[str, int]:
        """Web API calls per method, as Slack counted them."""
        ...

    async def fail_next(
        self, method: str, *, error: str | None = None, status: int | None = None,
        retry_after: int = 1,
    ) -> None:
        """Slack answers the next call of `method` with `error` (`ratelimited`: a 429 with
        Retry-After) or an HTTP 5xx `status`."""
        ...

    async def dms_to(self, user_id: str) -> list[dict[str, Any]]:
        """The bot's messages to a person as Slack keeps them: channel, ts, text, the block
        types, metadata; oldest first."""
        ...


async def install(world: SlackWorld, **authorize: Any) -> OAuthGrant:
    """Authorize, then redeem the code with the gateway under test."""
    code = await world.authorize(**authorize)
    return await world.gateway.exchange_code(code, authorize.get("redirect_uri", REDIRECT_URI))


class MemoryWorld:
    """The fake, set up from WORLD; its clock is moved by hand."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0
        fake = MemorySlackGateway(now=lambda: self.now)
        for grid in WORLD["grids"]:
            fake.add_grid(grid["id"], grid["name"], domain=grid["domain"])
        for team in WORLD["workspaces"]:
            fake.add_workspace(
                team["id"],
                team["name"],
                domain=team["domain"],
                icon_url=team["icon"],
                enterprise_id=team.get("enterprise_id"),
            )
        for u in WORLD["users"]:
            fake.add_user(
                u["id"],
                name=u["real_name"],
                email=u["email"],
                tz=u["tz"],
                workspaces=u["workspaces"],
                deleted=u.get("deleted", False),
                is_bot=u.get("is_bot", False),
            )
        self.fake = fake
        self.gateway: SlackGateway = fake

    async def authorize(
        self,
        *,
        team_id: str | None = ENG,
        enterprise_id: str | None = None,
        scopes: Iterable[str] = BOT_SCOPES,
        installer: str = "W0ADALOVE",
        redirect_uri: str | None = REDIRECT_URI,
    ) -> str:
        return self.fake.issue_code(
            team_id=team_id,
            enterprise_id=enterprise_id,
            scopes=scopes,
            installer=installer,
            redirect_uri=redirect_uri,
        )

    async def expire_codes(self) -> None:
        self.now += 601

    async def remove_app(self, *, team_id: str | None, enterprise_id: str | None = None) -> None:
        self.fake.remove_app(team_id=team_id, enterprise_id=enterprise_id)

    async def call_counts(self) -> dict[str, int]:
        return dict(self.fake.calls)

    async def fail_next(
        self, method: str, *, error: str | None = None, status: int | None = None,
        retry_after: int = 1,
    ) -> None:
        if status is not None:
            self.fake.fail_next(method, SlackUnavailable(f"HTTP {status}"))
        elif error == "ratelimited":
            self.fake.fail_next(method, SlackRateLimited(float(retry_after)))
        else:
            self.fake.fail_next(method, SlackError(error or "fatal_error"))

    async def dms_to(self, user_id: str) -> list[dict[str, Any]]:
        return [{"channel": m.channel, "ts": m.ts, "text": m.text,
                 "types": [b["type"] for b in m.blocks], "metadata": m.metadata}
                for m in self.fake.dms.to(user_id)]


class SandboxServer:
    """A live sandbox loaded with WORLD, and a receiver standing in for the app's endpoints
    (auth.revoke and "Remove app" send it `tokens_revoked` / `app_uninstalled`)."""

    def __init__(self, directory_file: Path) -> None:
        self.receiver = Receiver(SIGNING_SECRET)
        self.receiver_server = ThreadedServer(self.receiver, free_port()).start()
        config = SandboxConfig(
            port=free_port(),
            workspaces_file=directory_file,
            app_url=self.receiver_server.url,
            signing_secret=SIGNING_SECRET,
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
        )
        self.server = ThreadedServer(create_app(config), config.port).start()
        self.url = self.server.url
        self.api_url = f"{self.url}/api/"

    def stop(self) -> None:
        self.server.stop()
        self.receiver_server.stop()


class SandboxWorld:
    """The real gateway against the sandbox; Slack's side is driven over HTTP."""

    def __init__(self, server: SandboxServer, http: httpx.AsyncClient) -> None:
        self.server = server
        self.http = http
        self.gateway: SlackGateway = SlackWebGateway(server.api_url, CLIENT_ID, CLIENT_SECRET)

    async def authorize(
        self,
        *,
        team_id: str | None = ENG,
        enterprise_id: str | None = None,
        scopes: Iterable[str] = BOT_SCOPES,
        installer: str = "W0ADALOVE",
        redirect_uri: str | None = REDIRECT_URI,
    ) -> str:
        query = {
            "client_id": CLIENT_ID,
            "scope": ",".join(scopes),
            "redirect_uri": redirect_uri or "",
            "state": "contract-state",
            "team": team_id or "",
        }
        page = await self.http.get("/oauth/v2/authorize", params=query)
        assert page.status_code == 200, page.text
        target = f"team:{team_id}" if team_id else f"grid:{enterprise_id}"
        answer = await self.http.post(
            "/oauth/v2/authorize",
            data={**query, "target": target, "installer": installer, "decision": "allow"},
        )
        assert answer.status_code == 302, answer.text
        redirect = parse_qs(urlsplit(answer.headers["location"]).query)
        assert redirect["state"] == ["contract-state"]
        return redirect["code"][0]

    async def expire_codes(self) -> None:
        # Sandbox time runs a million times faster: 10 minutes pass in under a millisecond.
        await self.configure(time_scale=1_000_000)
        await asyncio.sleep(0.01)

    async def remove_app(self, *, team_id: str | None, enterprise_id: str | None = None) -> None:
        answer = await self.http.post(
            "/_sandbox/actions/remove_app",
            json={"team_id": team_id, "enterprise_id": enterprise_id},
        )
        assert answer.status_code in (200, 201), answer.text

    async def call_counts(self) -> dict[str, int]:
        counts: dict[str, int] = (await self.http.get("/_sandbox/calls")).json()["counts"]
        return counts

    async def fail_next(
        self, method: str, *, error: str | None = None, status: int | None = None,
        retry_after: int = 1,
    ) -> None:
        fault = {"method": method, "error": error, "status": status, "retry_after": retry_after}
        answer = await self.http.post("/_sandbox/faults", json=fault)
        assert answer.status_code in (200, 201), answer.text

    async def dms_to(self, user_id: str) -> list[dict[str, Any]]:
        body = (await self.http.get("/_sandbox/messages", params={"user": user_id})).json()
        return [{"channel": m["channel"], "ts": m["ts"], "text": m["text"],
                 "types": [b["type"] for b in m["blocks"]], "metadata": m["metadata"]}
                for m in body["messages"] if not m.get("visible_to")]

    async def configure(self, **settings: Any) -> None:
        """Turn the sandbox's runtime knobs (`/_sandbox/config`)."""
        answer = await self.http.post("/_sandbox/config", json=settings)
        assert answer.status_code in (200, 201), answer.text

    async def ratelimited(self) -> dict[str, Any]:
        """The 429s the sandbox served."""
        body: dict[str, Any] = (await self.http.get("/_sandbox/ratelimited")).json()
        return body


@pytest.fixture(scope="session")
def sandbox_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    """One live sandbox for the session, loaded with WORLD."""
    directory_file = tmp_path_factory.mktemp("slack") / "world.yaml"
    directory_file.write_text(yaml.safe_dump(WORLD), encoding="utf-8")
    server = SandboxServer(directory_file)
    yield server
    server.stop()


@pytest.fixture
async def sandbox_world(sandbox_server: SandboxServer) -> AsyncIterator[SandboxWorld]:
    """The sandbox, reset (installs, tokens, limits, logs; WORLD kept) for one test."""
    async with httpx.AsyncClient(base_url=sandbox_server.url, timeout=10) as http:
        assert (await http.post("/_sandbox/reset")).status_code in (200, 201)
        sandbox_server.receiver.reset()
        yield SandboxWorld(sandbox_server, http)


@pytest.fixture(params=["memory", "sandbox"])
def slack(request: pytest.FixtureRequest) -> SlackWorld:
    """Each SlackGateway implementation with its world; the contract runs on every one."""
    if request.param == "memory":
        return MemoryWorld()
    world: SandboxWorld = request.getfixturevalue("sandbox_world")
    return world
