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


def utc(moment: datetime) -> datetime:
    """The same instant in UTC, so responses never mirror a client's offset."""
    return moment.astimezone(UTC)


class Body(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Base of request bodies: unknown fields are refused, so a typo never goes unnoticed."""


class Out(msgspec.Struct, kw_only=True):
    """Base of response bodies."""
