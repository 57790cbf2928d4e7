"""The browser UI in Chromium: click a button in a DM, submit a modal, see inline errors."""

from __future__ import annotations

import httpx
import msgspec
import pytest
from playwright.async_api import async_playwright, expect

from tests.sandbox.conftest import Running, client, install
from tests.sandbox.servers import Received, Receiver, Reply
from tests.support.infra import CHROMIUM, CHROMIUM_ARGS

MESSAGE = [
    {"type": "section", "block_id": "intro",
     "text": {"type": "mrkdwn", "text": "*Sam* asks you to be their mentor."}},
    {"type": "actions", "block_id": "answer", "elements": [
        {"type": "button", "action_id": "decline", "value": "req-1",
         "text": {"type": "plain_text", "text": "Decline"}}]},
]
MODAL = {
    "type": "modal", "callback_id": "decline_reason",
    "title": {"type": "plain_text", "text": "Decline request"},
    "submit": {"type": "plain_text", "text": "Decline"},
    "blocks": [{"type": "input", "block_id": "reason",
                "label": {"type": "plain_text", "text": "Reason"},
                "element": {"type": "plain_text_input", "action_id": "text",
                            "multiline": True}}],
}


def mentorlink_stand_in(token: str, sandbox_url: str) -> object:
    """Opens the modal on the button; refuses a short reason, then closes the modal."""

    async def interactions(_: Receiver, request: Received) -> Reply:
        payload = request.json()
        if not request.valid_signature:
            return 401, {}, b""
        if payload["type"] == "block_actions":
            web = client_for(token, sandbox_url)
            await web.views_open(trigger_id=payload["trigger_id"], view=MODAL)
            return 200, {}, b""
        reason = payload["view"]["state"]["values"]["reason"]["text"]["value"]
        if len(reason) < 5:
            return 200, {}, msgspec.json.encode(
                {"response_action": "errors", "errors": {"reason": "Please say a bit more."}})
        return 200, {}, b""

    return interactions


def client_for(token: str, url: str):  # type: ignore[no-untyped-def]
    from slack_sdk.web.async_client import AsyncWebClient

    return AsyncWebClient(token=token, base_url=f"{url}/api/")


@pytest.mark.browser
async def test_click_a_dm_button_and_submit_the_modal(
        sandbox: Running, http: httpx.AsyncClient, chromium_path: str) -> None:
    token = (await install(http))["access_token"]
    await client(sandbox, token).chat_postMessage(channel="W0MARIASA", text="Request",
                                                  blocks=MESSAGE)
    sandbox.receiver.interactions = mentorlink_stand_in(token, sandbox.url)  # type: ignore[assignment]
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                                   headless=True)
        try:
            page = await browser.new_page()
            page.set_default_timeout(10_000)
            await page.goto(f"{sandbox.url}/ui/T0ACMEENG/W0MARIASA")
            await expect(page.locator("#sb-surface")).to_contain_text("asks you to be their")
            await page.get_by_role("button", name="Decline").click()
            modal = page.locator("form.sb-modal")
            await expect(modal).to_be_visible()
            await expect(modal).to_contain_text("Decline request")
            await modal.locator("textarea").fill("no")
            await modal.locator(".sb-modal-submit").click()
            await expect(modal.locator(".sb-error[data-block-id='reason']")).to_have_text(
                "Please say a bit more.")
            await modal.locator("textarea").fill("I am at capacity this quarter.")
            await modal.locator(".sb-modal-submit").click()
            await expect(page.locator("#sb-modal")).to_be_hidden()
        finally:
            await browser.close()
    kinds = [r.json()["type"] for r in sandbox.receiver.of("/slack/interactivity")]
    assert kinds == ["block_actions", "view_submission", "view_submission"]
    assert all(r.valid_signature for r in sandbox.receiver.received)
    last = sandbox.receiver.of("/slack/interactivity")[-1].json()
    assert last["view"]["state"]["values"]["reason"]["text"]["value"] == \
        "I am at capacity this quarter."
    opened = [r.json()["event"]["tab"] for r in sandbox.receiver.of("/slack/events")]
    assert opened[0] == "messages"
