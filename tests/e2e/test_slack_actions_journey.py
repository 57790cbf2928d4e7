"""Acting from Slack, end to end in Chromium: `mentorlink run-local` (the app on SQLite with
its in-process worker, and the Slack sandbox), the demo organization, Acme Engineering
connected through the consent form. In the sandbox's UI, as each person:

- Li accepts Jo's waiting mentoring request from the welcome DM: the buttons give way to
  "Accepted by you", and the platform has the connection;
- Sam chooses a time for the proposed meeting (a modal of the open slots in his timezone),
  picks the second, and the meeting is accepted for it;
- Sam takes the connection survey over two pages (Next, Submit) and is thanked;
- each time the welcome DM's buttons give way to the outcome, in place.

A screenshot of each step is saved in `SHOTS`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Page, async_playwright, expect

from tests.e2e.processes import cli
from tests.e2e.stack import (
    Stack,
    eventually,
    install,
    local_stack,
    set_working_window,
    signed_in_admin,
    slack_messages,
)
from tests.e2e.test_delivery_journey import ALL_WEEK
from tests.support.infra import CHROMIUM_ARGS

pytestmark = pytest.mark.e2e
ENG, SAM, LI = "T0ACMEENG", "W0SAMRIVE", "W0LIWEI00"
SHOTS = Path("/tmp/mentorlink-slack-actions")


def _welcome(stack: Stack, user: str) -> dict[str, Any] | None:
    found = [m for m in slack_messages(stack, user) if "Already waiting" in json.dumps(m)]
    return found[0] if found else None


def _token(stack: Stack, email: str, name: str) -> str:
    return cli(stack.env, "token", "create", "--org", stack.organization_id, "--role", "member",
               "--email", email, "--name", name)  # fmt: skip


def _get(stack: Stack, path: str, token: str) -> Any:
    found = httpx.get(f"{stack.app}/api/v1{path}", headers={"Authorization": f"Bearer {token}"})
    assert found.status_code == 200, found.text
    return found.json()


async def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    number = len(list(SHOTS.glob("*.png"))) + 1
    await page.screenshot(path=str(SHOTS / f"{number:02d}-{name}.png"), full_page=True)


@pytest.mark.browser
async def test_people_act_from_slack_in_the_sandbox_ui(tmp_path: Path, chromium_path: str) -> None:
    for old in SHOTS.glob("*.png"):
        old.unlink()
    with local_stack(tmp_path, slack=True) as stack:
        await set_working_window(stack, ALL_WEEK)
        with signed_in_admin(stack) as admin:
            install(admin, stack, team=ENG, installer="W0ADALOVE")
        li_welcome = eventually(lambda: _welcome(stack, LI), within=10, what="Li's welcome")
        sam_welcome = eventually(lambda: _welcome(stack, SAM), within=10, what="Sam's welcome")
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True
            )
            try:
                page = await browser.new_page(viewport={"width": 1100, "height": 900})
                page.set_default_timeout(10_000)
                await _li_accepts(page, stack, li_welcome)
                await _sam_chooses_a_time(page, stack, sam_welcome)
                await _sam_answers_the_survey(page, stack, sam_welcome)
            finally:
                await browser.close()
        sam = _token(stack, "sam@acme.example", "Sam Rivera")
        area = _get(stack, "/me/connections", sam)
        [meeting] = [c["next_meeting"] for c in area["connections"] if c.get("next_meeting")]
        assert meeting["status"] == "accepted"
        assert _get(stack, "/me/surveys", sam) == []
        li = _token(stack, "li@acme.example", "Li Wei")
        assert len(_get(stack, "/me/connections", li)["connections"]) == 1
    assert len(list(SHOTS.glob("*.png"))) == 7


async def _li_accepts(page: Page, stack: Stack, welcome: dict[str, Any]) -> None:
    await page.goto(f"{stack.sandbox}/ui/{ENG}/{LI}")
    message = page.locator(f".sb-msg[data-ts='{welcome['ts']}']")
    await expect(message).to_contain_text("Jo Nguyen")
    await _shot(page, "li-welcome-with-a-request")
    await message.get_by_role("button", name="Accept").click()
    await expect(message).to_contain_text("Accepted by you")
    await expect(message.get_by_role("button", name="Accept")).to_have_count(0)
    await _shot(page, "li-accepted")


async def _sam_chooses_a_time(page: Page, stack: Stack, welcome: dict[str, Any]) -> None:
    await page.goto(f"{stack.sandbox}/ui/{ENG}/{SAM}")
    message = page.locator(f".sb-msg[data-ts='{welcome['ts']}']")
    await expect(message).to_contain_text("First mentoring session")
    await message.get_by_role("button", name="Choose a time").click()
    modal = page.locator("form.sb-modal")
    await expect(modal).to_contain_text("Proposed times (your timezone)")
    await expect(modal.locator("input[type=radio]")).to_have_count(3)
    await _shot(page, "sam-chooses-a-time")
    await modal.locator("input[type=radio]").nth(1).check()
    await modal.locator(".sb-modal-submit").click()
    await expect(page.locator("#sb-modal")).to_be_hidden()
    await expect(page.locator("#sb-surface")).to_contain_text("You accepted the meeting")
    await expect(page.locator("#sb-surface")).not_to_contain_text("<!date")  # local time
    await expect(message).to_contain_text("Accepted by you for")  # the welcome, in place
    await expect(message.get_by_role("button", name="Choose a time")).to_have_count(0)
    await _shot(page, "sam-accepted-the-second-time")


async def _sam_answers_the_survey(page: Page, stack: Stack, welcome: dict[str, Any]) -> None:
    message = page.locator(f".sb-msg[data-ts='{welcome['ts']}']")
    await message.get_by_role("button", name="Take survey").click()
    modal = page.locator("form.sb-modal")
    await expect(modal).to_contain_text("Page 1 of 2")
    await modal.locator(".sb-radio-group").nth(0).locator("input").nth(3).check()
    await modal.locator(".sb-radio-group").nth(1).locator("input").nth(0).check()
    await modal.locator(".sb-checkbox-group input").nth(1).check()
    await _shot(page, "survey-page-1")
    await modal.locator(".sb-modal-submit").click()
    await expect(modal).to_contain_text("Page 2 of 2")
    await modal.locator("textarea").fill("The sessions help a lot.")
    await _shot(page, "survey-page-2")
    await modal.locator(".sb-modal-submit").click()
    await expect(page.locator("#sb-modal")).to_be_hidden()
    await expect(page.locator("#sb-surface")).to_contain_text("Thanks, answered")
    await expect(message).to_contain_text("✅ Thanks, answered")
    await expect(message.get_by_role("button", name="Take survey")).to_have_count(0)
    await _shot(page, "survey-answered")
