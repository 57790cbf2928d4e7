"""Which channel reaches a person: Slack (one identity per person, an active installation, the
organization and program using Slack), else e-mail, else unreachable with a reason."""

from __future__ import annotations

import pytest

from adapters.persistence.memory import MemoryStore
from application.delivery.model import Notification, NotificationKind, Subject
from application.delivery.routing import MailRoute, NoRoute, SlackRoute, route_for
from domain.ids import InstallationId, OrganizationId, UserId
from domain.slack.identity import SlackIdentity
from domain.slack.installation import (
    BotCredentials,
    RemovedBy,
    SlackWorkspace,
    WorkspaceInstallation,
)
from tests.unit.world import T0, Scene, fresh


def _note(scene: Scene, program: bool = True) -> Notification:
    return Notification(
        kind=NotificationKind.MENTOR_REQUEST_RECEIVED,
        organization_id=scene.acme.organization.id,
        program_id=scene.program.id if program else None,
        recipient_user_id=scene.maria.actor.user_id,
        subject=Subject(kind="mentor_request", id="r1"),
        facts={},
        outbox_id=1,
        created_at=T0,
    )


async def _slack_on(store: MemoryStore, scene: Scene, *, identities: int = 1) -> None:
    async with fresh(store) as uow:
        organization = await uow.organizations.get(OrganizationId(scene.acme.organization.id))
        organization.switch_slack(True, by="support", now=T0)
        for n in range(identities):
            installation = WorkspaceInstallation.install(
                id=InstallationId(f"inst{n}"),
                organization_id=organization.id,
                workspace=SlackWorkspace(team_id=f"T{n}", team_name=f"Team {n}"),
                bot=BotCredentials(token=f"xoxb-{n}", bot_user_id="UB", bot_id="B",
                                   app_id="A", scopes=("chat:write",)),
                installed_by=UserId("admin"),
                installer_slack_user_id="UADMIN",
                now=T0,
            )  # fmt: skip
            await uow.installations.add(installation)
            await uow.slack_identities.add(
                SlackIdentity(
                    id=f"id{n}", organization_id=organization.id,
                    user_id=UserId(scene.maria.actor.user_id), directory_key=f"T{n}",
                    slack_user_id=f"UMARIA{n}", installation_id=installation.id,
                    email="maria@acme.example", tz="Europe/Berlin",
                    seen_at=T0.replace(hour=n),
                )
            )  # fmt: skip
        await uow.commit()


async def _route(store: MemoryStore, scene: Scene, *, mail: bool = True, **kw: object):  # type: ignore[no-untyped-def]
    async with fresh(store) as uow:
        return await route_for(_note(scene, **kw), uow, mail_configured=mail)  # type: ignore[arg-type]


async def test_slack_when_everything_is_on(store: MemoryStore, scene: Scene) -> None:
    await _slack_on(store, scene)
    route = await _route(store, scene)
    assert isinstance(route, SlackRoute)
    assert (route.slack_user_id, route.team_id, route.timezone) == (
        "UMARIA0",
        "T0",
        "Europe/Berlin",
    )
    assert "xoxb" not in repr(route)


async def test_one_route_per_person_the_most_recently_seen_identity(
    store: MemoryStore, scene: Scene
) -> None:
    await _slack_on(store, scene, identities=3)
    route = await _route(store, scene)
    assert isinstance(route, SlackRoute) and route.slack_user_id == "UMARIA2"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("slack_off", "Slack is off for the organization."),
        ("program_off", "does not use Slack."),
        ("removed", "no longer connected."),
        ("nobody", "not found in a connected Slack workspace."),
    ],
)
async def test_without_slack_e_mail_and_the_reason_when_neither(
    store: MemoryStore, scene: Scene, change: str, reason: str
) -> None:
    await _slack_on(store, scene, identities=0 if change == "nobody" else 1)
    async with fresh(store) as uow:
        if change == "slack_off":
            org = await uow.organizations.get(OrganizationId(scene.acme.organization.id))
            org.switch_slack(False, by="support", now=T0)
        elif change == "program_off":
            program = await uow.programs.get(scene.program.id)
            program.set_slack_opt_in(False, now=T0)
        elif change == "removed":
            installation = await uow.installations.get(InstallationId("inst0"))
            installation.remove(by=RemovedBy.ADMIN, now=T0)
        await uow.commit()
    route = await _route(store, scene)
    assert isinstance(route, MailRoute)
    assert route.address.endswith("@acme.example") or "@" in route.address
    unreachable = await _route(store, scene, mail=False)
    assert isinstance(unreachable, NoRoute)
    assert reason in unreachable.reason and "no e-mail is configured" in unreachable.reason


async def test_a_deactivated_person_is_unreachable(store: MemoryStore, scene: Scene) -> None:
    await _slack_on(store, scene)
    async with fresh(store) as uow:
        user = await uow.users.get(UserId(scene.maria.actor.user_id))
        user.deactivate(now=T0)
        await uow.commit()
    route = await _route(store, scene)
    assert isinstance(route, NoRoute) and "deactivated" in route.reason
