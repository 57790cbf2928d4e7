"""Answering a person in Slack while they act: modals (`views.open` / `views.push` /
`views.update`), a note only they see and the clicked message's outcome in place (both
through the click's `response_url`).

slack-sdk's AsyncWebClient and AsyncWebhookClient do the talking. Nothing here raises: the
click was acknowledged already, so a failure is logged (method and Slack's error code only,
never a token) and reported as False."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack.connections import SlackConnections

log = logging.getLogger(__name__)
_DATE_TOKEN = re.compile(r"<!date\^[^|>]*\|([^>]*)>")


def plain(text: str) -> str:
    """The notification text of a note: Slack's date tokens as their fallback words."""
    return _DATE_TOKEN.sub(r"\1", text)


JSON = dict[str, Any]


class SlackSurfaces:
    """Slack's Web API at `api_url` (Slack's, or the local sandbox's)."""

    def __init__(
        self, api_url: str, *, timeout: int = 5, connections: SlackConnections | None = None
    ) -> None:
        self._api_url = api_url
        self._timeout = timeout
        self._connections = connections or SlackConnections()

    def _client(self, token: str) -> AsyncWebClient:
        return AsyncWebClient(token=token, base_url=self._api_url, timeout=self._timeout,
                              session=self._connections.session(self._timeout))

    async def _call(self, method: str, token: str, **args: Any) -> JSON | None:
        try:
            response = await self._client(token).api_call(method, json=args)
        except SlackApiError as refused:
            log.warning("Slack refused %s: %s", method, refused.response.get("error"))
            return None
        except Exception:  # unreachable Slack: the person sees nothing rather than a 500
            log.warning("Could not call %s", method, exc_info=True)
            return None
        data: JSON = dict(response.data) if isinstance(response.data, dict) else {}
        return data

    async def open_modal(self, token: str, trigger_id: str, view: Mapping[str, Any]) -> str | None:
        """`views.open`; the new view's id, or None when Slack refused (an expired trigger)."""
        answer = await self._call("views.open", token, trigger_id=trigger_id, view=dict(view))
        return str(answer["view"]["id"]) if answer and "view" in answer else None

    async def push_modal(self, token: str, trigger_id: str, view: Mapping[str, Any]) -> bool:
        """`views.push` on top of the open modal."""
        return (
            await self._call("views.push", token, trigger_id=trigger_id, view=dict(view))
            is not None
        )

    async def update_modal(self, token: str, view_id: str, view: Mapping[str, Any]) -> bool:
        """`views.update` of an open modal (a block action inside it)."""
        return await self._call("views.update", token, view_id=view_id, view=dict(view)) is not None

    async def respond(
        self,
        response_url: str,
        *,
        text: str,
        replace_original: bool = False,
        blocks: Sequence[Mapping[str, Any]] | None = None,
    ) -> bool:
        """A post to a click's `response_url`: a note only the clicker sees, or (with
        `replace_original`) the clicked message rewritten."""
        if blocks is None:  # mrkdwn in a section, so that date tokens show in local time
            blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}]
        try:
            response = await AsyncWebhookClient(
                response_url, timeout=self._timeout,
                session=self._connections.session(self._timeout),
            ).send(
                text=plain(text),
                blocks=[dict(b) for b in blocks],
                response_type="ephemeral",
                replace_original=replace_original,
            )
        except Exception:  # a dead response_url must not fail anything
            log.warning("Could not answer through a response_url", exc_info=True)
            return False
        if response.status_code >= 300:
            log.warning("response_url answered %s: %s", response.status_code, response.body)
            return False
        return True
