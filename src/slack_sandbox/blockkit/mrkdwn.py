"""Slack mrkdwn to safe HTML.

Covers what mentorlink sends: ``*bold*``, ``_italic_``, ``~strike~``, ```code```,
```` ```pre``` ````, ``> quotes``, line breaks, ``<url|label>``, ``<@U123>``,
``<#C123>``, ``<!here>``-style broadcasts and ``<!date^...|fallback>``.

Control sequences and code are rendered first and parked behind placeholders, so the
emphasis rules never see (or break) the HTML they produced; everything else is escaped
before any tag is added.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from slack_sandbox.blockkit.dates import format_slack_date, viewer_moment
from slack_sandbox.blockkit.markup import attributes, esc, safe_url, slack_unescape

_OPEN, _CLOSE = "\ue000", "\ue001"  # private-use characters, stripped from the input
_PARKED = re.compile(f"{_OPEN}(\\d+){_CLOSE}")
_TOKEN = re.compile(r"```(?P<pre>.+?)```|`(?P<code>[^`\n]+)`|<(?P<angle>[^<>\n]*)>", re.DOTALL)
_EMPHASIS = (
    (re.compile(r"(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])"), "b"),
    (re.compile(r"(?<![\w_])_(?!\s)([^_\n]+?)(?<!\s)_(?![\w_])"), "i"),
    (re.compile(r"(?<![\w~])~(?!\s)([^~\n]+?)(?<!\s)~(?![\w~])"), "s"),
)
_BROADCASTS = {"!here": "@here", "!channel": "@channel", "!everyone": "@everyone"}


class _Renderer:
    """One conversion: the viewer's settings plus the HTML parked so far."""

    def __init__(self, tz: str, now: dt.datetime | None, names: Mapping[str, str]) -> None:
        self.tz, self.now, self.names = tz, now, names
        self.parked: list[str] = []

    def park(self, fragment: str) -> str:
        self.parked.append(fragment)
        return f"{_OPEN}{len(self.parked) - 1}{_CLOSE}"

    def token(self, match: re.Match[str]) -> str:
        if match.group("pre") is not None:
            body = match.group("pre").strip("\n")
            return f'<pre class="sb-pre">{esc(slack_unescape(body))}</pre>'
        if match.group("code") is not None:
            return f'<code class="sb-code">{esc(slack_unescape(match.group("code")))}</code>'
        return self.angle(match.group("angle"))

    def angle(self, inner: str) -> str:
        target, _, label = inner.partition("|")
        label = slack_unescape(label)
        if target.startswith("@") and len(target) > 1:
            user = target[1:]
            name = esc(label or self.names.get(user) or user)
            return f'<span class="sb-mention"{attributes({"data-user-id": user})}>@{name}</span>'
        if target.startswith("#") and len(target) > 1:
            name = label or self.names.get(target[1:]) or target[1:]
            return f'<span class="sb-channel">#{esc(name)}</span>'
        if target in _BROADCASTS:
            return f'<span class="sb-broadcast">{_BROADCASTS[target]}</span>'
        if target.startswith("!subteam^"):
            return f'<span class="sb-mention">{esc(label or "@" + target[9:])}</span>'
        if target.startswith("!date^"):
            return self.date(target, label)
        href = safe_url(slack_unescape(target))
        if href is not None:
            text = label or href.removeprefix("mailto:")
            link = attributes({"href": href, "target": "_blank", "rel": "noopener noreferrer"})
            return f'<a class="sb-link"{link}>{esc(text)}</a>'
        # Not a control sequence Slack knows (or an unsafe link): show it as typed.
        return esc(f"<{slack_unescape(inner)}>")

    def date(self, target: str, fallback: str) -> str:
        parts = target.split("^")
        epoch = int(parts[1]) if len(parts) >= 3 and re.fullmatch(r"-?\d+", parts[1]) else None
        if epoch is None:
            return esc(fallback)
        text = format_slack_date(
            epoch, slack_unescape(parts[2]), tz=self.tz, fallback=fallback, now=self.now
        )
        moment = viewer_moment(epoch, self.tz)
        stamp = moment.isoformat() if moment else None
        html = f'<time class="sb-date"{attributes({"datetime": stamp})}>{esc(text)}</time>'
        href = safe_url(slack_unescape(parts[3])) if len(parts) > 3 else None
        if href is not None:
            html = f'<a class="sb-link"{attributes({"href": href, "target": "_blank"})}>{html}</a>'
        return html


def _emphasize(text: str) -> str:
    for pattern, tag in _EMPHASIS:
        text = pattern.sub(f"<{tag}>\\1</{tag}>", text)
    return text


def _lines(text: str) -> str:
    """Line breaks to ``<br>``; runs of lines starting with ``>`` to a blockquote."""
    pieces: list[tuple[bool, str]] = []  # (is_quote, html)
    quote: list[str] = []
    for line in text.split("\n"):
        if line.startswith("&gt;"):
            quote.append(line.removeprefix("&gt;").removeprefix(" "))
            continue
        if quote:
            pieces.append((True, f'<blockquote class="sb-quote">{"<br>".join(quote)}</blockquote>'))
            quote = []
        pieces.append((False, line))
    if quote:
        pieces.append((True, f'<blockquote class="sb-quote">{"<br>".join(quote)}</blockquote>'))
    out: list[str] = []
    for index, (is_quote, piece) in enumerate(pieces):
        if index and not is_quote and not pieces[index - 1][0]:
            out.append("<br>")
        out.append(piece)
    return "".join(out)


def mrkdwn_to_html(
    text: str,
    *,
    tz: str,
    now: dt.datetime | None = None,
    names: Mapping[str, str] | None = None,
) -> str:
    """Render Slack mrkdwn as an HTML fragment, escaping all user text.

    ``tz`` is the viewer's IANA zone for date tokens, ``now`` fixes "today" for
    ``{date_pretty}`` (tests), and ``names`` maps user / channel ids to display names
    for ``<@U123>`` and ``<#C123>`` without a label.
    """
    renderer = _Renderer(tz, now, names or {})
    source = text.replace(_OPEN, "").replace(_CLOSE, "")
    out: list[str] = []
    position = 0
    for match in _TOKEN.finditer(source):
        out.append(esc(slack_unescape(source[position : match.start()])))
        out.append(renderer.park(renderer.token(match)))
        position = match.end()
    out.append(esc(slack_unescape(source[position:])))
    body = _lines(_emphasize("".join(out)))
    return _PARKED.sub(lambda match: renderer.parked[int(match.group(1))], body)
