"""The sandbox's SMTP receiver (aiosmtpd): the app's e-mail fallback lands here, to be read in
the browser UI's Mail tab and through `GET /_sandbox/mails`.

It runs on the sandbox's own event loop (like every handler, it changes state without awaiting
in between, so no lock is needed). It accepts any sender and recipient except addresses in the
reserved `.invalid` top-level domain, refused with `550 5.1.2` as a real server refuses a
domain that does not exist: a test's way to see a permanent refusal.
"""

from __future__ import annotations

import asyncio
import contextlib
import email
import itertools
from collections.abc import Callable
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

import attrs
from aiosmtpd.smtp import SMTP, Envelope, Session

_serial = itertools.count(1)


@attrs.define
class Mail:
    """One e-mail as received: the envelope and the parsed message."""

    id: str
    mail_from: str
    rcpt_tos: list[str]
    from_header: str
    to_header: str
    subject: str
    text: str
    html: str
    received_at: float
    size: int

    def as_json(self) -> dict[str, Any]:
        return attrs.asdict(self)


def _part(message: EmailMessage, subtype: str) -> str:
    body = message.get_body(preferencelist=(subtype,))
    return str(body.get_content()) if body is not None else ""


def parse_mail(mail_from: str, rcpt_tos: list[str], content: bytes, at: float) -> Mail:
    """A received message, with its plain-text and HTML parts decoded."""
    # SMTP carries CRLF line ends; the parts are shown (and compared) with plain newlines.
    message = email.message_from_bytes(content.replace(b"\r\n", b"\n"), policy=default_policy)
    assert isinstance(message, EmailMessage)
    return Mail(id=f"M{next(_serial):06d}", mail_from=mail_from, rcpt_tos=list(rcpt_tos),
                from_header=str(message.get("From", "")), to_header=str(message.get("To", "")),
                subject=str(message.get("Subject", "")), text=_part(message, "plain"),
                html=_part(message, "html"), received_at=at, size=len(content))


def refusal_for(address: str) -> str | None:
    """The SMTP reply refusing `address` as a recipient, or None to accept it."""
    domain = address.rpartition("@")[2].rstrip(">").lower()
    if not domain or domain == "invalid" or domain.endswith(".invalid"):
        return "550 5.1.2 Recipient address rejected: domain does not exist"
    return None


class MailHandler:
    """aiosmtpd's handler: checks recipients, hands each accepted message to `deliver`."""

    def __init__(self, deliver: Callable[[Mail], None], clock: Callable[[], float]) -> None:
        self.deliver = deliver
        self.clock = clock

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:
        refusal = refusal_for(address)
        if refusal is not None:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session,
                          envelope: Envelope) -> str:
        content = envelope.original_content or b""
        self.deliver(parse_mail(str(envelope.mail_from or ""), list(envelope.rcpt_tos),
                                content, self.clock()))
        return "250 Message accepted for delivery"


class SmtpReceiver:
    """The listening SMTP server; `start` on the sandbox's loop, `stop` at shutdown."""

    def __init__(self, handler: MailHandler, host: str, port: int) -> None:
        self.handler = handler
        self.host = host
        self.port = port
        self._server: asyncio.AbstractServer | None = None

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            lambda: SMTP(self.handler, hostname="slack-sandbox", ident="Slack sandbox SMTP"),
            host=self.host, port=self.port)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            # Since Python 3.12 this also waits for open sessions: a client left hanging
            # must not hold the sandbox's shutdown.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._server.wait_closed(), 2)
            self._server = None
