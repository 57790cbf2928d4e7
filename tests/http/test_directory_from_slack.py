"""The directory kept fresh end to end: the sandbox's directory changes (through its
inspection API), the sandbox sends `team_join` / `user_change` to the app's events URL,
signed, and the app reflects it at once — a newcomer is welcomed in Slack, a new timezone is
kept, and a deactivated person's next notification goes by e-mail instead of a DM."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from domain.ids import OrganizationId
from tests.http.slack_world import MARIA, TEAM, Sandbox, World, world_on

# slack-sdk hands aiohttp a BasicAuth for oauth.v2.access, which aiohttp now deprecates.
pytestmark = pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")


@pytest.fixture(scope="module")
def mail_sandbox() -> Iterator[Sandbox]:
    sandbox = Sandbox(smtp=True)
    yield sandbox
    sandbox.server.stop()


@pytest.fixture(name="world")
async def mail_world(mail_sandbox: Sandbox) -> AsyncIterator[World]:
    async for world in world_on(mail_sandbox):
        yield world


async def identity(world: World, slack_user_id: str) -> tuple[str | None, bool] | None:
    async with world.runner.uow_factory() as uow:
        found = await uow.slack_identities.list_for_organization(  # type: ignore[attr-defined]
            OrganizationId(world.acme.id))
    for i in found:
        if i.slack_user_id == slack_user_id:
            return i.tz, i.deactivated
    return None


async def test_a_newcomer_in_slack_is_welcomed_at_once(world: World) -> None:
    added = await world.http.post(f"{world.sandbox}/_sandbox/users", json={
        "id": "W0TESSNEW", "name": "tess", "real_name": "Tess", "email": "tess@acme.example",
        "tz": "Europe/Paris", "workspaces": [TEAM]})  # fmt: skip
    assert added.status_code == 201, added.text

    async def found() -> bool:
        return await identity(world, "W0TESSNEW") == ("Europe/Paris", False)

    await world.eventually(found, "Tess found from team_join", within=3)
    await world.dm("W0TESSNEW", "Welcome")


async def test_a_timezone_change_in_slack_is_kept(world: World) -> None:
    changed = await world.http.patch(f"{world.sandbox}/_sandbox/users/{MARIA}",
                                     json={"tz": "Asia/Tokyo"})  # fmt: skip
    assert changed.status_code == 200, changed.text

    async def kept() -> bool:
        return await identity(world, MARIA) == ("Asia/Tokyo", False)

    await world.eventually(kept, "Maria's new timezone", within=3)


async def test_a_deactivated_person_is_told_by_email(world: World) -> None:
    gone = await world.http.patch(f"{world.sandbox}/_sandbox/users/{MARIA}",
                                  json={"deleted": True})  # fmt: skip
    assert gone.status_code == 200, gone.text

    async def deactivated() -> bool:
        found = await identity(world, MARIA)
        return found is not None and found[1]

    await world.eventually(deactivated, "Maria deactivated from user_change", within=3)
    dms_before = len(await world.messages(MARIA))
    await world.request()  # Sam asks Maria to mentor him

    async def mailed() -> list[object]:
        await world.deliver()
        found = await world.http.get(f"{world.sandbox}/_sandbox/mails",
                                     params={"to": "maria@acme.example"})  # fmt: skip
        mails: list[object] = found.json()["mails"]
        return mails

    (mail,) = await world.eventually(mailed, "an e-mail to Maria", within=10)
    assert "Sam" in str(mail)
    assert len(await world.messages(MARIA)) == dms_before
