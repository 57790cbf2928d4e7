"""The real clock."""

from __future__ import annotations

from datetime import UTC, datetime


class SystemClock:
    """Timezone-aware UTC now, for production; tests inject their own clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)
