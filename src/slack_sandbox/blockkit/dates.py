"""Slack's date tokens (``<!date^epoch^{date_short_pretty} at {time}|fallback>``).

Slack shows each reader the date in their own timezone; the sandbox does the same
with the viewer's IANA zone, in US English as Slack's default locale does.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_TOKEN = re.compile(r"\{([a-z_]+)\}")

# (moment in the viewer's zone, the viewer's today) -> text
_Formatter = Callable[[dt.datetime, dt.date], str]


def _ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _date(moment: dt.datetime, today: dt.date) -> str:
    return f"{_MONTHS[moment.month - 1]} {_ordinal(moment.day)}, {moment.year}"


def _date_short(moment: dt.datetime, today: dt.date) -> str:
    return f"{_MONTHS[moment.month - 1][:3]} {moment.day}, {moment.year}"


def _date_long(moment: dt.datetime, today: dt.date) -> str:
    return f"{_WEEKDAYS[moment.weekday()]}, {_date(moment, today)}"


def _date_long_full(moment: dt.datetime, today: dt.date) -> str:
    return f"{_MONTHS[moment.month - 1]} {moment.day}, {moment.year}"


def _relative(moment: dt.datetime, today: dt.date) -> str | None:
    days = (moment.date() - today).days
    return {-1: "Yesterday", 0: "Today", 1: "Tomorrow"}.get(days)


def _pretty(plain: _Formatter) -> _Formatter:
    def pretty(moment: dt.datetime, today: dt.date) -> str:
        return _relative(moment, today) or plain(moment, today)

    return pretty


def _day_divider(moment: dt.datetime, today: dt.date) -> str:
    relative = _relative(moment, today)
    if relative:
        return relative
    if moment.year == today.year:
        return f"{_WEEKDAYS[moment.weekday()]}, {_MONTHS[moment.month - 1]} {_ordinal(moment.day)}"
    return _date_long(moment, today)


def _time(moment: dt.datetime, today: dt.date) -> str:
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


def _time_secs(moment: dt.datetime, today: dt.date) -> str:
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d}:{moment.second:02d} {'AM' if moment.hour < 12 else 'PM'}"


FORMATTERS: dict[str, _Formatter] = {
    "date_num": lambda moment, today: f"{moment:%Y-%m-%d}",
    "date_slash": lambda moment, today: f"{moment:%d/%m/%Y}",
    "date": _date,
    "date_short": _date_short,
    "date_long": _date_long,
    "date_long_full": _date_long_full,
    "date_pretty": _pretty(_date),
    "date_short_pretty": _pretty(_date_short),
    "date_long_pretty": _pretty(_date_long),
    "day_divider_pretty": _day_divider,
    "time": _time,
    "time_secs": _time_secs,
}
"""Every token the sandbox understands, by name."""


def viewer_moment(epoch: int, tz: str) -> dt.datetime | None:
    """``epoch`` in the zone ``tz``; ``None`` when either cannot be used."""
    try:
        return dt.datetime.fromtimestamp(epoch, ZoneInfo(tz))
    except (ZoneInfoNotFoundError, ValueError, OverflowError, OSError, TypeError):
        return None


def format_slack_date(
    epoch: int,
    token_format: str,
    *,
    tz: str,
    fallback: str,
    now: dt.datetime | None = None,
) -> str:
    """Fill Slack date tokens in ``token_format`` with ``epoch`` seen from zone ``tz``.

    ``{date_pretty}`` and friends say Today / Tomorrow / Yesterday relative to ``now``
    (default: the current time) in that zone. Returns ``fallback`` when the zone or the
    timestamp is unusable or the format holds a token Slack does not define — Slack
    shows the fallback text whenever it cannot format the date.
    """
    moment = viewer_moment(epoch, tz)
    if moment is None:
        return fallback
    names = _TOKEN.findall(token_format)
    if any(name not in FORMATTERS for name in names):
        return fallback
    current = now or dt.datetime.now(dt.UTC)
    if current.tzinfo is None:
        current = current.replace(tzinfo=dt.UTC)
    today = current.astimezone(moment.tzinfo).date()
    return _TOKEN.sub(lambda match: FORMATTERS[match.group(1)](moment, today), token_format)
