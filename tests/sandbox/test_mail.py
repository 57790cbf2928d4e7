"""The sandbox's SMTP receiver: mails sent to it show in the inspection API and the UI."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from email.message import EmailMessage

import aiosmtplib
import httpx
import pytest

from slack_sandbox.app import create_app
from slack_sandbox.cli import config_from, parser
from slack_sandbox.config import SandboxConfig
from tests.sandbox.servers import ThreadedServer, free_port


@pytest.fixture(scope="module")
def smtp_sandbox() -> Iterator[SandboxConfig]:
    config = SandboxConfig(port=free_port(), smtp_port=free_port())
    server = ThreadedServer(create_app(config), config.port).start()
    yield config
    server.stop()


@pytest.fixture
async def http(smtp_sandbox: SandboxConfig) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=smtp_sandbox.base_url, timeout=10) as client:
        await client.post("/_sandbox/reset")
        yield client


async def send(config: SandboxConfig, to: str, subject: str = "Hello") -> None:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "app@acme.example", to, subject
    message.set_content("Plain <b>text</b>")
    message.add_alternative("<p>Some <b>HTML</b><script>alert(1)</script></p>", subtype="html")
    await aiosmtplib.send(message, hostname="127.0.0.1", port=config.smtp_port)


async def test_a_mail_is_kept_and_listed(smtp_sandbox: SandboxConfig,
                                         http: httpx.AsyncClient) -> None:
    await send(smtp_sandbox, "ada@acme.example")
    await send(smtp_sandbox, "li@acme.example", subject="Second")
    mails = (await http.get("/_sandbox/mails")).json()["mails"]
    assert [(m["rcpt_tos"], m["subject"]) for m in mails] == [
        (["ada@acme.example"], "Hello"), (["li@acme.example"], "Second")]
    assert mails[0]["text"] == "Plain <b>text</b>\n"
    assert "<b>HTML</b>" in mails[0]["html"] and mails[0]["mail_from"] == "app@acme.example"
    only = (await http.get("/_sandbox/mails", params={"to": "LI@acme.example"})).json()
    assert [m["subject"] for m in only["mails"]] == ["Second"]
    assert (await http.delete("/_sandbox/mails")).status_code == 200
    assert (await http.get("/_sandbox/mails")).json() == {"mails": []}


async def test_invalid_domains_are_refused(smtp_sandbox: SandboxConfig,
                                           http: httpx.AsyncClient) -> None:
    with pytest.raises(aiosmtplib.SMTPRecipientsRefused) as caught:
        await send(smtp_sandbox, "gone@nowhere.invalid")
    assert caught.value.recipients[0].code == 550
    assert (await http.get("/_sandbox/mails")).json() == {"mails": []}


async def test_the_mail_page_and_a_users_mail_tab(smtp_sandbox: SandboxConfig,
                                                  http: httpx.AsyncClient) -> None:
    await send(smtp_sandbox, "ada@acme.example", subject="For <Ada>")
    page = (await http.get("/ui/mail")).text
    assert "For &lt;Ada&gt;" in page and f":{smtp_sandbox.smtp_port}" in page
    assert "<script>alert(1)" not in page  # the HTML part only ever sits in a sandboxed frame
    assert "sandbox=''" in page
    home = (await http.get("/")).text
    assert "href='/ui/mail'" in home
    ada = await http.get("/ui/T0ACMEENG/W0ADALOVE/surface", params={"tab": "mail"})
    assert "For &lt;Ada&gt;" in ada.json()["html"]
    li = await http.get("/ui/T0ACMEENG/W0LIWEI00/surface", params={"tab": "mail"})
    assert "No e-mail received yet" in li.json()["html"]
    assert (await http.get("/_sandbox/events")).json()["deliveries"] == []


def test_the_command_line_starts_a_receiver_unless_told_not_to() -> None:
    assert config_from(parser().parse_args([])).smtp_port == 3025
    assert config_from(parser().parse_args(["--smtp-port", "0"])).smtp_port == 0
