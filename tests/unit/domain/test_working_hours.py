"""The working window: open or not at a moment in a person's timezone, and when it next opens."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from adapters.persistence.codec import dump, load
from domain.errors import InvalidInput
from domain.ids import OrganizationId
from domain.organization import Organization
from domain.working_hours import WorkingWindow

DEFAULT = WorkingWindow()  # Mon-Fri 08:00-19:00


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_inside_the_window_nothing_waits() -> None:
    assert DEFAULT.next_opening(at("2026-12-01 10:00"), "UTC") is None  # a Tuesday


@pytest.mark.parametrize(
    ("now", "tz", "opens"),
    [
        ("2026-12-01 19:00", "UTC", "2026-12-02 08:00"),  # the end is outside
        ("2026-12-01 05:00", "UTC", "2026-12-01 08:00"),  # early the same day
        ("2026-12-04 20:00", "UTC", "2026-12-07 08:00"),  # Friday night -> Monday
        ("2026-12-05 12:00", "UTC", "2026-12-07 08:00"),  # Saturday
        # 10:00 UTC is 19:00 in Tokyo (outside); it opens at 08:00 Tokyo = 23:00 UTC
        ("2026-12-01 10:00", "Asia/Tokyo", "2026-12-01 23:00"),
        # 12:00 UTC is 04:00 in Los Angeles: opens 08:00 there = 16:00 UTC
        ("2026-12-01 12:00", "America/Los_Angeles", "2026-12-01 16:00"),
        # the night clocks go forward in Berlin (29 March 2026): 08:00 CEST = 06:00 UTC
        ("2026-03-29 23:30", "Europe/Berlin", "2026-03-30 06:00"),
        ("2026-12-01 05:00", "Not/AZone", "2026-12-01 08:00"),  # unknown: UTC
    ],
)
def test_outside_it_waits_for_the_next_opening_in_the_persons_timezone(
    now: str, tz: str, opens: str
) -> None:
    assert DEFAULT.next_opening(at(now), tz) == at(opens)


def test_a_weekend_only_window() -> None:
    weekend = WorkingWindow(days=frozenset({5, 6}), start=time(10), end=time(12))
    assert weekend.next_opening(at("2026-12-01 11:00"), "UTC") == at("2026-12-05 10:00")
    assert weekend.describe() == "Sat-Sun 10:00-12:00"
    assert DEFAULT.describe() == "Mon-Fri 08:00-19:00"
    assert WorkingWindow(days=frozenset({0, 2, 3, 4})).describe() == "Mon, Wed-Fri 08:00-19:00"


@pytest.mark.parametrize(
    "make",
    [
        lambda: WorkingWindow(days=frozenset()),
        lambda: WorkingWindow(days=frozenset({7})),
        lambda: WorkingWindow(start=time(19), end=time(8)),
    ],
)
def test_a_window_that_cannot_open_is_refused(make: object) -> None:
    with pytest.raises(InvalidInput):
        make()  # type: ignore[operator]


def test_an_organization_keeps_its_window_and_timezone() -> None:
    org = Organization(id=OrganizationId("o1"), name="Acme")
    assert org.working_window == DEFAULT and org.timezone == "UTC"
    org.set_working_window(WorkingWindow(start=time(9), end=time(17)), timezone="Europe/Berlin")
    again = load(Organization, dump(org), 3)
    assert again.working_window == WorkingWindow(start=time(9), end=time(17))
    assert again.timezone == "Europe/Berlin"
    with pytest.raises(InvalidInput, match="not a timezone"):
        org.set_working_window(DEFAULT, timezone="Mars/Olympus")
    stored_before = {k: v for k, v in dump(org).items() if k not in ("working_window", "timezone")}
    assert load(Organization, stored_before, 1).working_window == DEFAULT  # rows from before
