"""Reading Web API arguments the way Slack does.

Arguments arrive as query strings, form fields (always strings, JSON-encoded for structured
values such as `blocks` or `view`) or a JSON body (native types). These helpers accept both
shapes and raise Slack's error codes for wrong ones.
"""

from __future__ import annotations

from typing import Any

import msgspec

from slack_sandbox.blockkit import BlockKitError
from slack_sandbox.errors import SlackError

Params = dict[str, Any]


def text(params: Params, name: str, *, required: bool = False,
         error: str = "invalid_arguments") -> str | None:
    """A string argument; `required` turns absence into `error`."""
    value = params.get(name)
    if value is None or value == "":
        if required:
            raise SlackError(error)
        return None
    return value if isinstance(value, str) else str(value)


def required_text(params: Params, name: str, error: str = "invalid_arguments") -> str:
    """A string argument that must be present."""
    value = text(params, name, required=True, error=error)
    assert value is not None
    return value


def flag(params: Params, name: str) -> bool:
    """A boolean argument: true/1 in forms, true in JSON."""
    value = params.get(name)
    if isinstance(value, str):
        return value.lower() in {"1", "true", "yes"}
    return bool(value)


def integer(params: Params, name: str, default: int) -> int:
    """An integer argument; garbage is `invalid_arguments` as in Slack."""
    value = params.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise SlackError("invalid_arguments") from exc


def structured(params: Params, name: str, error: str) -> Any:
    """A JSON argument (`blocks`, `view`, `metadata`): decoded when sent as a string."""
    value = params.get(name)
    if isinstance(value, str | bytes):
        if not value:
            return None
        try:
            return msgspec.json.decode(value)
        except msgspec.DecodeError as exc:
            raise SlackError(error) from exc
    return value


def blockkit_error(exc: BlockKitError) -> SlackError:
    """Slack's answer for a Block Kit violation, reasons under response_metadata."""
    body = exc.to_response()
    extra = {k: v for k, v in body.items() if k not in {"ok", "error"}}
    return SlackError(exc.error, 200, **extra)
