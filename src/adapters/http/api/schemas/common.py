"""What every body shares: the strict request base and the constrained field types."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import msgspec

Id = Annotated[str, msgspec.Meta(min_length=1, max_length=64, description="An opaque id.")]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
Tag = Annotated[str, msgspec.Meta(max_length=50)]
Tags = Annotated[list[Tag], msgspec.Meta(max_length=20)]
AwareDatetime = Annotated[
    datetime,
    msgspec.Meta(tz=True, description="ISO 8601 date-time with a timezone offset (or Z)."),
]


LATEST_YEAR = 9000  # room for durations after it, far from datetime's limit (9999)


def utc(moment: datetime) -> datetime:
    """The same instant in UTC, so responses never mirror a client's offset. A ValueError for
    an instant too far out (msgspec reports it as a 422 naming the field)."""
    try:
        converted = moment.astimezone(UTC)
    except OverflowError:
        converted = None
    if converted is None or converted.year > LATEST_YEAR:
        raise ValueError(f"date-times must be before the year {LATEST_YEAR + 1}")
    return converted


class Body(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Base of request bodies: unknown fields are refused, so a typo never goes unnoticed."""


class Out(msgspec.Struct, kw_only=True):
    """Base of response bodies."""
