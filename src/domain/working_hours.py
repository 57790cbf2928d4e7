"""An organization's working window: when notifications may arrive. Outside it, in the
recipient's own timezone, a notification is held until the window next opens."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from domain.errors import InvalidInput

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _days(value: frozenset[int]) -> frozenset[int]:
    days = frozenset(value)
    if not days or not days <= set(range(7)):
        raise InvalidInput("Choose at least one working day (0 = Monday ... 6 = Sunday).")
    return days


@attrs.frozen(kw_only=True)
class WorkingWindow:
    """Days (0 = Monday) and the hours between `start` and `end` on each of them."""

    days: frozenset[int] = attrs.field(default=frozenset(range(5)), converter=_days)
    start: time = time(8, 0)
    end: time = time(19, 0)

    def __attrs_post_init__(self) -> None:
        if self.start >= self.end:
            raise InvalidInput("The working window must end after it starts.")

    def describe(self) -> str:
        """`Mon-Fri 08:00-19:00` as administrators read it."""
        days = sorted(self.days)
        runs: list[str] = []
        first = prev = days[0]
        for day in [*days[1:], None]:
            if day is not None and day == prev + 1:
                prev = day
                continue
            runs.append(
                DAY_NAMES[first] if first == prev else f"{DAY_NAMES[first]}-{DAY_NAMES[prev]}"
            )
            if day is not None:
                first = prev = day
        return f"{', '.join(runs)} {self.start:%H:%M}-{self.end:%H:%M}"

    def next_opening(self, now: datetime, timezone: str) -> datetime | None:
        """None while the window is open at `now` in `timezone`; else the moment (UTC-aware)
        it next opens. An unknown timezone counts as UTC."""
        zone = zone_of(timezone)
        local = now.astimezone(zone)
        if local.weekday() in self.days and self.start <= local.time() < self.end:
            return None
        for ahead in range(8):
            day = (local + timedelta(days=ahead)).date()
            if day.weekday() not in self.days:
                continue
            opening = datetime.combine(day, self.start, tzinfo=zone)
            if opening > local:
                return opening.astimezone(now.tzinfo)
        raise AssertionError("a window with a working day opens within a week")


def zone_of(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")
