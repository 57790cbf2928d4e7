"""Slack forgets a token without telling us (here: the sandbox restarted without its state,
so the token is unknown — `invalid_auth`): the next directory sync marks the installation
"needs reconnecting" with the reason, the Slack page says so with a Reconnect button, and
Reconnect runs the OAuth install again for that workspace. Remove still works and does not
claim a revocation that Slack never needed."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from domain.slack.installation import InstallationStatus
from tests.http.admin_web import SLACK_PAGE
from tests.http.grid_web import (  # noqa: F401  (fixtures)
    ENG,
    GRID,
    GridWeb,
    grid_fixture,
    sandbox_server,
)

pytestmark = pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")


async def _lost(grid: GridWeb, target: str) -> str:
    installation = await grid.install(target)
    await grid.sandbox.post("/_sandbox/reset")  # Slack no longer knows the token
    synced = await grid.admin.follow(
        await grid.admin.post(f"{SLACK_PAGE}/workspaces/{installation.id}/sync"))
    name = "Acme Engineering" if target.startswith("team") else "Acme Grid"
    assert (f"{name} needs reconnecting: Slack no longer accepts mentorlink&#39;s token for it "
            "(invalid_auth). Use Reconnect to install mentorlink again.") in synced.text
    assert "try again later" not in synced.text
    return installation.id


@pytest.mark.parametrize(("target", "team"), [(f"team:{ENG}", ENG), (f"grid:{GRID}", GRID)])
async def test_a_lost_token_needs_reconnecting_and_reconnect_installs_again(
    grid: GridWeb, target: str, team: str
) -> None:
    installation_id = await _lost(grid, target)
    lost = await grid.installation(installation_id)
    assert lost.status is InstallationStatus.NEEDS_RECONNECTING
    assert lost.lost_reason == "invalid_auth"
    page = (await grid.admin.get(SLACK_PAGE)).text
    row = page.split(f'data-installation="{installation_id}"')[1].split("</tr>")[0]
    assert "Needs reconnecting" in row and "(invalid_auth)" in row
    assert "its members get their updates by email" in row
    assert f"{SLACK_PAGE}/workspaces/{installation_id}/reconnect" in row
    assert "/sync" not in row  # a sync could only fail again
    again = await grid.admin.follow(
        await grid.admin.post(f"{SLACK_PAGE}/workspaces/{installation_id}/sync"))
    assert "needs reconnecting" in again.text

    to_slack = await grid.admin.post(f"{SLACK_PAGE}/workspaces/{installation_id}/reconnect")
    authorize = to_slack.headers["location"]
    assert parse_qs(urlsplit(authorize).query)["team"] == [team]
    consent = await grid.sandbox.get(authorize.split(str(grid.sandbox.base_url).rstrip("/"))[1])
    assert f"value='{target}' checked" in consent.text  # preselected on Slack's page
    back = await grid.allow(authorize, target)
    assert back.id == installation_id and back.is_active and back.lost_reason is None
    page = (await grid.admin.get(SLACK_PAGE)).text
    assert "Needs reconnecting" not in page
    synced = await grid.admin.follow(
        await grid.admin.post(f"{SLACK_PAGE}/workspaces/{installation_id}/sync"))
    assert "Directory synced:" in synced.text


async def test_removing_one_that_needs_reconnecting_says_the_token_was_already_dead(
    grid: GridWeb,
) -> None:
    installation_id = await _lost(grid, f"team:{ENG}")
    removed = await grid.admin.follow(
        await grid.admin.post(f"{SLACK_PAGE}/workspaces/{installation_id}/remove"))
    assert ("Removed Acme Engineering. Slack had already stopped accepting its token."
            in removed.text)
    assert (await grid.installation(installation_id)).status is InstallationStatus.REMOVED
