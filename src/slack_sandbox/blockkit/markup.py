"""Small HTML helpers every renderer uses; everything user-supplied goes through them."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

_SAFE_URL = re.compile(r"(?:https?:|mailto:)", re.IGNORECASE)


def esc(text: str) -> str:
    """Escape text for HTML content and quoted attribute values."""
    return html.escape(text, quote=True)


def attributes(pairs: Mapping[str, str | None]) -> str:
    """Render ``name="value"`` pairs (leading space included), skipping ``None`` values."""
    return "".join(f' {name}="{esc(value)}"' for name, value in pairs.items() if value is not None)


def safe_url(url: object) -> str | None:
    """``url`` when it is an http(s) or mailto link; ``None`` for anything else.

    Keeps ``javascript:`` and other schemes out of ``href`` and ``src``.
    """
    if isinstance(url, str) and _SAFE_URL.match(url.strip()):
        return url.strip()
    return None


def slack_unescape(text: str) -> str:
    """Undo the three entities Slack asks senders to use for literal ``& < >``."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def plain_to_html(text: str) -> str:
    """Plain text as HTML: escaped, line breaks kept."""
    return esc(text).replace("\n", "<br>")
