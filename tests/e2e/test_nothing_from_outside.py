"""Nothing is fetched from outside: Chromium visits every page of the app and of the sandbox
(`mentorlink run-local`), records every request the pages make, and the test fails on any that
leaves 127.0.0.1 — such requests are also refused, so a page that needs the internet shows it."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.async_api import Page, Request, Route, async_playwright, expect

from tests.e2e.test_slack_journey import (
    ENGINEERING,
    SLACK_PAGE,
    Stack,
    _add_engineering,
    _sign_in,
    local_stack,
)
from tests.support.infra import CHROMIUM_ARGS

pytestmark = pytest.mark.e2e

LOCAL_HOSTS = {"127.0.0.1"}


async def _visit(page: Page, url: str) -> None:
    response = await page.goto(url, wait_until="networkidle")
    assert response is not None and response.status < 400, (url, response and response.status)


def _slack_on(stack: Stack) -> None:
    switched = httpx.put(
        f"{stack.app}/api/v1/organizations/{stack.organization_id}/slack",
        json={"enabled": True},
        headers={"Authorization": f"Bearer {stack.support_token}"},
    )
    assert switched.status_code == 200, switched.text


@pytest.mark.browser
async def test_no_page_of_the_app_or_the_sandbox_asks_another_host(
    tmp_path: Path, chromium_path: str
) -> None:
    requested: list[str] = []

    async def only_local(route: Route) -> None:
        if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
            await route.continue_()
        else:
            await route.abort()

    def record(request: Request) -> None:
        requested.append(request.url)

    with local_stack(tmp_path) as stack:
        _slack_on(stack)
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True
            )
            try:
                context = await browser.new_context()
                context.on("request", record)
                await context.route("**/*", only_local)
                page = await context.new_page()
                page.set_default_timeout(15_000)

                await _visit(page, f"{stack.app}/")
                await expect(page.get_by_role("link", name="Slack sandbox")).to_have_attribute(
                    "href", stack.sandbox
                )
                for docs in ("/schema", "/schema/swagger"):
                    await _visit(page, f"{stack.app}{docs}")
                    await expect(page.locator(".swagger-ui .info .title")).to_contain_text(
                        "mentorlink"
                    )
                await _visit(page, f"{stack.app}/admin/sign-in")
                await _sign_in(page, stack, stack.support_token)
                await _visit(page, f"{stack.app}/admin/support")
                await page.get_by_role("button", name="Sign out").click()

                await _sign_in(page, stack, stack.admin_token)
                for path in ("/admin", "/admin/manage", "/admin/manage/engagement",
                             "/admin/manage/engagement/integrations", SLACK_PAGE):  # fmt: skip
                    await _visit(page, f"{stack.app}{path}")
                await _add_engineering(page)  # the sandbox's consent page, back with the icon
                await page.reload(wait_until="networkidle")
                icon = page.locator("#workspaces tbody tr img")
                assert await icon.evaluate("img => img.naturalWidth") > 0
                await (
                    page.locator("#workspaces tbody tr")
                    .get_by_role("link", name="Remove Acme Engineering")
                    .click()
                )
                await page.wait_for_load_state("networkidle")

                await _visit(page, f"{stack.sandbox}/")
                await _visit(page, f"{stack.sandbox}/ui/{ENGINEERING}/W0ADALOVE")
                await _visit(page, f"{stack.sandbox}/ui/icons/{ENGINEERING}.svg")
            finally:
                await browser.close()
    outside = [url for url in requested if urlsplit(url).hostname not in LOCAL_HOSTS]
    assert not outside, outside
    assert any("/schema/assets/swagger-ui-bundle.js" in url for url in requested)
    assert len(requested) > 20, requested
