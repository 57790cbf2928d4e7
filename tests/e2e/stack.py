"""The local stack the end-to-end journeys drive: `mentorlink run-local` (the app on SQLite,
with its in-process delivery worker, and the Slack sandbox) on free ports, plus the steps
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
def local_stack(tmp_path: Path, *, slack: bool = False) -> Iterator[Stack]:
    """`mentorlink run-local` with Slack switched on or off for the demo organization."""
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
    args = ("run-local", "--port", str(port), "--sandbox-port", str(sandbox_port))
    with running(env, *args, cwd=tmp_path):
        wait_until_up(f"{app}/healthz")
        wait_until_up(f"{sandbox}/")
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
