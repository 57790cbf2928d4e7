"""Socket Mode, the app's side: slack-sdk's async Socket Mode client feeding `SlackInbox`.

With an app-level `xapp-` token the app opens a WebSocket to Slack (`apps.connections.open`)
instead of being reached over HTTP. Each envelope is handled by the same `SlackInbox` the
HTTP endpoints use and acknowledged with its `envelope_id` (and, for a modal submission, the
`response_action` as the ack's payload); what follows an acknowledgement runs after it was
sent. slack-sdk's client reconnects when Slack sends `disconnect` or the connection drops.

Never twice: Slack sends an envelope again when its acknowledgement did not arrive (a
dropped connection, a slow ack). The envelopes seen lately are remembered by `envelope_id`
(and events also by `event_id`): a repeat waits for the first handling and is acknowledged
with the same answer, without running anything again. The memory is this process's, so one
process holds the Socket Mode connection (`mentorlink serve` refuses `--workers` > 1 with
Socket Mode on).
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.inbound import MalformedEnvelope
from adapters.slack.inbox import Reply, SlackInbox

log = logging.getLogger(__name__)
REMEMBERED = 10_000


class RecentEnvelopes:
    """The answers of the envelopes handled lately, by key (envelope_id, event_id)."""

    def __init__(self, size: int = REMEMBERED) -> None:
        self.size = size
        self._answers: OrderedDict[str, asyncio.Future[Reply]] = OrderedDict()

    async def once(self, keys: list[str], handle: Callable[[], Awaitable[Reply]]
                   ) -> tuple[Reply, bool]:
        """`handle()`'s reply, run only for keys never seen; True when it ran now."""
        for key in keys:
            seen = self._answers.get(key)
            if seen is not None:
                return await asyncio.shield(seen), False
        answer: asyncio.Future[Reply] = asyncio.get_running_loop().create_future()
        for key in keys:
            self._answers[key] = answer
        while len(self._answers) > self.size:
            self._answers.popitem(last=False)
        try:
            reply = await handle()
        except BaseException as exc:
            for key in keys:  # not handled: a repeat may try again
                if self._answers.get(key) is answer:
                    del self._answers[key]
            answer.set_exception(exc)
            answer.exception()  # retrieved: a repeat waiting on it re-raises it
            raise
        answer.set_result(reply)
        return reply, True


class SocketModeListener:
    """Holds the Socket Mode connection while the app runs and answers every envelope."""

    def __init__(self, app_token: str, api_url: str, inbox: SlackInbox, *,
                 ping_interval: float = 5.0) -> None:
        self.app_token = app_token
        self.api_url = api_url
        self.inbox = inbox
        self.ping_interval = ping_interval
        self.recent = RecentEnvelopes()
        self.handled = 0  # envelopes handled (repeats not counted)
        self.repeats = 0  # envelopes acknowledged again without handling
        self._client: SocketModeClient | None = None
        self._connecting: asyncio.Task[None] | None = None
        self._after: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        """Start connecting in the background: slack-sdk retries until Slack answers and
        reconnects on its own afterwards, so the app's own start never waits for Slack."""
        client = SocketModeClient(
            app_token=self.app_token,
            web_client=AsyncWebClient(base_url=self.api_url),
            ping_interval=self.ping_interval,
            logger=log,
        )
        client.socket_mode_request_listeners.append(self._on_request)
        self._client = client
        self._connecting = asyncio.get_running_loop().create_task(
            client.connect(), name="slack-socket-mode"  # type: ignore[no-untyped-call]
        )

    async def stop(self) -> None:
        """Close the connection; what follows acknowledgements already sent still runs."""
        if self._connecting is not None and not self._connecting.done():
            self._connecting.cancel()
        if self._client is not None:
            await self._client.close()  # type: ignore[no-untyped-call]
            self._client = None
        if self._after:
            await asyncio.wait(list(self._after), timeout=5)

    async def _on_request(self, client: Any, request: SocketModeRequest) -> None:
        keys = [f"envelope:{request.envelope_id}"]
        payload = request.payload if isinstance(request.payload, dict) else {}
        if request.type == "events_api" and isinstance(payload.get("event_id"), str):
            keys.append(f"event:{payload['event_id']}")
        try:
            reply, now = await self.recent.once(keys, lambda: self._handle(request.type, payload))
        except Exception:
            log.exception("A Socket Mode envelope failed (%s)", request.type)
            return  # no ack: Slack sends it again
        if now:
            self.handled += 1
        else:
            self.repeats += 1
        try:
            await client.send_socket_mode_response(
                SocketModeResponse(envelope_id=request.envelope_id, payload=reply.body))
        except Exception:  # the ack is lost; Slack sends the envelope again, answered above
            log.warning("Could not acknowledge envelope %s", request.envelope_id)
        finally:
            for step in reply.later if now else ():
                self._run_after(step)

    async def _handle(self, kind: str, payload: dict[str, Any]) -> Reply:
        try:
            if kind == "events_api":
                return await self.inbox.event(payload)
            if kind == "interactive":
                return await self.inbox.interaction(payload)
        except MalformedEnvelope as malformed:  # acknowledged: sending it again would not help
            log.warning("A Socket Mode envelope that is not Slack's: %s", malformed)
        return Reply()  # and slash commands: mentorlink has none

    def _run_after(self, step: Callable[[], Awaitable[object]]) -> None:
        async def run() -> None:
            try:
                await step()
            except Exception:
                log.exception("What follows a Socket Mode acknowledgement failed")

        task = asyncio.get_running_loop().create_task(run())
        self._after.add(task)
        task.add_done_callback(self._after.discard)
