"""The one exception the Web API turns into Slack's `{"ok": false, "error": ...}`."""

from __future__ import annotations

from typing import Any


class SlackError(Exception):
    """A Slack error code, optional extra response fields, and the HTTP status (200 as Slack)."""

    def __init__(self, error: str, status: int = 200, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.status = status
        self.extra = extra

    def body(self) -> dict[str, Any]:
        """The response body Slack would send."""
        return {"ok": False, "error": self.error, **self.extra}
