"""Fault injection: "the next N calls of method M in workspace W answer error X, or HTTP 5xx,
or come late", set through `POST /_sandbox/faults` (see the README).

A fault is checked after the token is (so it knows the workspace) and before the rate limit.
An `error` answers like Slack refusing (`{"ok": false, "error": X}`, HTTP 200), except
`ratelimited`, which answers 429 with `Retry-After`; a `status` of 5xx answers that status;
a `delay` alone lets the call take effect and holds its answer back that many (real) seconds —
what a client that times out sees as a lost answer.
"""

from __future__ import annotations

from typing import Any

import attrs

from slack_sandbox.errors import SlackError


@attrs.define
class Fault:
    """One planned misbehaviour; `remaining` counts down with each call it hits."""

    method: str
    team_id: str | None = None  # None: any workspace
    remaining: int = 1
    error: str | None = None
    status: int | None = None
    retry_after: int = 1
    delay: float = 0.0

    def matches(self, method: str, teams: set[str | None]) -> bool:
        return self.remaining > 0 and self.method == method and (
            self.team_id is None or self.team_id in teams)

    def failure(self) -> SlackError | None:
        """The refusal this fault answers with (None: a delay only)."""
        if self.status is not None and self.status >= 500:
            return SlackError(self.error or "internal_error", status=self.status)
        if self.error == "ratelimited":
            return SlackError("ratelimited", status=429)
        if self.error is not None:
            return SlackError(self.error)
        return None


def fault_from(body: Any) -> Fault:
    """Parse `POST /_sandbox/faults`'s body; SlackError(400) when it makes no sense."""
    if not isinstance(body, dict) or not isinstance(body.get("method"), str):
        raise SlackError("give at least a method", status=400)
    try:
        fault = Fault(method=body["method"], team_id=body.get("team_id"),
                      remaining=int(body.get("times", 1)), error=body.get("error"),
                      status=int(body["status"]) if body.get("status") is not None else None,
                      retry_after=int(body.get("retry_after", 1)),
                      delay=float(body.get("delay", 0.0)))
    except (TypeError, ValueError) as exc:
        raise SlackError(f"malformed fault: {exc}", status=400) from exc
    if fault.status is not None and not 500 <= fault.status <= 599:
        raise SlackError("status must be a 5xx", status=400)
    if fault.error is None and fault.status is None and fault.delay <= 0:
        raise SlackError("give an error, a 5xx status or a delay", status=400)
    if fault.remaining < 1 or fault.delay < 0 or fault.retry_after < 0:
        raise SlackError("times must be >= 1, delay and retry_after >= 0", status=400)
    return fault


@attrs.define
class FaultPlan:
    """The faults still to happen, in the order they were planned."""

    faults: list[Fault] = attrs.field(factory=list)

    def add(self, fault: Fault) -> None:
        self.faults.append(fault)

    def take(self, method: str, teams: set[str | None]) -> Fault | None:
        """The first fault for this call, counted down (and forgotten once spent)."""
        for fault in self.faults:
            if fault.matches(method, teams):
                fault.remaining -= 1
                if fault.remaining == 0:
                    self.faults.remove(fault)
                return fault
        return None

    def clear(self) -> None:
        self.faults.clear()

    def as_json(self) -> list[dict[str, Any]]:
        return [attrs.asdict(f) for f in self.faults]
