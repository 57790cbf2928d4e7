"""Answering a click through its `response_url` (slack-sdk's webhook client): until the
in-Slack actions issue handles the buttons, every click is told, ephemerally, that acting
from Slack is coming soon."""

from __future__ import annotations

import logging

from slack_sdk.webhook.async_client import AsyncWebhookClient

log = logging.getLogger(__name__)

COMING_SOON = (
    "Thanks! Acting on this right here in Slack is coming soon. "
    "For now, please open mentorlink on the web to do it."
)


async def answer_coming_soon(response_url: str) -> None:
    """Post the ephemeral "coming soon" note; a failure is logged, never raised (the click
    was already acknowledged)."""
    try:
        response = await AsyncWebhookClient(response_url, timeout=5).send(
            text=COMING_SOON, response_type="ephemeral", replace_original=False
        )
        if response.status_code >= 300:
            log.warning("response_url answered %s: %s", response.status_code, response.body)
    except Exception:  # a dead response_url must not fail anything
        log.warning("Could not answer a click through its response_url", exc_info=True)
