"""The error a Block Kit check raises, shaped like Slack's own API error answers."""

from __future__ import annotations

from collections.abc import Sequence


class BlockKitError(Exception):
    """A payload Slack would refuse.

    ``error`` is Slack's error code (``invalid_blocks``, ``invalid_blocks_format``,
    ``invalid_arguments``, ``view_too_large``, ``no_text``, ``msg_too_long``) and
    ``messages`` the Slack-style reasons, e.g.
    ``"[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]"``.
    """

    def __init__(self, error: str, messages: Sequence[str] = ()) -> None:
        super().__init__(f"{error}: {'; '.join(messages)}" if messages else error)
        self.error = error
        self.messages = list(messages)

    def to_response(self) -> dict[str, object]:
        """The JSON body Slack answers with (HTTP 200, ``ok: false``)."""
        body: dict[str, object] = {"ok": False, "error": self.error}
        if self.error == "invalid_blocks":
            # Slack repeats the reasons without the "[ERROR] " prefix under "errors".
            body["errors"] = [m.removeprefix("[ERROR] ") for m in self.messages]
        if self.messages:
            body["response_metadata"] = {"messages": list(self.messages)}
        return body
