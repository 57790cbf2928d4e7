"""The Slack page's other forms: remove a workspace, sync its directory, switch programs;
another organization's ids are 404s; the installation outlives the admin who made it."""

from __future__ import annotations

import logging

import pytest

from application.slack.gateway import SlackError, SlackUnavailable
from application.usecases.access_tokens import IssueToken, issue_token
from domain.people import Role
from domain.slack.installation import RemovedBy
from tests.http.admin_web import (  # noqa: F401  (web_fixture is the `web` fixture)
    ACME_TEAM,
    REDIRECT_URI,
    SLACK_PAGE,
    Browser,
    Web,
    web_fixture,
)


async def _connected(web: Web) -> tuple[Browser, str]:
    await web.enable_slack()
    admin = await web.signed_in("admin")
    installation = await web.install(admin)
    return admin, installation.id


async def test_remove_asks_first_then_revokes_the_token_and_keeps_the_record(web: Web) -> None:
    admin, installation_id = await _connected(web)
    token = (await web.installation(installation_id)).bot.token  # type: ignore[union-attr]
    page = await admin.get(SLACK_PAGE)
    remove = f"{SLACK_PAGE}/workspaces/{installation_id}/remove"
    assert f'href="{remove}"' in page.text
    confirm = await admin.get(remove)
    assert confirm.status_code == 200
    assert "<h1>Remove Acme Engineering?</h1>" in confirm.text
    assert "revoke its bot token" in confirm.text
    response = await admin.post(remove)
    assert response.headers["location"] == SLACK_PAGE
    after = await admin.follow(response)
    assert "Removed Acme Engineering. Its bot token was revoked at Slack." in after.text
    assert "Removed</span>" in after.text and "by an administrator" in after.text
    assert 'id="workspaces"' not in after.text  # gone from the connected workspaces
    assert 'id="removed-workspaces"' in after.text  # and kept in the record
    assert f'href="{remove}"' not in after.text
    assert web.slack.calls["auth.revoke"] == 1
    assert not web.slack.is_active(token)
    removed = await web.installation(installation_id)
    assert not removed.is_active and removed.bot is None
    assert removed.removed_by is RemovedBy.ADMIN
    assert web.topics().count("installation.removed") == 1


async def test_removing_twice_says_it_was_already_removed(web: Web) -> None:
    admin, installation_id = await _connected(web)
    remove = f"{SLACK_PAGE}/workspaces/{installation_id}/remove"
    await admin.post(remove)
    assert (await admin.get(remove)).status_code == 404  # no confirmation for a removed one
    again = await admin.follow(await admin.post(remove))
    assert "Acme Engineering was already removed." in again.text
    assert web.slack.calls["auth.revoke"] == 1


async def test_slack_unreachable_during_removal_changes_nothing(web: Web) -> None:
    admin, installation_id = await _connected(web)
    web.slack.fail_next("auth.revoke", SlackUnavailable("timeout"))
    before = web.snapshot()
    page = await admin.follow(await admin.post(f"{SLACK_PAGE}/workspaces/{installation_id}/remove"))
    assert "Slack could not do it (unavailable). Nothing was changed" in page.text
    assert web.snapshot() == before
    assert (await web.installation(installation_id)).is_active


@pytest.mark.parametrize("action", ["remove", "sync"])
async def test_another_organizations_installation_is_not_found(web: Web, action: str) -> None:
    _, acme_installation = await _connected(web)
    await web.enable_slack(web.globex)
    globex = await web.signed_in("admin", web.globex)
    before = web.snapshot()
    response = await globex.post(f"{SLACK_PAGE}/workspaces/{acme_installation}/{action}")
    assert response.status_code == 404
    assert "<h1>Not found</h1>" in response.text
    assert "No such workspace installation." in response.text
    assert (
        await globex.get(f"{SLACK_PAGE}/workspaces/{acme_installation}/remove")
    ).status_code == 404
    unknown = await globex.post(f"{SLACK_PAGE}/workspaces/no-such-id/{action}")
    assert unknown.status_code == 404
    assert web.snapshot() == before
    assert web.slack.calls["auth.revoke"] == 0
    assert (await web.installation(acme_installation)).is_active


async def test_sync_directory_on_demand_reports_what_it_matched(web: Web) -> None:
    admin, installation_id = await _connected(web)
    web.slack.add_user("W0TESS", name="tess", email="tess@acme.example", workspaces=[ACME_TEAM])
    web.clock.advance(hours=2)
    response = await admin.post(f"{SLACK_PAGE}/workspaces/{installation_id}/sync")
    page = await admin.follow(response)
    synced = "Directory synced: 4 of 5 Slack members matched people in your organization."
    assert synced in page.text
    assert "Slack calls" not in page.text  # no internal counts in what the admin reads
    assert "Directory synced 2026-03-02 11:00 UTC" in page.text
    assert "<strong>3</strong> matched" in page.text
    assert "Members not found in Slack (1)" in page.text
    assert web.slack.calls["users.list"] == 2


async def test_a_failed_sync_says_so_and_changes_nothing(web: Web) -> None:
    admin, installation_id = await _connected(web)
    web.slack.fail_next("users.list", SlackError("ratelimited"))
    before = web.snapshot()
    page = await admin.follow(await admin.post(f"{SLACK_PAGE}/workspaces/{installation_id}/sync"))
    assert "Slack could not do it (ratelimited). Nothing was changed" in page.text
    assert web.snapshot() == before


async def test_a_failed_background_sync_is_logged_and_the_page_says_not_yet_synced(
    web: Web, caplog: pytest.LogCaptureFixture
) -> None:
    await web.enable_slack()
    admin = await web.signed_in("admin")
    web.slack.fail_next("users.list", SlackUnavailable("timeout"))
    state = await web.start_install(admin)
    code = web.slack.issue_code(team_id=ACME_TEAM, redirect_uri=REDIRECT_URI)
    with caplog.at_level(logging.ERROR, logger="adapters.http.slack.oauth_callback"):
        page = await admin.follow(await web.callback(admin, code=code, state=state))
    assert "Connected Acme Engineering." in page.text
    assert "Directory not yet synced" in page.text
    (record,) = [r for r in caplog.records if r.name == "adapters.http.slack.oauth_callback"]
    assert "Directory sync after installing" in record.getMessage()
    assert record.exc_info is not None
    (installation,) = await web.installations()
    assert installation.is_active and installation.directory_synced_at is None


async def test_programs_are_switched_on_and_off_for_slack(web: Web) -> None:
    await web.enable_slack()
    admin = await web.signed_in("admin")
    switch = f"{SLACK_PAGE}/programs/{web.acme.program_id}"
    page = await admin.get(SLACK_PAGE)
    assert "Acme Pathways" in page.text and "Uses Slack" in page.text
    off = await admin.follow(await admin.post(switch, {"opted_in": "off"}))
    assert "Acme Pathways no longer uses Slack." in off.text
    assert "Does not use Slack" in off.text
    again = await admin.follow(await admin.post(switch, {"opted_in": "off"}))
    assert "Program Acme Pathways already does not use Slack." in again.text
    on = await admin.follow(await admin.post(switch, {"opted_in": "on"}))
    assert "Acme Pathways uses Slack now." in on.text
    assert web.topics().count("program.slack_opt_in_changed") == 2
    unclear = await admin.follow(await admin.post(switch, {"opted_in": "maybe"}))
    assert "Choose whether the program should use Slack." in unclear.text


async def test_another_organizations_program_is_not_found(web: Web) -> None:
    await web.enable_slack()
    admin = await web.signed_in("admin")
    before = web.snapshot()
    response = await admin.post(
        f"{SLACK_PAGE}/programs/{web.globex.program_id}", {"opted_in": "off"}
    )
    assert response.status_code == 404
    assert web.snapshot() == before


async def test_the_installation_outlives_the_admin_who_installed_it(web: Web) -> None:
    """Acceptance 8: the installer is deactivated; another admin syncs with the same token."""
    installer, installation_id = await _connected(web)
    token = (await web.installation(installation_id)).bot.token  # type: ignore[union-attr]
    issued = await web.runner(
        issue_token,
        IssueToken(
            organization_id=web.acme.id,  # type: ignore[arg-type]
            email="grace@acme.example",
            name="Grace Hopper",
            role=Role.GLOBAL_ADMIN,
        ),
        web.actor("support", Role.SUPPORT),
    )
    async with web.runner.uow_factory() as uow:
        user = await uow.users.get(web.acme.users["admin"])  # type: ignore[arg-type]
        user.deactivate(now=web.clock.now())
        await uow.commit()
    assert (await installer.get(SLACK_PAGE)).status_code == 303  # the installer is out

    grace = web.browser()
    assert (await grace.sign_in(issued.secret)).status_code == 303
    page = await grace.get(SLACK_PAGE)
    assert 'Admin <span class="small">(deactivated)</span>' in page.text
    assert "Connected</span>" in page.text
    web.clock.advance(hours=1)
    synced = await grace.follow(await grace.post(f"{SLACK_PAGE}/workspaces/{installation_id}/sync"))
    assert "Directory synced: " in synced.text
    installation = await web.installation(installation_id)
    assert installation.is_active
    assert installation.bot is not None and installation.bot.token == token
    assert web.slack.is_active(token)
    assert installation.directory_synced_at == web.clock.now()
