"""Socket Mode, the sandbox's side: the app's WebSocket connections and the envelopes that
wait for its acknowledgement.

`apps.connections.open` (with the app-level `xapp-` token) issues a one-time ticket and
returns `ws://<sandbox>/link/?ticket=...`; the app connects there and gets `hello`. Each
event (`events_api`) or interaction (`interactive`) then goes out as Slack's envelope
`{envelope_id, type, payload, accepts_response_payload[, retry_attempt, retry_reason]}` on
one open connection (in turn), and waits for `{"envelope_id": ...[, "payload": ...]}`,
taken from any of the app's connections (an ack that comes back over the connection that
replaced the one the envelope went out on still counts). `disconnect` asks the app to
reconnect; the connection is closed after a grace period. Faults for tests: drop every
connection at once, drop the connection the next envelope went out on right after sending it
(before its ack can come back), or lose the next N acknowledgements on their way in.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import uuid
from typing import Any, Protocol

import attrs
import msgspec

from slack_sandbox.records import JSON
from slack_sandbox.state import SandboxState

#: How long a ticket from `apps.connections.open` may wait before it is used (seconds).
TICKET_TTL_SECONDS = 30.0
DISCONNECT_REASONS = ("refresh_requested", "warning", "link_disabled")


class NoConnection(Exception):
    """No Socket Mode connection of the app was open in time."""


class ConnectionLost(Exception):
    """The connection an envelope went out on closed before its ack came back."""


class NotAcknowledged(Exception):
    """No ack came back within the ack timeout."""


class Wire(Protocol):
    """What the hub needs of one WebSocket."""

    async def send_text(self, data: str) -> None: ...

    async def close(self, code: int = 1000, reason: str | None = None) -> None: ...


@attrs.define(eq=False)
class Link:
    """One open Socket Mode connection of the app."""

    id: str
    wire: Wire
    opened_at: float
    closing: bool = False
    sent: int = 0
    acked: int = 0


@attrs.define(eq=False)
class _Waiting:
    link: Link
    answer: asyncio.Future[JSON]
    doomed: bool = False  # its connection is dropped right after the send: no ack counts


class SocketHub:
    """The app's Socket Mode connections, tickets and envelopes in flight."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state
        self.links: list[Link] = []
        self.tickets: dict[str, float] = {}
        self.lost_acks = 0  # fault: the next N acks are lost on their way in
        self.drops_mid_envelope = 0  # fault: the next N envelopes lose their connection
        self._waiting: dict[str, _Waiting] = {}
        self._turn = 0
        self._changed: asyncio.Event | None = None
        self._closing: set[asyncio.Task[None]] = set()

    @staticmethod
    def new_envelope_id() -> str:
        """Slack's shape: a UUID."""
        return str(uuid.uuid4())

    # connecting ------------------------------------------------------------------
    def issue_url(self) -> str:
        """A one-time WebSocket URL for `apps.connections.open`."""
        now = self.state.now()
        self.tickets = {t: at for t, at in self.tickets.items()
                        if now - at < TICKET_TTL_SECONDS}
        ticket = secrets.token_urlsafe(18)
        self.tickets[ticket] = now
        base = self.state.config.base_url
        scheme = "wss" if base.startswith("https://") else "ws"
        return (f"{scheme}://{base.split('://', 1)[1]}/link/?ticket={ticket}"
                f"&app_id={self.state.config.app_id}")

    def redeem(self, ticket: str | None) -> bool:
        """True once for a ticket issued less than TICKET_TTL_SECONDS ago."""
        issued = self.tickets.pop(ticket or "", None)
        return issued is not None and self.state.now() - issued < TICKET_TTL_SECONDS

    async def attach(self, wire: Wire) -> Link:
        """A connection the app opened: say `hello` and start sending it envelopes."""
        link = Link(id=self.state.new_id("L"), wire=wire, opened_at=self.state.now())
        self.links.append(link)
        await wire.send_text(_text({
            "type": "hello", "num_connections": len(self.open_links()),
            "debug_info": {"host": "slack-sandbox", "approximate_connection_time": 18060},
            "connection_info": {"app_id": self.state.config.app_id}}))
        self._wake()
        return link

    def detach(self, link: Link) -> None:
        """The connection closed: envelopes still waiting on it are lost with it."""
        if link in self.links:
            self.links.remove(link)
        for waiting in self._waiting.values():
            if waiting.link is link and not waiting.answer.done():
                waiting.answer.set_exception(ConnectionLost())
        self._wake()

    def received(self, text: str) -> None:
        """A message from the app: an envelope's acknowledgement (anything else is ignored)."""
        try:
            message = msgspec.json.decode(text)
        except msgspec.DecodeError:
            return
        if not isinstance(message, dict):
            return
        waiting = self._waiting.get(str(message.get("envelope_id")))
        if waiting is None or waiting.answer.done() or waiting.doomed:
            return  # late, repeated or unknown: nothing waits for it any more
        if self.lost_acks > 0:
            self.lost_acks -= 1
            return
        waiting.link.acked += 1
        payload = message.get("payload")
        waiting.answer.set_result(payload if isinstance(payload, dict) else {})

    def open_links(self) -> list[Link]:
        """Connections that may take new envelopes."""
        return [link for link in self.links if not link.closing]

    # delivering ------------------------------------------------------------------
    async def deliver(self, envelope: JSON, within: float) -> JSON:
        """Send `envelope` on an open connection and return its ack's payload ({} for none).
        Raises NoConnection, ConnectionLost or NotAcknowledged."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        link = await self._next_link(deadline)
        envelope_id = str(envelope["envelope_id"])
        waiting = _Waiting(link=link, answer=loop.create_future())
        self._waiting[envelope_id] = waiting
        try:
            link.sent += 1
            if self.drops_mid_envelope > 0:
                self.drops_mid_envelope -= 1
                waiting.doomed = True
            try:
                await link.wire.send_text(_text(envelope))
            except Exception as exc:  # the socket went away under us
                raise ConnectionLost() from exc
            if waiting.doomed:
                await self._drop(link)
            try:
                return await asyncio.wait_for(waiting.answer, max(deadline - loop.time(), 0))
            except TimeoutError as exc:
                raise NotAcknowledged() from exc
        finally:
            self._waiting.pop(envelope_id, None)

    async def _next_link(self, deadline: float) -> Link:
        loop = asyncio.get_running_loop()
        while True:
            links = self.open_links()
            if links:
                self._turn += 1
                return links[self._turn % len(links)]
            changed = self._changed = self._changed or asyncio.Event()
            changed.clear()
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise NoConnection()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)

    def _wake(self) -> None:
        if self._changed is not None:
            self._changed.set()

    # on demand -------------------------------------------------------------------
    async def disconnect(self, reason: str, grace: float) -> int:
        """Send `disconnect` to every open connection, close each after `grace` seconds."""
        links = self.open_links()
        for link in links:
            link.closing = True
            with contextlib.suppress(Exception):
                await link.wire.send_text(_text({
                    "type": "disconnect", "reason": reason,
                    "debug_info": {"host": "slack-sandbox"}}))
            task = asyncio.get_running_loop().create_task(self._close_later(link, grace))
            self._closing.add(task)
            task.add_done_callback(self._closing.discard)
        return len(links)

    async def _close_later(self, link: Link, grace: float) -> None:
        await asyncio.sleep(grace)
        with contextlib.suppress(Exception):
            await link.wire.close(code=1000)
        self.detach(link)

    async def drop(self) -> int:
        """Close every connection at once, without a word (a network failure)."""
        links = list(self.links)
        for link in links:
            await self._drop(link)
        return len(links)

    async def _drop(self, link: Link) -> None:
        with contextlib.suppress(Exception):
            await link.wire.close(code=1011)
        self.detach(link)

    def as_json(self) -> JSON:
        """For the inspection API."""
        return {"connections": [{"id": link.id, "opened_at": link.opened_at,
                                 "closing": link.closing, "sent": link.sent,
                                 "acked": link.acked} for link in self.links],
                "waiting": sorted(self._waiting), "lost_acks": self.lost_acks,
                "drops_mid_envelope": self.drops_mid_envelope}

    async def close(self) -> None:
        """Stop: close every connection (the app's client reconnects elsewhere)."""
        for task in list(self._closing):
            task.cancel()
        await self.drop()


def socket_envelope(kind: str, envelope_id: str, payload: JSON,
                    retry: tuple[int, str] | None = None) -> JSON:
    """Slack's Socket Mode envelope; `retry` (attempt, reason) for `events_api` only."""
    envelope: JSON = {"envelope_id": envelope_id, "type": kind, "payload": payload,
                      "accepts_response_payload": kind == "interactive"}
    if retry is not None:
        envelope["retry_attempt"], envelope["retry_reason"] = retry
    return envelope


def _text(message: Any) -> str:
    return msgspec.json.encode(message).decode()
