"""HTML for received e-mails: the Mail page (every mail) and a user's Mail tab (theirs)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from html import escape

from slack_sandbox.mailbox import Mail
from slack_sandbox.state import SandboxState


def _mail_html(mail: Mail) -> str:
    when = datetime.fromtimestamp(mail.received_at, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    # The HTML part is shown in a sandboxed frame: no script of a mail runs in the sandbox UI.
    html = (f"<iframe class='sb-mail-html' sandbox='' title='HTML part' "
            f"srcdoc='{escape(mail.html, quote=True)}'></iframe>" if mail.html else "")
    return (f"<article class='sb-mail' data-mail-id='{mail.id}'>"
            f"<h3 class='sb-mail-subject'>{escape(mail.subject) or '(no subject)'}</h3>"
            f"<div class='sb-meta'>From {escape(mail.from_header or mail.mail_from)} · to "
            f"{escape(', '.join(mail.rcpt_tos))} · {when}</div>"
            f"<pre class='sb-mail-text'>{escape(mail.text)}</pre>{html}</article>")


def mail_list(mails: Sequence[Mail]) -> str:
    """Mails newest first, or a note that there are none."""
    if not mails:
        return "<p class='sb-meta'>No e-mail received yet.</p>"
    return "".join(_mail_html(m) for m in reversed(mails))


def mails_to(state: SandboxState, address: str) -> list[Mail]:
    """The mails one address received (case-insensitively)."""
    address = address.lower()
    return [m for m in state.mails if address in (r.lower() for r in m.rcpt_tos)]


def mail_page_body(state: SandboxState) -> str:
    """`/ui/mail`: where the SMTP receiver listens, and every mail it accepted."""
    config = state.config
    where = (f"SMTP receiver on <code>smtp://{escape(config.host)}:{config.smtp_port}</code>."
             if config.smtp_port else "The SMTP receiver is off (start with --smtp-port).")
    return (f"<h2>Mail</h2><p>{where} Mails to addresses in <code>.invalid</code> are refused "
            f"(550).</p><div class='sb-card'>{mail_list(state.mails)}</div>")
