"""Fixtures for the sandbox suite: one real sandbox server and one receiving app per session."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from slack_sdk.web.async_client import AsyncWebClient

from slack_sandbox.app import create_app
from slack_sandbox.config import SandboxConfig
from slack_sandbox.services import Sandbox, build_sandbox
from tests.sandbox.servers import Receiver, ThreadedServer, free_port

SECRET = "test-signing-secret"
ALL_SCOPES = ["chat:write", "users:read", "users:read.email", "team:read", "im:write"]


class Running:
    """The sandbox server, its in-process state and the receiver standing in for the app."""

    def __init__(self) -> None:
        self.receiver = Receiver(SECRET)
        self.receiver_server = ThreadedServer(self.receiver, free_port()).start()
        port = free_port()
        self.config = SandboxConfig(port=port, signing_secret=SECRET,
                                    app_url=self.receiver_server.url)
        self.sandbox: Sandbox = build_sandbox(self.config)
        self.server = ThreadedServer(create_app(self.config, self.sandbox), port).start()
        self.url = self.server.url

    def stop(self) -> None:
        self.server.stop()
        self.receiver_server.stop()


@pytest.fixture(scope="session")
def running() -> Iterator[Running]:
    servers = Running()
    yield servers
    servers.stop()


@pytest.fixture
async def sandbox(running: Running) -> Running:
    """A freshly reset sandbox (directory kept) with the receiver answering 200."""
    async with httpx.AsyncClient(base_url=running.url) as http:
        await http.post("/_sandbox/reset")
        await http.post("/_sandbox/config", json={"app_url": running.receiver_server.url})
    running.receiver.reset()
    return running


@pytest.fixture
async def http(sandbox: Running) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=sandbox.url, timeout=10) as client:
        yield client


async def install(http: httpx.AsyncClient, team_id: str | None = "T0ACMEENG",
                  scopes: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"team_id": team_id, "scopes": ALL_SCOPES if scopes is None else scopes,
                            "installer": "W0ADALOVE", **extra}
    response = await http.post("/_sandbox/installs", json=body)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def client(sandbox: Running, token: str | None = None) -> AsyncWebClient:
    return AsyncWebClient(token=token, base_url=f"{sandbox.url}/api/")
