"""MemoryMailer: the Mailer port in memory, for tests and `memory://` runs.

It keeps what a mail server would have accepted (`sent`), refuses the addresses it was told
to (as a server answers 550: permanent), and can be taken offline (temporary failures); the
mailer contract suite runs it side by side with SmtpMailer against the sandbox's receiver.
"""

from __future__ import annotations

import attrs

from application.delivery.ports import MailContent, MailError


@attrs.frozen
class SentMail:
    """One accepted e-mail."""

    sender: str
    to: str
    content: MailContent


class MemoryMailer:
    """The Mailer port, remembering instead of sending."""

    def __init__(self, sender: str = "mentorlink <mentorlink@localhost>") -> None:
        self.sender = sender
        self.sent: list[SentMail] = []
        self.offline = False
        self._refused: set[str] = set()
        self._failures: list[MailError] = []

    def __repr__(self) -> str:
        return f"MemoryMailer(sent={len(self.sent)}, offline={self.offline})"

    def refuse(self, address: str) -> None:
        """From now on, the server refuses `address` (550)."""
        self._refused.add(address.lower())

    def fail_next(self, error: MailError) -> None:
        """The next `send` raises `error`."""
        self._failures.append(error)

    def to(self, address: str) -> list[SentMail]:
        """What `address` received, oldest first."""
        return [m for m in self.sent if m.to.lower() == address.lower()]

    async def send(self, *, to: str, content: MailContent) -> None:
        """Accept the mail, or raise MailError as a real server would."""
        if self._failures:
            raise self._failures.pop(0)
        if self.offline:
            raise MailError("SMTP server unavailable: offline")
        if to.lower() in self._refused:
            raise MailError(f"recipient refused: 550 {to}", permanent=True)
        self.sent.append(SentMail(sender=self.sender, to=to, content=content))
