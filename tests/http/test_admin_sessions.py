"""Admin page sessions live server-side: sign-out, revoking the sign-in token, deactivation and
a role change end them at once; a replayed cookie gets the sign-in page and changes nothing;
idle and absolute timeouts; ids we did not issue start nothing; the CSRF token belongs to one
session (issue 8, points 2 and 3)."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator

import attrs
import pytest

from adapters.settings import Settings
from domain.people import Role
from tests.http.admin_web import SETTINGS, Browser, Web, web_on

DEFAULTS = attrs.evolve(SETTINGS, session_idle_minutes=30, session_hours=8)
SUPPORT_PAGE = "/admin/support"


@pytest.fixture(name="web")
async def web_with_default_timeouts() -> AsyncIterator[Web]:
    async for web in web_on(DEFAULTS):
        yield web


def _cookie(browser: Browser) -> str:
    return browser.client.cookies["mentorlink_session"]


async def _replay(web: Web, cookie: str) -> Browser:
    """Another browser holding a copy of `cookie` (as an attacker who saved it would)."""
    thief = web.browser()
    thief.client.cookies.set("mentorlink_session", cookie, "testserver.local")
    return thief


async def _switch_slack_with(browser: Browser, csrf: str) -> int:
    response = await browser.client.post(
        f"{SUPPORT_PAGE}/slack", data={"enabled": "on", "_csrf_token": csrf}
    )
    return response.status_code


async def _assert_ended(web: Web, cookie: str, csrf: str) -> None:
    """The saved cookie opens no page and, with its own CSRF token, changes nothing."""
    before = web.snapshot()
    thief = await _replay(web, cookie)
    page = await thief.get(SUPPORT_PAGE)
    assert page.status_code == 303
    assert page.headers["location"].startswith("/admin/sign-in")
    assert await _switch_slack_with(thief, csrf) in (403, 303)
    assert web.snapshot() == before
    assert "organization.slack_switched" not in web.topics()


async def test_a_cookie_saved_before_sign_out_opens_nothing_and_changes_nothing(web: Web) -> None:
    support = await web.signed_in("support")
    cookie, csrf = _cookie(support), await support.csrf_token()
    assert (await support.get(SUPPORT_PAGE)).status_code == 200
    signed_out = await support.post("/admin/sign-out")
    assert signed_out.headers["location"] == "/admin/sign-in"
    await _assert_ended(web, cookie, csrf)
    assert all(s.user_id is None for s in web.sessions.sessions.values())


async def test_revoking_the_sign_in_token_ends_every_session_it_opened(web: Web) -> None:
    first, second = await web.signed_in("support"), await web.signed_in("support")
    other = await web.signed_in("admin")
    cookie, csrf = _cookie(first), await first.csrf_token()
    [token] = [t for t in (await web.api("GET", "/me/tokens", "support")).json() if t["current"]]
    assert (await web.api("DELETE", f"/tokens/{token['id']}", "support")).status_code == 204
    await _assert_ended(web, cookie, csrf)
    ended = await second.get(SUPPORT_PAGE)
    assert "Your session has ended" in (await second.follow(ended)).text
    assert not [s for s in web.sessions.sessions.values() if s.token_id == token["id"]]
    assert (await other.get("/admin")).status_code == 200


@pytest.mark.parametrize("change", ["deactivate", "role"])
async def test_deactivation_or_a_new_role_ends_the_session(web: Web, change: str) -> None:
    support = await web.signed_in("support")
    cookie, csrf = _cookie(support), await support.csrf_token()
    async with web.runner.uow_factory() as uow:
        user = await uow.users.get(web.acme.users["support"])  # type: ignore[arg-type]
        if change == "deactivate":
            user.deactivate(now=web.clock.now())
        else:
            user.role = Role.GLOBAL_ADMIN
        await uow.commit()
    await _assert_ended(web, cookie, csrf)


async def test_an_idle_session_ends_and_a_used_one_goes_on(web: Web) -> None:
    support = await web.signed_in("support")
    for _ in range(4):  # two hours of use, a page every 25 minutes
        web.clock.advance(minutes=25)
        assert (await support.get(SUPPORT_PAGE)).status_code == 200
    web.clock.advance(minutes=31)
    ended = await support.get(SUPPORT_PAGE)
    assert ended.status_code == 303
    assert "Your session has ended" in (await support.follow(ended)).text


async def test_no_session_outlives_its_absolute_lifetime(web: Web) -> None:
    support = await web.signed_in("support")
    for _ in range(19):  # 7 h 55 min of steady use
        web.clock.advance(minutes=25)
        assert (await support.get(SUPPORT_PAGE)).status_code == 200
    web.clock.advance(minutes=6)
    assert (await support.get(SUPPORT_PAGE)).status_code == 303


async def test_signing_in_gives_a_new_id_and_ignores_one_we_did_not_issue(web: Web) -> None:
    planted = "ab" * 32
    browser = await _replay(web, planted)
    await browser.csrf_token()  # an anonymous session (for the sign-in form's token)
    anonymous = _cookie(browser)
    assert anonymous != planted
    assert (await browser.sign_in(web.acme.tokens["support"])).status_code == 303
    signed_in = _cookie(browser)
    assert signed_in not in (planted, anonymous)
    assert (await (await _replay(web, anonymous)).get(SUPPORT_PAGE)).status_code == 303
    assert (await (await _replay(web, planted)).get(SUPPORT_PAGE)).status_code == 303
    stored = set(web.sessions.sessions)
    assert hashlib.sha256(signed_in.encode()).hexdigest() in stored
    assert signed_in not in stored  # the database never holds a usable cookie


async def test_a_session_without_its_sign_in_token_is_refused(web: Web) -> None:
    support = await web.signed_in("support")
    key = hashlib.sha256(_cookie(support).encode()).hexdigest()
    stored = web.sessions.sessions[key]
    data = stored.data.replace(b'"tid"', b'"not-tid"')
    web.sessions.sessions[key] = attrs.evolve(stored, data=data, token_id=None)
    assert (await support.get(SUPPORT_PAGE)).status_code == 303


async def test_a_csrf_token_of_another_signed_in_session_is_refused(web: Web) -> None:
    victim, attacker = await web.signed_in("support"), await web.signed_in("support")
    before = web.snapshot()
    assert await _switch_slack_with(victim, await attacker.csrf_token()) == 403
    response = await victim.client.post(
        f"{SUPPORT_PAGE}/slack",
        data={"enabled": "on", "_csrf_token": await attacker.csrf_token()},
    )
    assert "This form has expired" in response.text
    assert web.snapshot() == before
    assert await _switch_slack_with(victim, await victim.csrf_token()) == 303
    assert web.topics()[-1] == "organization.slack_switched"


async def test_the_csrf_token_changes_when_someone_signs_in(web: Web) -> None:
    browser = web.browser()
    before = await browser.csrf_token()
    await browser.sign_in(web.acme.tokens["support"])
    assert await browser.csrf_token() != before
    assert await _switch_slack_with(browser, before) == 403


def test_settings_read_the_session_timeouts() -> None:
    env = {"MENTORLINK_SESSION_IDLE_MINUTES": "5", "MENTORLINK_SESSION_HOURS": "1.5"}
    settings = Settings.from_env(env)
    assert (settings.session_idle_minutes, settings.session_hours) == (5, 1.5)
