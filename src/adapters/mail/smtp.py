"""SmtpMailer: the Mailer port over SMTP (aiosmtplib), one connection per e-mail.

`MENTORLINK_SMTP_URL` says where: `smtp://host:port` (STARTTLS when the server offers it),
`smtps://user:password@host:465` (TLS from the first byte); user and password are
percent-decoded and never appear in a repr, a log line or an error.

What the worker needs to know of a failure is whether trying again can help: a recipient (or
the message) refused with a 5xx reply cannot — `MailError(permanent=True)`; a 4xx reply, a
server that cannot be reached, times out or hangs up can — `MailError(permanent=False)`. A
refused sender or failed login are our own configuration's fault, not the recipient's: they
are temporary too, so the mails wait for an operator to fix it rather than die.
"""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import unquote, urlsplit

import aiosmtplib

from application.delivery.ports import MailContent, MailError

DEFAULT_PORTS = {"smtp": 25, "smtps": 465}


def build_message(sender: str, to: str, content: MailContent) -> EmailMessage:
    """A multipart/alternative message: the plain text first, the HTML preferred."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = content.subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip(" >") or None)
    message.set_content(content.text)
    message.add_alternative(content.html, subtype="html")
    return message


def _failure(exc: Exception) -> MailError:
    """The port's error for what aiosmtplib raised."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        codes = [r.code for r in exc.recipients]
        replies = "; ".join(f"{r.code} {r.message}" for r in exc.recipients)
        return MailError(f"recipient refused: {replies}",
                         permanent=bool(codes) and all(c >= 500 for c in codes))
    if isinstance(exc, aiosmtplib.SMTPRecipientRefused | aiosmtplib.SMTPDataError):
        what = "recipient" if isinstance(exc, aiosmtplib.SMTPRecipientRefused) else "message"
        return MailError(f"{what} refused: {exc.code} {exc.message}", permanent=exc.code >= 500)
    if isinstance(exc, aiosmtplib.SMTPSenderRefused):
        return MailError(f"sender refused: {exc.code} {exc.message}")
    if isinstance(exc, aiosmtplib.SMTPAuthenticationError):
        return MailError(f"login refused: {exc.code}")
    return MailError(f"SMTP server unavailable: {type(exc).__name__}: {exc}")


class SmtpMailer:
    """The Mailer port against an SMTP server."""

    def __init__(self, host: str, port: int, *, sender: str, username: str | None = None,
                 password: str | None = None, use_tls: bool = False,
                 timeout_seconds: float = 30.0) -> None:
        self.host = host
        self.port = port
        self.sender = sender
        self._username = username
        self._password = password
        self._use_tls = use_tls
        self._timeout = timeout_seconds

    @classmethod
    def from_url(cls, url: str, *, sender: str, timeout_seconds: float = 30.0) -> SmtpMailer:
        """`smtp://host:port` or `smtps://user:password@host:port`; ValueError otherwise."""
        parts = urlsplit(url)
        if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
            raise ValueError("MENTORLINK_SMTP_URL must look like smtp://host:port or "
                             "smtps://user:password@host:465")
        return cls(parts.hostname, parts.port or DEFAULT_PORTS[parts.scheme], sender=sender,
                   username=unquote(parts.username) if parts.username else None,
                   password=unquote(parts.password) if parts.password else None,
                   use_tls=parts.scheme == "smtps", timeout_seconds=timeout_seconds)

    def __repr__(self) -> str:
        scheme = "smtps" if self._use_tls else "smtp"
        return f"SmtpMailer({scheme}://{self.host}:{self.port}, sender={self.sender!r})"

    async def send(self, *, to: str, content: MailContent) -> None:
        """Send one e-mail; MailError (permanent or not) when it does not go out."""
        message = build_message(self.sender, to, content)
        try:
            await aiosmtplib.send(
                message, hostname=self.host, port=self.port, username=self._username,
                password=self._password, use_tls=self._use_tls, timeout=self._timeout)
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            # `from None`: nothing of the connection (credentials) rides along in a traceback.
            raise _failure(exc) from None
