"""The local stack the end-to-end journeys drive: `mentorlink run-local` (the app on SQLite,
with its in-process delivery worker, and the Slack sandbox; Slack reaching the app over HTTP,
or over Socket Mode with `socket_mode=True`) on free ports, plus the steps
several journeys share: an administrator connecting a workspace through the sandbox's
consent form, and reading or changing what the app keeps, through its own code."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

import attrs
import httpx

from adapters.persistence.sql_deliveries import SqlDeliveryStore
from adapters.settings import Settings
from application.delivery.model import Delivery, DeliveryStatus
from bootstrap import create_container
from domain.ids import OrganizationId
from domain.working_hours import WorkingWindow
from tests.e2e.processes import SRC, base_env, cli, free_port, running, wait_until_up

SLACK_PAGE = "/admin/manage/engagement/integrations/slack"
JOURNEY_APP_TOKEN = "xapp-1-A0JOURNEY1-1-journey-app-token"
_CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')
T = TypeVar("T")


@attrs.frozen
class Stack:
    app: str
    sandbox: str
    env: dict[str, str]
    admin_token: str
    support_token: str
    organization_id: str


@contextmanager
def local_stack(
    tmp_path: Path, *, slack: bool = False, socket_mode: bool = False
) -> Iterator[Stack]:
    """`mentorlink run-local` with Slack switched on or off for the demo organization; with
    `socket_mode`, `--socket-mode` (the sandbox sends events and interactions as envelopes
    over the app's WebSocket, opened with SLACK_APP_TOKEN), ready once that is connected."""
    port, sandbox_port = free_port(), free_port()
    app, sandbox = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{sandbox_port}"
    env = base_env(
        tmp_path,
        PYTHONPATH=str(SRC),  # the code under test, whatever the venv's editable install says
        MENTORLINK_PUBLIC_URL=app,
        MENTORLINK_SLACK_API_URL=f"{sandbox}/api/",
        MENTORLINK_SLACK_OAUTH_URL=f"{sandbox}/oauth/v2/authorize",
        SLACK_CLIENT_ID="1000000000.2000000000",
        SLACK_CLIENT_SECRET="journey-client-secret",
        SLACK_SIGNING_SECRET="journey-signing-secret",
    )
    args = ["run-local", "--port", str(port), "--sandbox-port", str(sandbox_port)]
    if socket_mode:
        env["SLACK_APP_TOKEN"] = JOURNEY_APP_TOKEN  # run-local hands it to the sandbox too
        args.append("--socket-mode")
    with running(env, *args, cwd=tmp_path):
        wait_until_up(f"{app}/healthz")
        wait_until_up(f"{sandbox}/")
        if socket_mode:
            eventually(lambda: socket_connections(sandbox), within=30, what="the app connected")
        printed = (tmp_path / "output.txt").read_text()
        admin = re.search(r"admin token\s+(\S+)", printed)
        assert admin is not None, printed
        organization_id = cli(env, "org", "list").split("\t")[0]
        support = cli(
            env, "token", "create", "--org", organization_id, "--role", "support",
            "--email", "support@mentorlink.example", "--name", "Support",
        )  # fmt: skip
        if not slack:  # the demo seeds it on
            off = httpx.put(
                f"{app}/api/v1/organizations/{organization_id}/slack",
                json={"enabled": False},
                headers={"Authorization": f"Bearer {support}"},
            )
            assert off.status_code == 200, off.text
        yield Stack(app, sandbox, env, admin.group(1), support, organization_id)


def csrf(page: httpx.Response) -> str:
    found = _CSRF.search(page.text)
    assert found is not None, page.text
    return found.group(1)


@contextmanager
def signed_in_admin(stack: Stack) -> Iterator[httpx.Client]:
    """A browser-like client signed in to the admin pages as the global administrator."""
    with httpx.Client(base_url=stack.app) as admin:
        signed = admin.post(
            "/admin/sign-in",
            data={"token": stack.admin_token, "_csrf_token": csrf(admin.get("/admin/sign-in"))},
        )
        assert signed.status_code == 303, signed.text
        yield admin


def install(admin: httpx.Client, stack: Stack, *, team: str, installer: str) -> None:
    """ "Add a workspace" on the Slack page, "Allow" on the sandbox's consent form as
    `installer` for `team`, and back through the app's OAuth callback."""
    to_slack = admin.post(
        f"{SLACK_PAGE}/workspaces", data={"_csrf_token": csrf(admin.get(SLACK_PAGE))}
    )
    query = {k: v[0] for k, v in parse_qs(urlsplit(to_slack.headers["location"]).query).items()}
    allowed = httpx.post(
        f"{stack.sandbox}/oauth/v2/authorize",
        data={**query, "target": f"team:{team}", "installer": installer, "decision": "allow"},
    )
    assert allowed.status_code == 302, allowed.text
    back = admin.get(allowed.headers["location"])
    assert back.headers.get("location") == SLACK_PAGE, back.text


def drain(stack: Stack) -> None:
    """Wait until the sandbox delivered every pending event to the app."""
    httpx.post(f"{stack.sandbox}/_sandbox/drain", json={"timeout": 10}, timeout=15)


def socket_connections(sandbox: str) -> list[dict[str, Any]]:
    """The app's open Socket Mode connections, as the sandbox sees them."""
    found: list[dict[str, Any]] = httpx.get(f"{sandbox}/_sandbox/socket").json()["connections"]
    return found


def transports(stack: Stack) -> dict[str, dict[str, int]]:
    """How the sandbox reached the app, per kind (events, interactions): its attempts posted
    to the app's /slack/ URLs ("http": no envelope id) and those sent as Socket Mode
    envelopes ("socket_mode"); "unanswered" counts the attempts of either way that failed."""
    counts: dict[str, dict[str, int]] = {}
    for kind in ("events", "interactions"):
        rows = httpx.get(f"{stack.sandbox}/_sandbox/{kind}").json()["deliveries"]
        attempts = [a for row in rows for a in row["attempts"]]
        counts[kind] = {
            "http": sum(a["envelope_id"] is None for a in attempts),
            "socket_mode": sum(a["envelope_id"] is not None for a in attempts),
            "unanswered": sum(a["reason"] is not None for a in attempts),
        }
    return counts


def assert_slack_came_only_by(stack: Stack, transport: str) -> None:
    """Every event and interaction so far went `transport`'s way ("http", "socket_mode") and
    none the other's (over Socket Mode: nothing posted to the app's /slack/ URLs), each
    answered at its first attempt."""
    counted = transports(stack)
    other = "http" if transport == "socket_mode" else "socket_mode"
    for kind in ("events", "interactions"):
        assert counted[kind][transport] > 0, counted
        assert counted[kind][other] == 0, counted
        assert counted[kind]["unanswered"] == 0, counted


def slack_messages(stack: Stack, user: str | None = None) -> list[dict[str, Any]]:
    """The bot's DMs the sandbox holds (ephemeral ones included), oldest first."""
    params = {"user": user} if user else {}
    found = httpx.get(f"{stack.sandbox}/_sandbox/messages", params=params)
    messages: list[dict[str, Any]] = found.json()["messages"]
    return messages


def eventually(probe: Callable[[], T | None], *, within: float = 5.0, what: str = "") -> T:
    """Poll `probe` until it returns something (not None, not empty)."""
    deadline = time.monotonic() + within
    while True:
        found = probe()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {within} s: {what}")
        time.sleep(0.1)


async def set_working_window(stack: Stack, window: WorkingWindow, timezone: str = "UTC") -> None:
    """A test setup step through the app's own domain on the stack's database (this branch
    has no API for the working window yet)."""
    container = create_container(Settings.from_env(stack.env))
    try:
        async with container.uow_factory()() as uow:
            organization = await uow.organizations.get(OrganizationId(stack.organization_id))
            organization.set_working_window(window, timezone=timezone)
            await uow.commit()
    finally:
        await container.engine().dispose()


async def deliveries(stack: Stack, *statuses: DeliveryStatus) -> Sequence[Delivery]:
    """The organization's deliveries as the app's delivery store reads them."""
    container = create_container(Settings.from_env(stack.env))
    try:
        store = SqlDeliveryStore(container.engine())
        return await store.list_for_organization(stack.organization_id, statuses=statuses)
    finally:
        await container.engine().dispose()
