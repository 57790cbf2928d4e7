"""The admin's Slack journey end to end, on the real processes (`mentorlink run-local`: the app
on SQLite and the Slack sandbox, on free ports):

- over plain HTTP: sign in, "Add a workspace", the sandbox's consent form, the callback, the
  `mentorlink slack list / sync` commands, and "Remove app" from the sandbox;
- in Chromium: support switches Slack on, the admin signs in, Manage > Engagement >
  Integrations > Slack, Add a workspace, Allow on the sandbox's consent page, the workspace
  listed with its name and icon, Remove, gone; then Add again and "Remove app" in the
  sandbox's own UI, shown as removed after a reload.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from playwright.async_api import Page, async_playwright, expect

from tests.e2e.processes import cli
from tests.e2e.stack import SLACK_PAGE, Stack, csrf, drain, local_stack
from tests.support.infra import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.e2e

ENGINEERING = "T0ACMEENG"
SCREENSHOT = Path("/tmp/mentorlink-slack-page.png")


def test_add_sync_list_and_remove_from_slack_over_http(tmp_path: Path) -> None:
    with local_stack(tmp_path) as stack, httpx.Client(base_url=stack.app) as admin:
        switched = httpx.put(
            f"{stack.app}/api/v1/organizations/{stack.organization_id}/slack",
            json={"enabled": True},
            headers={"Authorization": f"Bearer {stack.support_token}"},
        )
        assert switched.status_code == 200
        token = csrf(admin.get("/admin/sign-in"))
        signed = admin.post(
            "/admin/sign-in", data={"token": stack.admin_token, "_csrf_token": token}
        )
        assert signed.status_code == 303
        page = admin.get(SLACK_PAGE)
        to_slack = admin.post(f"{SLACK_PAGE}/workspaces", data={"_csrf_token": csrf(page)})
        authorize = urlsplit(to_slack.headers["location"])
        assert f"{authorize.scheme}://{authorize.netloc}" == stack.sandbox
        query = {k: v[0] for k, v in parse_qs(authorize.query).items()}
        assert query["scope"] == "chat:write,users:read,users:read.email,team:read"
        # "Allow" on the sandbox's consent page, as Ada, for Acme Engineering.
        allowed = httpx.post(
            f"{stack.sandbox}/oauth/v2/authorize",
            data={**query, "target": f"team:{ENGINEERING}", "installer": "W0ADALOVE",
                  "decision": "allow"},
        )  # fmt: skip
        callback = allowed.headers["location"]
        assert callback.startswith(f"{stack.app}/slack/oauth/callback?code=")
        back = admin.get(callback)
        assert back.headers["location"] == SLACK_PAGE
        listed = admin.get(SLACK_PAGE).text
        assert "Connected Acme Engineering." in listed
        assert f'src="{stack.sandbox}/ui/icons/{ENGINEERING}.svg"' in listed
        installation_id = re.findall(r'data-installation="([^"]+)"', listed)[0]

        lines = cli(stack.env, "slack", "list").splitlines()
        assert any(
            line.startswith(f"{installation_id}\tactive\t") and "Acme Engineering" in line
            for line in lines
        ), lines
        # A second shell with none of the app's variables (but the secret key the test chose
        # rather than the one run-local would have made) finds the sandbox through `.env`.
        second_shell = {
            k: v for k, v in stack.env.items() if not k.startswith(("MENTORLINK_", "SLACK_"))
        }
        second_shell["MENTORLINK_ENV_FILE"] = stack.env["MENTORLINK_ENV_FILE"]
        second_shell["MENTORLINK_SECRET_KEY"] = stack.env["MENTORLINK_SECRET_KEY"]
        synced = cli(second_shell, "slack", "sync", "--installation", installation_id)
        assert re.fullmatch(r"matched \d+ of \d+ Slack members", synced), synced
        assert int(synced.split()[1]) >= 4  # ada, maria, sam, li, jo are in Engineering
        newcomers = cli(stack.env, "slack", "sync", "--installation", installation_id,
                        "--newcomers")  # fmt: skip
        assert newcomers == "matched 0 of 0 Slack members"

        removed = httpx.post(f"{stack.sandbox}/_sandbox/actions/remove_app",
                             json={"team_id": ENGINEERING})  # fmt: skip
        assert removed.status_code < 300, removed.text
        drain(stack)
        after = admin.get(SLACK_PAGE).text
        assert 'id="workspaces"' not in after
        assert "in Slack," in after
        assert "\tremoved\t" in cli(stack.env, "slack", "list")
        events = httpx.get(f"{stack.sandbox}/_sandbox/events").json()["deliveries"]
        delivered = [e for e in events if e["type"] in ("app_uninstalled", "tokens_revoked")]
        assert len(delivered) == 2, events
        attempts = [(a["status"], a["body"]) for e in delivered for a in e["attempts"]]
        assert all(status == 200 for status, _ in attempts), attempts  # both at once: no 409


async def _sign_in(page: Page, stack: Stack, token: str) -> None:
    await page.goto(f"{stack.app}/admin/sign-in")
    await page.get_by_label("API token").fill(token)
    await page.get_by_role("button", name="Sign in").click()


async def _add_engineering(page: Page) -> None:
    await page.get_by_role("button", name="Add a workspace").click()
    await expect(page.get_by_role("heading", level=2).first).to_contain_text(
        "requesting permission"
    )
    await page.locator(f"input[name=target][value='team:{ENGINEERING}']").check()
    await page.locator("select[name=installer]").select_option("W0ADALOVE")
    await page.locator("#sb-allow").click()
    await expect(page.get_by_role("status").first).to_have_text("Connected Acme Engineering.")


@pytest.mark.browser
async def test_the_admin_journey_in_chromium(tmp_path: Path, chromium_path: str) -> None:
    with local_stack(tmp_path) as stack:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True
            )
            try:
                context = await browser.new_context(viewport={"width": 1280, "height": 900})
                page = await context.new_page()
                page.set_default_timeout(10_000)

                # Support switches Slack on for the organization.
                await _sign_in(page, stack, stack.support_token)
                await expect(page.locator("#slack-state")).to_have_text("off")
                await page.get_by_role("button", name="Turn Slack on").click()
                await expect(page.get_by_role("status")).to_contain_text("Slack is now on")
                await page.get_by_role("button", name="Sign out").click()
                await expect(page.get_by_role("status")).to_have_text("You are signed out.")

                # The global administrator: Manage > Engagement > Integrations > Slack.
                await _sign_in(page, stack, stack.admin_token)
                await page.get_by_role("link", name="mentorlink").click()
                await (
                    page.get_by_role("navigation", name="Main")
                    .get_by_role("link", name="Manage")
                    .click()
                )
                await page.get_by_role("link", name="Engagement").click()
                await page.get_by_role("link", name="Integrations").click()
                await expect(page.get_by_role("heading", level=1)).to_have_text("Integrations")
                await page.locator("#slack-tile").click()
                await expect(page.get_by_role("heading", level=1)).to_have_text("Slack")
                assert page.url == f"{stack.app}{SLACK_PAGE}"

                # Add a workspace through the sandbox's consent page.
                await _add_engineering(page)
                row = page.locator("#workspaces tbody tr")
                await expect(row).to_have_count(1)
                await expect(row.locator(".workspace-name")).to_have_text("Acme Engineering")
                await expect(row).to_contain_text("acme-eng.slack.com")
                await expect(row).to_contain_text("Enterprise Grid: Acme Grid")
                await expect(row).to_contain_text("Ada Lovelace")
                await expect(row.locator("img")).to_have_attribute(
                    "src", f"{stack.sandbox}/ui/icons/{ENGINEERING}.svg"
                )
                await page.reload()  # the background directory sync has finished by now
                await expect(row).to_contain_text("Directory synced")
                assert await row.locator("img").evaluate("img => img.naturalWidth") > 0
                await page.screenshot(path=str(SCREENSHOT), full_page=True)

                # Remove it from mentorlink: asked first, then gone.
                await row.get_by_role("link", name="Remove Acme Engineering").click()
                await expect(page.get_by_role("heading", level=1)).to_have_text(
                    "Remove Acme Engineering?"
                )
                await page.get_by_role("button", name="Remove Acme Engineering").click()
                await expect(page.get_by_role("status").first).to_have_text(
                    "Removed Acme Engineering. Its bot token was revoked at Slack."
                )
                await expect(page.locator("#workspaces")).to_have_count(0)
                await expect(page.locator("#removed-workspaces")).to_contain_text(
                    "by an administrator"
                )

                # Add it again, then "Remove app" in the sandbox's own UI.
                await _add_engineering(page)
                await expect(page.locator("#workspaces tbody tr")).to_have_count(1)
                sandbox = await context.new_page()
                await sandbox.goto(f"{stack.sandbox}/")
                await sandbox.locator(
                    f"section[data-team-id='{ENGINEERING}'] button.sb-remove-app"
                ).click()
                await expect(
                    sandbox.locator(f"section[data-team-id='{ENGINEERING}']")
                ).to_contain_text("App not installed.")
                drain(stack)
                await page.reload()
                await expect(page.locator("#workspaces")).to_have_count(0)
                removed = page.locator("#removed-workspaces tbody tr")
                await expect(removed).to_contain_text("Acme Engineering")
                await expect(removed).to_contain_text("in Slack")
            finally:
                await browser.close()
    assert SCREENSHOT.exists()
    assert chromium_path == CHROMIUM
