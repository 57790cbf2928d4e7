"""The admin pages: sign-in with a token, the session cookie, navigation, support's switch,
who may see what, and CSRF on every form."""

from __future__ import annotations

import httpx
import pytest
from dependency_injector import providers

from adapters.settings import Settings
from bootstrap import create_app, create_container
from tests.http.admin_web import (  # noqa: F401  (web_fixture is the `web` fixture)
    INTEGRATIONS,
    SETTINGS,
    SLACK_PAGE,
    Web,
    fake_slack,
    web_fixture,
)
from tests.http.conftest import _seed


async def test_sign_in_sets_an_http_only_lax_session_cookie(web: Web) -> None:
    browser = web.browser()
    page = await browser.get("/admin/sign-in")
    assert page.status_code == 200
    assert 'type="password"' in page.text and 'name="_csrf_token"' in page.text
    response = await browser.sign_in(web.acme.tokens["admin"])
    assert response.status_code == 303
    assert response.headers["location"] == INTEGRATIONS
    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith("mentorlink_session=")
    )
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert "httponly" in flags
    assert "samesite=lax" in flags
    assert "secure" not in flags  # served over http in this test
    assert web.acme.tokens["admin"] not in cookie  # the token itself is never kept
    home = await browser.get("/admin")
    assert "Admin · mentorlink" in home.text or "Welcome, Admin" in home.text


async def test_over_https_the_cookies_are_secure() -> None:
    settings = Settings(database_url="memory://", public_url="https://mentorlink.example")
    container = create_container(settings)
    container.slack_gateway.override(providers.Object(fake_slack()))
    acme = await _seed(container.runner(), "Acme")
    transport = httpx.ASGITransport(app=create_app(container=container))
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        page = await client.get("/admin/sign-in")
        token = page.text.split('name="_csrf_token" value="')[1].split('"')[0]
        signed = await client.post(
            "/admin/sign-in", data={"token": acme.tokens["admin"], "_csrf_token": token}
        )
    assert signed.status_code == 303
    cookies = [*page.headers.get_list("set-cookie"), *signed.headers.get_list("set-cookie")]
    assert [c for c in cookies if c.startswith("mentorlink_session=")]
    for cookie in map(str.lower, cookies):  # the session's id: the only cookie there is
        assert cookie.startswith("mentorlink_session="), cookie
        assert "; secure" in cookie, cookie
        assert "; httponly" in cookie, cookie
        assert "samesite=lax" in cookie, cookie


async def test_an_unknown_token_is_refused_and_no_session_starts(web: Web) -> None:
    browser = web.browser()
    response = await browser.sign_in("ml_not_a_real_token")
    assert response.status_code == 401
    assert "unknown, revoked" in response.text
    assert (await browser.get(INTEGRATIONS)).status_code == 303


async def test_pages_send_strangers_to_sign_in_and_back(web: Web) -> None:
    browser = web.browser()
    response = await browser.get(SLACK_PAGE)
    assert response.status_code == 303
    assert response.headers["location"] == f"/admin/sign-in?next={SLACK_PAGE}"
    page = await browser.follow(response)
    assert "Please sign in." in page.text
    signed = await browser.post(
        "/admin/sign-in", {"token": web.acme.tokens["admin"], "next": SLACK_PAGE}
    )
    assert signed.headers["location"] == SLACK_PAGE


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example", "/api/v1/me"])
async def test_sign_in_never_redirects_off_the_admin_pages(web: Web, target: str) -> None:
    response = await web.browser().post(
        "/admin/sign-in", {"token": web.acme.tokens["admin"], "next": target}
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/admin"


async def test_sign_out_ends_the_session(web: Web) -> None:
    browser = await web.signed_in("admin")
    assert (await browser.get(INTEGRATIONS)).status_code == 200
    response = await browser.post("/admin/sign-out")
    assert response.headers["location"] == "/admin/sign-in"
    assert "You are signed out." in (await browser.follow(response)).text
    assert (await browser.get(INTEGRATIONS)).status_code == 303


def _tampered(cookie: str, where: str) -> str:
    """The session cookie with one character changed, or cut short."""
    if where == "changed":
        return cookie[:20] + ("0" if cookie[20] != "0" else "1") + cookie[21:]
    return cookie[:-1]


@pytest.mark.parametrize("where", ["changed", "short"])
async def test_a_tampered_session_cookie_is_no_session(web: Web, where: str) -> None:
    browser = await web.signed_in("admin")
    value = browser.client.cookies["mentorlink_session"]
    browser.client.cookies.set("mentorlink_session", _tampered(value, where), "testserver.local")
    response = await browser.get(INTEGRATIONS)
    assert response.status_code == 303
    assert "/admin/sign-in" in response.headers["location"]


async def test_navigation_manage_engagement_integrations(web: Web) -> None:
    browser = await web.signed_in("admin")
    manage = await browser.get("/admin/manage")
    assert 'href="/admin/manage/engagement"' in manage.text
    engagement = await browser.get("/admin/manage/engagement")
    assert f'href="{INTEGRATIONS}"' in engagement.text
    integrations = await browser.get(INTEGRATIONS)
    assert 'aria-label="Breadcrumb"' in integrations.text
    assert 'id="slack-tile"' not in integrations.text  # Slack is off for Acme
    assert "support can enable Slack" in integrations.text


async def test_the_slack_tile_appears_once_support_enables_slack(web: Web) -> None:
    support = await web.signed_in("support")
    page = await support.get("/admin/support")
    assert 'id="slack-state">off<' in page.text
    switched = await support.post("/admin/support/slack", {"enabled": "on"})
    assert switched.headers["location"] == "/admin/support"
    page = await support.follow(switched)
    assert "Slack is now on for Acme." in page.text
    assert 'id="slack-state">on<' in page.text
    assert web.topics()[-1] == "organization.slack_switched"

    admin = await web.signed_in("admin")
    integrations = await admin.get(INTEGRATIONS)
    assert 'id="slack-tile"' in integrations.text
    assert f'href="{SLACK_PAGE}"' in integrations.text

    off = await support.follow(await support.post("/admin/support/slack", {"enabled": "off"}))
    assert "Slack is now off for Acme." in off.text
    assert 'id="slack-tile"' not in (await admin.get(INTEGRATIONS)).text


async def test_switching_slack_to_its_current_state_says_so(web: Web) -> None:
    support = await web.signed_in("support")
    page = await support.follow(await support.post("/admin/support/slack", {"enabled": "off"}))
    assert "Slack is already off for Acme." in page.text


@pytest.mark.parametrize("who", ["sam", "padmin", "support"])
@pytest.mark.parametrize(
    "path",
    [
        "/admin/manage",
        "/admin/manage/engagement",
        INTEGRATIONS,
        SLACK_PAGE,
        f"{SLACK_PAGE}/workspaces/anything/remove",
        "/slack/oauth/callback?code=c&state=s",
    ],
)
async def test_only_global_administrators_reach_the_slack_pages(
    web: Web, who: str, path: str
) -> None:
    await web.enable_slack()
    browser = await web.signed_in(who)
    response = await browser.get(path)
    assert response.status_code == 403
    assert "only for global administrators" in response.text
    assert "<h1>Not allowed</h1>" in response.text


@pytest.mark.parametrize("who", ["sam", "padmin", "support"])
async def test_non_admins_cannot_post_slack_forms(web: Web, who: str) -> None:
    await web.enable_slack()
    browser = await web.signed_in(who)
    before = web.snapshot()
    for path, data in [
        (f"{SLACK_PAGE}/workspaces", {}),
        (f"{SLACK_PAGE}/programs/{web.acme.program_id}", {"opted_in": "off"}),
        (f"{SLACK_PAGE}/workspaces/x/remove", {}),
        (f"{SLACK_PAGE}/workspaces/x/sync", {}),
    ]:
        assert (await browser.post(path, data)).status_code == 403, path
    assert web.snapshot() == before


@pytest.mark.parametrize("who", ["admin", "sam", "padmin"])
async def test_only_support_reaches_the_support_page(web: Web, who: str) -> None:
    browser = await web.signed_in(who)
    assert (await browser.get("/admin/support")).status_code == 403
    response = await browser.post("/admin/support/slack", {"enabled": "on"})
    assert response.status_code == 403
    assert "slack.switched" not in " ".join(web.topics())


async def test_members_land_on_a_page_that_says_there_is_nothing_to_manage(web: Web) -> None:
    browser = web.browser()
    response = await browser.sign_in(web.acme.tokens["sam"])
    assert response.headers["location"] == "/admin"
    home = await browser.follow(response)
    assert "nothing to manage for your role" in home.text
    assert 'href="/admin/manage"' not in home.text


async def test_a_deactivated_user_loses_the_session_at_once(web: Web) -> None:
    browser = await web.signed_in("admin")
    async with web.runner.uow_factory() as uow:
        user = await uow.users.get(web.acme.users["admin"])  # type: ignore[arg-type]
        user.deactivate(now=web.clock.now())
        await uow.commit()
    response = await browser.get(INTEGRATIONS)
    assert response.status_code == 303
    assert "Your session has ended" in (await browser.follow(response)).text


async def test_revoking_the_sign_in_token_ends_the_session(web: Web) -> None:
    browser = await web.signed_in("admin")
    other = await web.signed_in("support")
    assert (await browser.get(INTEGRATIONS)).status_code == 200
    listed = (await web.api("GET", "/me/tokens", "admin")).json()
    [token] = [t for t in listed if t["current"]]
    async with web.runner.uow_factory() as uow:
        await uow.api_tokens.revoke(await uow.api_tokens.get(token["id"]))
        await uow.commit()
    response = await browser.get(INTEGRATIONS)
    assert response.status_code == 303
    assert "Your session has ended" in (await browser.follow(response)).text
    assert (await other.get("/admin")).status_code == 200  # other people's sessions go on


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/admin/sign-in", {"token": "whatever"}),
        ("/admin/sign-out", {}),
        ("/admin/support/slack", {"enabled": "on"}),
        (f"{SLACK_PAGE}/workspaces", {}),
        (f"{SLACK_PAGE}/workspaces/some-id/remove", {}),
        (f"{SLACK_PAGE}/workspaces/some-id/sync", {}),
        (f"{SLACK_PAGE}/programs/some-id", {"opted_in": "off"}),
    ],
)
async def test_forms_without_the_csrf_token_are_refused(
    web: Web, path: str, data: dict[str, str]
) -> None:
    await web.enable_slack()
    admin, support = await web.signed_in("admin"), await web.signed_in("support")
    browser = support if "support" in path else admin
    before = (web.snapshot(), len(web.store.outbox))
    response = await browser.post(path, data, csrf=False)
    assert response.status_code == 403
    assert "This form has expired" in response.text
    forged = await browser.post(path, {**data, "_csrf_token": "0" * 128}, csrf=False)
    assert forged.status_code == 403
    assert (web.snapshot(), len(web.store.outbox)) == before
    assert (await browser.get("/admin")).status_code == 200  # still signed in


async def test_the_csrf_token_of_another_browser_is_refused(web: Web) -> None:
    await web.enable_slack()
    admin, attacker = await web.signed_in("admin"), web.browser()
    token = await attacker.csrf_token()
    response = await admin.client.post(f"{SLACK_PAGE}/workspaces", data={"_csrf_token": token})
    assert response.status_code == 403


async def test_the_json_api_and_slack_endpoints_need_no_csrf_token(web: Web) -> None:
    assert SETTINGS.slack_signing_secret
    response = await web.api(
        "PUT", f"/organizations/{web.acme.id}/slack", "support", json={"enabled": True}
    )
    assert response.status_code == 200
    events = await web.event({"type": "url_verification", "challenge": "c"})
    assert events.status_code == 200
