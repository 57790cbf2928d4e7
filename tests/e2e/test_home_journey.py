"""App Home end to end, on the real processes (`mentorlink run-local`: the app on SQLite with
its in-process delivery worker, and the Slack sandbox), in Chromium through the sandbox's UI:

- the mentor opens the Home tab: the app publishes their connection area (the mentee's request
  with Accept / Decline) and "Your notifications"; a screenshot is saved under the test's
  tmp path;
- ticking "Messages from your partners" mutes it (the Home comes back with it ticked);
  ticking "Meeting invitations" is refused, with the reason shown on the Home;
- the mentee's Home shows the request they sent, with Withdraw.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Page, async_playwright, expect

from tests.e2e.stack import local_stack, set_working_window
from tests.e2e.test_delivery_journey import (
    ALL_WEEK,
    PRIYA,
    SALES,
    SAM,
    _connected,
    _send_request,
)
from tests.support.infra import CHROMIUM_ARGS

pytestmark = pytest.mark.e2e


async def open_home(page: Page, sandbox: str, team: str, user: str) -> None:
    await page.goto(f"{sandbox}/ui/{team}/{user}")
    await page.locator("a[data-tab='home']").click()


async def test_the_home_tab_in_the_sandbox(tmp_path: Path, chromium_path: str) -> None:
    shots = tmp_path / "screenshots"
    shots.mkdir()
    with local_stack(tmp_path, slack=True) as stack:
        await set_working_window(stack, ALL_WEEK)
        demo = _connected(stack)
        _send_request(stack, demo)
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True
            )
            try:
                page = await browser.new_page(viewport={"width": 1100, "height": 900})
                page.set_default_timeout(10_000)
                await open_home(page, stack.sandbox, SALES, PRIYA)
                home = page.locator("[data-container='view']")
                await expect(home).to_contain_text("here's your mentoring")
                await expect(home).to_contain_text("Sam Rivera asks you to mentor them")
                await expect(home).to_contain_text("security reviews")
                await expect(home.get_by_role("button", name="Accept")).to_be_visible()
                await expect(home).to_contain_text("Your notifications")
                await page.screenshot(path=str(shots / "mentor-home.png"), full_page=True)

                await home.get_by_label("Messages from your partners").check()
                await expect(home.get_by_label("Messages from your partners")).to_be_checked()
                await home.get_by_label("Meeting invitations").check()
                await expect(home).to_contain_text("can't be muted: someone is waiting")
                await expect(home.get_by_label("Meeting invitations")).not_to_be_checked()
                await expect(home.get_by_label("Messages from your partners")).to_be_checked()
                await page.screenshot(path=str(shots / "mentor-refused.png"), full_page=True)

                await open_home(page, stack.sandbox, SALES, SAM)
                home = page.locator("[data-container='view']")
                await expect(home).to_contain_text("You asked")
                await expect(home.get_by_role("button", name="Withdraw")).to_be_visible()
                await page.screenshot(path=str(shots / "mentee-home.png"), full_page=True)
            finally:
                await browser.close()
    assert (shots / "mentor-home.png").exists()
