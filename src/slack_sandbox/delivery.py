"""Sending events and interactions to the app, signed, and retrying events like Slack.

Every request carries `X-Slack-Request-Timestamp` and `X-Slack-Signature` (v0 HMAC-SHA256
over `v0:{timestamp}:{raw body}` with the signing secret). Events whose delivery fails (a
non-2xx reply, no reply within the ack timeout, a refused connection) are retried up to
three times, after the (time-scaled) delays in `Tunables.event_retry_delays`, with
`X-Slack-Retry-Num` and `X-Slack-Retry-Reason`; a reply carrying `X-Slack-No-Retry: 1` stops
the retries. Interactions are never retried: the user just sees an error, as in Slack.

With `Tunables.socket_mode` on, nothing is posted: the same payloads go out as Socket Mode
envelopes over the app's WebSocket (`socket_mode.SocketHub`), and an acknowledgement stands
for the 2xx. An event not acknowledged in time (or lost with its connection, or sent while
no connection was open) is retried on the same schedule with the same `envelope_id`,
`retry_attempt` and `retry_reason` (`timeout`, `connection_lost`, `no_connection`). An
interaction whose acknowledgement never came is sent once more with the same `envelope_id`
before the user is told of trouble: Slack would just show the error, the sandbox makes sure
the app does not act twice on a repeat.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import time
from typing import Literal
from urllib.parse import urlencode

import httpx
import msgspec

from slack_sandbox.records import JSON, Attempt, Delivery
from slack_sandbox.socket_mode import (
    ConnectionLost,
    NoConnection,
    NotAcknowledged,
    SocketHub,
    socket_envelope,
)
from slack_sandbox.state import SandboxState

_KEPT_BODY = 2000


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """Slack's v0 request signature."""
    base = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


class Deliverer:
    """Posts to the app's /slack/events and /slack/interactivity and records every attempt."""

    def __init__(self, state: SandboxState, hub: SocketHub | None = None) -> None:
        self.state = state
        self.hub = hub or SocketHub(state)
        self._client: httpx.AsyncClient | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        """Open the HTTP client (called on app startup, never at import)."""
        self._client = httpx.AsyncClient()

    async def close(self) -> None:
        """Stop pending retries and close the client."""
        for task in list(self._tasks):
            task.cancel()
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def drain(self, within: float = 10.0) -> None:
        """Wait for deliveries in flight (tests and the inspection API use it)."""
        deadline = time.monotonic() + within
        while self._tasks and time.monotonic() < deadline:
            await asyncio.wait(list(self._tasks), timeout=deadline - time.monotonic())

    @property
    def client(self) -> httpx.AsyncClient:
        """The HTTP client, opened lazily when used outside the app's lifespan."""
        if self._client is None:
            self._client = httpx.AsyncClient()
        return self._client

    def _record(self, kind: Literal["event", "interaction", "url_verification"], type_: str,
                team_id: str | None, user_id: str | None, payload: JSON) -> Delivery:
        delivery = Delivery(id=self.state.new_id("Dv"), kind=kind, type=type_, team_id=team_id,
                            user_id=user_id, payload=payload)
        self.state.deliveries.append(delivery)
        return delivery

    async def _attempt(self, url: str, body: bytes, content_type: str, number: int,
                       retry_reason: str | None) -> tuple[Attempt, httpx.Response | None]:
        timestamp = int(time.time())
        headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": str(timestamp),
                   "X-Slack-Signature": sign(self.state.config.signing_secret, timestamp, body),
                   "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)"}
        if number > 0:
            headers["X-Slack-Retry-Num"] = str(number)
            headers["X-Slack-Retry-Reason"] = retry_reason or "http_error"
        started = time.monotonic()
        response: httpx.Response | None = None
        status: int | None = None
        reason: str | None = None
        try:
            response = await self.client.post(
                url, content=body, headers=headers,
                timeout=httpx.Timeout(self.state.tunables.ack_timeout_seconds))
            status = response.status_code
            if not 200 <= status < 300:
                reason = "http_error"
        except httpx.TimeoutException:
            reason = "http_timeout"
        except httpx.HTTPError:
            reason = "connection_failed"
        attempt = Attempt(number=number, at=self.state.now(), status=status, reason=reason,
                          duration_ms=round((time.monotonic() - started) * 1000, 1),
                          body=response.text[:_KEPT_BODY] if response is not None else "")
        self.state.changed()
        return attempt, response

    def send_event(self, team_id: str | None, user_id: str | None, envelope: JSON) -> Delivery:
        """Record an event and deliver it in the background (with retries)."""
        delivery = self._record("event", str(envelope.get("event", {}).get("type")), team_id,
                                user_id, envelope)
        task = asyncio.get_running_loop().create_task(self._deliver_event(delivery))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return delivery

    async def _deliver_event(self, delivery: Delivery) -> None:
        if self.state.tunables.socket_mode:
            await self._socket_event(delivery)
            return
        url = self.state.tunables.app_url.rstrip("/") + "/slack/events"
        body = msgspec.json.encode(delivery.payload)
        reason: str | None = None
        delays = self.state.tunables.event_retry_delays
        for number in range(len(delays) + 1):
            if number > 0:
                await asyncio.sleep(self.state.tunables.scaled(delays[number - 1]))
            attempt, response = await self._attempt(url, body, "application/json", number,
                                                    reason)
            delivery.attempts.append(attempt)
            if attempt.reason is None:
                delivery.outcome = "delivered"
                return
            reason = attempt.reason
            if response is not None and response.headers.get("x-slack-no-retry") == "1":
                delivery.outcome = "failed (X-Slack-No-Retry)"
                return
        delivery.outcome = "failed"

    async def send_interaction(self, payload: JSON, team_id: str | None, user_id: str | None
                               ) -> tuple[Delivery, httpx.Response | None]:
        """Deliver an interaction once and wait for the app's answer."""
        delivery = self._record("interaction", str(payload.get("type")), team_id, user_id,
                                payload)
        if self.state.tunables.socket_mode:
            return delivery, await self._socket_interaction(delivery)
        url = self.state.tunables.app_url.rstrip("/") + "/slack/interactivity"
        body = urlencode({"payload": msgspec.json.encode(payload).decode()}).encode()
        attempt, response = await self._attempt(url, body, "application/x-www-form-urlencoded",
                                                0, None)
        delivery.attempts.append(attempt)
        delivery.outcome = "delivered" if attempt.reason is None else "failed"
        return delivery, response if attempt.reason is None else None

    async def _socket_attempt(self, envelope: JSON, number: int) -> tuple[Attempt, JSON | None]:
        started = time.monotonic()
        answer: JSON | None = None
        reason: str | None = None
        try:
            answer = await self.hub.deliver(envelope, self.state.tunables.ack_timeout_seconds)
        except NotAcknowledged:
            reason = "timeout"
        except ConnectionLost:
            reason = "connection_lost"
        except NoConnection:
            reason = "no_connection"
        attempt = Attempt(number=number, at=self.state.now(), status=None, reason=reason,
                          duration_ms=round((time.monotonic() - started) * 1000, 1),
                          body=msgspec.json.encode(answer).decode()[:_KEPT_BODY] if answer
                          else "", envelope_id=str(envelope["envelope_id"]))
        self.state.changed()
        return attempt, answer

    async def _socket_event(self, delivery: Delivery) -> None:
        envelope_id = self.hub.new_envelope_id()
        reason: str | None = None
        delays = self.state.tunables.event_retry_delays
        for number in range(len(delays) + 1):
            if number > 0:
                await asyncio.sleep(self.state.tunables.scaled(delays[number - 1]))
            envelope = socket_envelope("events_api", envelope_id, delivery.payload,
                                       retry=(number, reason or ""))
            attempt, _ = await self._socket_attempt(envelope, number)
            delivery.attempts.append(attempt)
            if attempt.reason is None:
                delivery.outcome = "delivered"
                return
            reason = attempt.reason
        delivery.outcome = "failed"

    async def _socket_interaction(self, delivery: Delivery) -> httpx.Response | None:
        """The ack's payload as the app's answer (a 200 whose body is that payload)."""
        envelope = socket_envelope("interactive", self.hub.new_envelope_id(), delivery.payload)
        for number in range(2):
            attempt, answer = await self._socket_attempt(envelope, number)
            delivery.attempts.append(attempt)
            if attempt.reason is None:
                delivery.outcome = "delivered"
                return httpx.Response(200, content=msgspec.json.encode(answer) if answer else b"")
            if attempt.reason == "no_connection":
                break
        delivery.outcome = "failed"
        return None

    async def url_verification(self) -> Delivery:
        """Send Slack's url_verification challenge; delivered only if echoed back."""
        challenge = self.state.new_id("challenge", 24)
        payload = {"token": self.state.config.verification_token, "challenge": challenge,
                   "type": "url_verification"}
        delivery = self._record("url_verification", "url_verification", None, None, payload)
        url = self.state.tunables.app_url.rstrip("/") + "/slack/events"
        attempt, response = await self._attempt(url, msgspec.json.encode(payload),
                                                "application/json", 0, None)
        delivery.attempts.append(attempt)
        echoed = response is not None and challenge in response.text
        delivery.outcome = "verified" if attempt.reason is None and echoed else "failed"
        return delivery
