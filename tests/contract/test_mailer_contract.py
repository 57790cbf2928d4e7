"""The Mailer contract: one suite, run on the in-memory fake and on SmtpMailer against the
sandbox's real SMTP receiver (aiosmtpd). The last tests need a real server and run on it only."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any, Protocol

import httpx
import pytest

from adapters.mail.memory import MemoryMailer
from adapters.mail.smtp import SmtpMailer
from application.delivery.ports import MailContent, Mailer, MailError
from slack_sandbox.app import create_app
from slack_sandbox.config import SandboxConfig
from tests.sandbox.servers import ThreadedServer, free_port

SENDER = "mentorlink <mentorlink@acme.example>"
CONTENT = MailContent(
    subject="Ada asks you to mentor her — Grow 2025",
    text="Ada Lovelace asks you to mentor her.\nOpen: https://mentorlink.example/requests/r-1",
    html="<p><b>Ada Lovelace</b> asks you to mentor her.</p>"
         "<p><a href='https://mentorlink.example/requests/r-1'>Open the request</a></p>",
)


class MailWorld(Protocol):
    mailer: Mailer

    async def refuse(self, address: str) -> str:
        """Make the server refuse an address like `address`; returns the refused one."""
        ...

    async def inbox(self) -> list[dict[str, Any]]:
        """What the server accepted: to, from, subject, text, html; oldest first."""
        ...


class MemoryMailWorld:
    def __init__(self) -> None:
        self.fake = MemoryMailer(SENDER)
        self.mailer: Mailer = self.fake

    async def refuse(self, address: str) -> str:
        self.fake.refuse(address)
        return address

    async def inbox(self) -> list[dict[str, Any]]:
        return [{"to": [m.to], "from": m.sender, "subject": m.content.subject,
                 "text": m.content.text, "html": m.content.html} for m in self.fake.sent]


class SmtpWorld:
    def __init__(self, http: httpx.AsyncClient, smtp_port: int) -> None:
        self.http = http
        self.smtp_port = smtp_port
        self.mailer: Mailer = SmtpMailer.from_url(f"smtp://127.0.0.1:{smtp_port}", sender=SENDER)

    async def refuse(self, address: str) -> str:
        # The sandbox refuses (550) every address in the reserved `.invalid` domain.
        return address.rpartition("@")[0] + "@nowhere.invalid"

    async def inbox(self) -> list[dict[str, Any]]:
        mails = (await self.http.get("/_sandbox/mails")).json()["mails"]
        return [{"to": m["rcpt_tos"], "from": m["from_header"], "subject": m["subject"],
                 "text": m["text"].rstrip("\n"), "html": m["html"].rstrip("\n")} for m in mails]


@pytest.fixture(scope="module")
def smtp_sandbox() -> Iterator[tuple[str, int]]:
    config = SandboxConfig(port=free_port(), smtp_port=free_port())
    server = ThreadedServer(create_app(config), config.port).start()
    yield server.url, config.smtp_port
    server.stop()


@pytest.fixture(params=["memory", "smtp"])
async def mail(request: pytest.FixtureRequest) -> AsyncIterator[MailWorld]:
    if request.param == "memory":
        yield MemoryMailWorld()
        return
    url, smtp_port = request.getfixturevalue("smtp_sandbox")
    async with httpx.AsyncClient(base_url=url, timeout=10) as http:
        assert (await http.delete("/_sandbox/mails")).status_code == 200
        yield SmtpWorld(http, smtp_port)


async def test_a_mail_carries_text_and_html(mail: MailWorld) -> None:
    await mail.mailer.send(to="maria@acme.example", content=CONTENT)
    [received] = await mail.inbox()
    assert received == {"to": ["maria@acme.example"], "from": SENDER, "subject": CONTENT.subject,
                        "text": CONTENT.text, "html": CONTENT.html}


async def test_non_ascii_survives(mail: MailWorld) -> None:
    content = MailContent(subject="Réunion proposée : 3 créneaux 🗓", text="Zoë → José, ça va ?",
                          html="<p>Zoë → José, ça va ?</p>")
    await mail.mailer.send(to="zoe@acme.example", content=content)
    [received] = await mail.inbox()
    assert (received["subject"], received["text"], received["html"]) == (
        content.subject, content.text, content.html)


async def test_each_mail_goes_to_its_recipient(mail: MailWorld) -> None:
    for to in ("a@acme.example", "b@acme.example", "c@acme.example"):
        await mail.mailer.send(to=to, content=CONTENT)
    assert [m["to"] for m in await mail.inbox()] == [
        ["a@acme.example"], ["b@acme.example"], ["c@acme.example"]]


async def test_a_refused_recipient_is_permanent(mail: MailWorld) -> None:
    address = await mail.refuse("gone@acme.example")
    with pytest.raises(MailError) as caught:
        await mail.mailer.send(to=address, content=CONTENT)
    assert caught.value.permanent is True
    assert "550" in caught.value.detail
    assert await mail.inbox() == []
    await mail.mailer.send(to="maria@acme.example", content=CONTENT)  # others still go out
    assert len(await mail.inbox()) == 1


async def test_an_unreachable_server_is_temporary() -> None:
    mailer = SmtpMailer.from_url(f"smtp://127.0.0.1:{free_port()}", sender=SENDER,
                                 timeout_seconds=3)
    with pytest.raises(MailError) as caught:
        await mailer.send(to="maria@acme.example", content=CONTENT)
    assert caught.value.permanent is False


def test_the_smtp_url() -> None:
    plain = SmtpMailer.from_url("smtp://mail.acme.example:2525", sender=SENDER)
    assert (plain.host, plain.port) == ("mail.acme.example", 2525)
    tls = SmtpMailer.from_url("smtps://ops%40acme:s3cr%2Ft@mail.acme.example", sender=SENDER)
    assert (tls.host, tls.port) == ("mail.acme.example", 465)
    assert "s3cr" not in repr(tls) and "smtps://" in repr(tls)
    for bad in ("http://mail.acme.example", "smtp://", "mail.acme.example:25"):
        with pytest.raises(ValueError):
            SmtpMailer.from_url(bad, sender=SENDER)
