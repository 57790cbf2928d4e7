"""A small Slack (an Enterprise Grid with two workspaces and a standalone one) and an Acme
organization with Slack switched on, for the install and directory use cases."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from adapters.persistence.memory import MemoryStore, memory_uow_factory
from adapters.slack.memory_gateway import MemorySlackGateway
from application.actors import Actor
from application.running import UseCaseRunner
from application.slack.install import (
    BeginSlackInstall,
    CompleteSlackInstall,
    begin_slack_install,
    complete_slack_install,
)
from application.usecases.slack_switches import (
    SwitchSlackForOrganization,
    switch_slack_for_organization,
)
from domain.slack.installation import WorkspaceInstallation
from tests.unit.world import FixedClock, Scene, fresh

REDIRECT = "https://mentorlink.example/slack/oauth/callback"
SESSION = "admin-browser-session"


@attrs.frozen
class Slack:
    """The fake Slack plus the emails of the scene's people."""

    gateway: MemorySlackGateway
    emails: dict[str, str]


async def email_of(store: MemoryStore, user_id: str) -> str:
    async with fresh(store) as uow:
        return (await uow.users.get(user_id)).email  # type: ignore[arg-type]


@pytest.fixture
def gateway() -> MemorySlackGateway:
    return MemorySlackGateway()


@pytest.fixture
def run(store: MemoryStore, clock: FixedClock, gateway: MemorySlackGateway) -> UseCaseRunner:
    """The unit tests' runner, handing the fake Slack to the use cases that call Slack."""
    return UseCaseRunner(memory_uow_factory(store), clock, gateway=gateway)


@pytest.fixture
async def slack(
    scene: Scene, store: MemoryStore, run: UseCaseRunner, gateway: MemorySlackGateway
) -> Slack:
    await run(
        switch_slack_for_organization,
        SwitchSlackForOrganization(organization_id=scene.acme.organization.id, enabled=True),
        scene.acme.support,
    )
    emails = {
        "maria": await email_of(store, scene.maria.member.user_id),
        "sam": await email_of(store, scene.sam.member.user_id),
        "omar": await email_of(store, scene.omar.member.user_id),
    }
    gateway.add_grid("E1", "Acme Grid")
    gateway.add_workspace("T1", "Acme Engineering", enterprise_id="E1")
    gateway.add_workspace("T2", "Acme Sales", enterprise_id="E1")
    gateway.add_workspace("T9", "Acme Partners")
    gateway.add_user("W1", name="maria", email=emails["maria"].upper(), workspaces=["T1", "T2"],
                     tz="America/New_York")  # fmt: skip
    gateway.add_user("W2", name="sam", email=emails["sam"], workspaces=["T1"], tz="Asia/Tokyo")
    gateway.add_user("U3", name="omar", email=emails["omar"], workspaces=["T9"])
    gateway.add_user("W4", name="stranger", email="who@else.example", workspaces=["T1"])
    gateway.add_user("W5", name="gone", email="gone@else.example", workspaces=["T1"], deleted=True)
    gateway.add_user("W6", name="bot", email="bot@else.example", workspaces=["T1"], is_bot=True)
    return Slack(gateway=gateway, emails=emails)


async def install(
    run: UseCaseRunner,
    gateway: MemorySlackGateway,
    admin: Actor,
    session: str = SESSION,
    **where: Any,
) -> WorkspaceInstallation:
    """The whole "Add a workspace" round trip, as the admin page and callback do it (`gateway`
    is the one `run` hands to the use cases)."""
    attempt = await run(begin_slack_install, BeginSlackInstall(session_id=session), admin)
    code = gateway.issue_code(redirect_uri=REDIRECT, **where)
    cmd = CompleteSlackInstall(
        state=attempt.id, session_id=session, code=code, redirect_uri=REDIRECT
    )
    return (await run(complete_slack_install, cmd, admin)).installation


def clock_of(run: UseCaseRunner) -> FixedClock:
    assert isinstance(run.clock, FixedClock)
    return run.clock
