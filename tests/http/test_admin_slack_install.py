"""Add a workspace: Slack's authorize URL, the OAuth callback and every way it can go wrong
(each ends on the Slack page with a message and stores nothing)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from adapters.slack.manifest import BOT_SCOPES
from application.slack.gateway import SlackUnavailable
from tests.http.admin_web import (  # noqa: F401  (web_fixture is the `web` fixture)
    ACME_TEAM,
    CLIENT_ID,
    ICON,
    OAUTH_URL,
    REDIRECT_URI,
    SLACK_PAGE,
    Browser,
    Web,
    web_fixture,
)


async def _admin(web: Web) -> Browser:
    await web.enable_slack()
    return await web.signed_in("admin")


async def _installed_nothing(web: Web) -> None:
    assert await web.installations() == []
    assert not [t for t in web.topics() if t.startswith("installation.")]


async def test_add_a_workspace_sends_the_admin_to_slack_with_the_least_scopes(web: Web) -> None:
    admin = await _admin(web)
    response = await admin.post(f"{SLACK_PAGE}/workspaces")
    assert response.status_code == 303
    url = urlsplit(response.headers["location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == OAUTH_URL
    query = parse_qs(url.query)
    assert query["client_id"] == [CLIENT_ID]
    assert query["scope"] == [",".join(BOT_SCOPES)]
    assert "im:write" not in query["scope"][0]
    assert query["redirect_uri"] == [REDIRECT_URI]
    assert len(query["state"][0]) >= 32


async def test_allow_connects_the_workspace_and_syncs_its_directory(web: Web) -> None:
    admin = await _admin(web)
    state = await web.start_install(admin)
    code = web.slack.issue_code(team_id=ACME_TEAM, installer="W0ADMIN", redirect_uri=REDIRECT_URI)
    response = await web.callback(admin, code=code, state=state)
    assert response.status_code == 303
    assert response.headers["location"] == SLACK_PAGE
    page = await admin.follow(response)
    assert "Connected Acme Engineering." in page.text
    assert "Acme Engineering" in page.text and "acme-eng.slack.com" in page.text
    assert f'src="{ICON}"' in page.text
    assert "Enterprise Grid: Acme Grid" in page.text
    assert "Admin" in page.text and "2026-03-02 09:00 UTC" in page.text
    assert "Connected</span>" in page.text
    # The directory was synced in the background right after the answer.
    assert "Directory synced 2026-03-02 09:00 UTC" in page.text
    assert "<strong>2</strong> matched" in page.text  # maria and sam of the 4 members
    assert "Members not found in Slack (2)" in page.text
    assert "Otto" in page.text and "Tess" in page.text
    (installation,) = await web.installations()
    assert installation.is_active and installation.installed_by == web.acme.users["admin"]
    assert installation.bot is not None and web.slack.is_active(installation.bot.token)
    assert sorted(installation.bot.scopes) == sorted(BOT_SCOPES)
    assert web.slack.calls["users.list"] == 1
    assert "installation.added" in web.topics()


async def test_an_org_wide_grid_install_is_stored_as_such(web: Web) -> None:
    admin = await _admin(web)
    state = await web.start_install(admin)
    code = web.slack.issue_code(
        team_id=None, enterprise_id="E0ACME01", installer="W0ADMIN", redirect_uri=REDIRECT_URI
    )
    page = await admin.follow(await web.callback(admin, code=code, state=state))
    assert "Connected Acme Grid." in page.text
    assert "Whole Enterprise Grid (org-wide install)" in page.text
    (installation,) = await web.installations()
    assert installation.workspace.is_enterprise_install
    assert installation.workspace.enterprise_id == "E0ACME01"
    assert installation.workspace.team_id is None


async def test_cancel_on_slacks_page_stores_nothing(web: Web) -> None:
    admin = await _admin(web)
    state = await web.start_install(admin)
    response = await web.callback(admin, error="access_denied", state=state)
    page = await admin.follow(response)
    # A neutral note, not a red alert: cancelling was the administrator's choice.
    assert (
        '<div class="flash flash-info" role="status">'
        "You cancelled on Slack&#39;s page; no workspace was added.</div>"
    ) in page.text
    assert "role=\"alert\"" not in page.text
    await _installed_nothing(web)


@pytest.mark.parametrize(
    "params",
    [{}, {"code": "only-a-code"}, {"state": "only-a-state"}, {"code": "c" * 600, "state": "s"}],
)
async def test_an_incomplete_answer_stores_nothing(web: Web, params: dict[str, str]) -> None:
    admin = await _admin(web)
    page = await admin.follow(await web.callback(admin, **params))
    assert "Slack&#39;s answer was incomplete" in page.text
    await _installed_nothing(web)


async def test_a_state_we_never_issued_is_refused(web: Web) -> None:
    admin = await _admin(web)
    code = web.slack.issue_code(team_id=ACME_TEAM, redirect_uri=REDIRECT_URI)
    page = await admin.follow(await web.callback(admin, code=code, state="forged-state"))
    assert "This Slack link is not one we issued. Start again." in page.text
    await _installed_nothing(web)
    assert web.slack.calls["oauth.v2.access"] == 0


async def test_a_replayed_state_is_refused(web: Web) -> None:
    admin = await _admin(web)
    state = await web.start_install(admin)
    code = web.slack.issue_code(team_id=ACME_TEAM, redirect_uri=REDIRECT_URI)
    await web.callback(admin, code=code, state=state)
    (before,) = await web.installations()
    again = web.slack.issue_code(team_id=ACME_TEAM, redirect_uri=REDIRECT_URI)
    page = await admin.follow(await web.callback(admin, code=again, state=state))
    assert "This Slack link was already used. Start again." in page.text
    (after,) = await web.installations()
    assert after.version == before.version
    assert web.slack.calls["oauth.v2.access"] == 1


async def test_an_expired_state_is_refused(web: Web) -> None:
    admin = await _admin(web)
    state = await web.start_install(admin)
    code = web.slack.issue_code(team_id=ACME_TEAM, redirect_uri=REDIRECT_URI)
    web.clock.advance(minutes=10)
    page = await admin.follow(await web.callback(admin, code=code, state=state))
    assert "This Slack link expired after 10 minutes. Start again." in page.text
    await _installed_nothing(web)


async def test_a_state_started_in_another_session_is_refused(web: Web) -> None:
    admin = await _admin(web)
    state = await web.start_install(admin)
    other_tab = await web.signed_in("admin")  # same admin, another sign-in
    code = web.slack.issue_code(team_id=ACME_TEAM, redirect_uri=REDIRECT_URI)
    page = await other_tab.follow(await web.callback(other_tab, code=code, state=state))
    assert "This Slack link was started in another session. Start again." in page.text
    await _installed_nothing(web)


async def test_a_state_of_another_organization_is_refused(web: Web) -> None:
    admin = await _admin(web)
    state = await web.start_install(admin)
    await web.enable_slack(web.globex)
    stranger = await web.signed_in("admin", web.globex)
    code = web.slack.issue_code(team_id=ACME_TEAM, redirect_uri=REDIRECT_URI)
    page = await stranger.follow(await web.callback(stranger, code=code, state=state))
    assert "another session" in page.text
    await _installed_nothing(web)
    assert await web.installations(web.globex) == []


async def test_a_callback_without_a_session_goes_to_sign_in_and_stores_nothing(web: Web) -> None:
    admin = await _admin(web)
    state = await web.start_install(admin)
    code = web.slack.issue_code(team_id=ACME_TEAM, redirect_uri=REDIRECT_URI)
    stranger = web.browser()
    response = await web.callback(stranger, code=code, state=state)
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/sign-in"
    await _installed_nothing(web)


async def test_a_slack_error_ends_on_the_page_and_stores_nothing(web: Web) -> None:
    admin = await _admin(web)
    state = await web.start_install(admin)
    page = await admin.follow(await web.callback(admin, code="not-a-code", state=state))
    assert "Slack refused the install (invalid_code). Nothing was saved." in page.text
    await _installed_nothing(web)


async def test_slack_unreachable_while_describing_stores_nothing(web: Web) -> None:
    admin = await _admin(web)
    state = await web.start_install(admin)
    code = web.slack.issue_code(team_id=ACME_TEAM, redirect_uri=REDIRECT_URI)
    web.slack.fail_next("team.info", SlackUnavailable("timeout"))
    page = await admin.follow(await web.callback(admin, code=code, state=state))
    assert "Slack refused the install (unavailable). Nothing was saved." in page.text
    await _installed_nothing(web)


async def test_reinstalling_refreshes_the_same_installation(web: Web) -> None:
    admin = await _admin(web)
    first = await web.install(admin)
    web.clock.advance(days=1)
    second = await web.install(admin)
    assert second.id == first.id
    assert second.installed_at > first.installed_at
    assert len(await web.installations()) == 1
    assert web.topics().count("installation.refreshed") == 1


async def test_a_workspace_of_another_organization_is_refused(web: Web) -> None:
    await web.install(await _admin(web))
    await web.enable_slack(web.globex)
    globex = await web.signed_in("admin", web.globex)
    state = await web.start_install(globex)
    code = web.slack.issue_code(team_id=ACME_TEAM, redirect_uri=REDIRECT_URI)
    page = await globex.follow(await web.callback(globex, code=code, state=state))
    assert "Acme Engineering is already connected to another organization." in page.text
    assert await web.installations(web.globex) == []
    (acme,) = await web.installations()
    assert acme.organization_id == web.acme.id and acme.is_active


async def test_with_slack_off_no_workspace_can_be_added(web: Web) -> None:
    admin = await web.signed_in("admin")
    page = await admin.get(SLACK_PAGE)
    assert "Slack is off for Acme." in page.text
    assert "Add a workspace</button>" not in page.text
    response = await admin.post(f"{SLACK_PAGE}/workspaces")
    assert response.headers["location"] == SLACK_PAGE
    refused = await admin.follow(response)
    assert "Slack is not enabled for your organization; ask support to turn it on." in refused.text
