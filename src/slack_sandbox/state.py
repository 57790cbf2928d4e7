"""Everything the sandbox remembers while it runs, in one object.

One process, one event loop: handlers never await between reading and changing state, so no
lock is needed. `reset()` forgets everything but the settings and the directory (as loaded).
"""

from __future__ import annotations

import itertools
import secrets
import string
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import attrs

from slack_sandbox.config import SandboxConfig, Tunables, tunables_from
from slack_sandbox.faults import FaultPlan
from slack_sandbox.mailbox import Mail
from slack_sandbox.records import (
    Delivery,
    DmChannel,
    Install,
    OAuthCode,
    RefreshToken,
    ResponseUrl,
    Token,
    Trigger,
    View,
)
from slack_sandbox.workspaces import Directory

_ALPHABET = string.ascii_uppercase + string.digits
#: Params never written to the calls log.
_SECRET_PARAMS = frozenset({"token", "client_secret", "code", "refresh_token"})
#: The calls log keeps at most this many entries (a benchmark posts millions).
CALLS_KEPT = 20_000


def mask_token(token: str) -> str:
    """`xoxb-12...cdef`: enough to tell tokens apart, never enough to use one."""
    return f"{token[:7]}...{token[-4:]}" if len(token) > 12 else "***"


@attrs.define
class CallRecord:
    """One Web API call as the inspection API reports it."""

    method: str
    team_id: str | None
    params: dict[str, Any]
    ok: bool
    error: str | None
    status: int
    at: float


@attrs.define
class SandboxState:
    """The sandbox's memory: installs, tokens, DMs, views, triggers, deliveries, logs."""

    directory: Directory
    config: SandboxConfig
    tunables: Tunables
    clock: Callable[[], float] = time.time
    installs: dict[str, Install] = attrs.field(factory=dict)
    tokens: dict[str, Token] = attrs.field(factory=dict)
    refresh_tokens: dict[str, RefreshToken] = attrs.field(factory=dict)
    channels: dict[str, DmChannel] = attrs.field(factory=dict)
    dm_index: dict[tuple[str, str], str] = attrs.field(factory=dict)
    views: dict[str, View] = attrs.field(factory=dict)
    modal_stacks: dict[tuple[str, str], list[str]] = attrs.field(factory=dict)
    homes: dict[tuple[str, str], str] = attrs.field(factory=dict)
    triggers: dict[str, Trigger] = attrs.field(factory=dict)
    response_urls: dict[str, ResponseUrl] = attrs.field(factory=dict)
    oauth_codes: dict[str, OAuthCode] = attrs.field(factory=dict)
    calls: list[CallRecord] = attrs.field(factory=list)
    call_counts: Counter[str] = attrs.field(factory=Counter)
    ratelimited: Counter[tuple[str, str]] = attrs.field(factory=Counter)
    deliveries: list[Delivery] = attrs.field(factory=list)
    faults: FaultPlan = attrs.field(factory=FaultPlan)
    mails: list[Mail] = attrs.field(factory=list)
    #: Bumped on every visible change so the browser UI knows when to refresh.
    version: int = 0
    _serial: itertools.count[int] = attrs.field(factory=lambda: itertools.count(1))

    def reset(self) -> None:
        """Forget all runtime state; the directory as loaded, the settings kept."""
        self.directory.restore()
        fresh = SandboxState(self.directory, self.config, tunables_from(self.config), self.clock)
        for field in attrs.fields(SandboxState):
            if field.name not in {"directory", "config", "clock", "version"}:
                setattr(self, field.name, getattr(fresh, field.name))
        self.changed()

    def changed(self) -> None:
        """Note a visible change (the UI polls `version`)."""
        self.version += 1

    def now(self) -> float:
        """Wall-clock seconds (injectable for tests)."""
        return self.clock()

    # ids ---------------------------------------------------------------------------
    def new_id(self, prefix: str, length: int = 10) -> str:
        """A Slack-looking id such as `V0123ABCDEF`; the serial keeps it unique."""
        serial = next(self._serial)
        tail = "".join(secrets.choice(_ALPHABET) for _ in range(max(0, length - 6)))
        return f"{prefix}{serial:06d}{tail}"

    def new_trigger_id(self) -> str:
        """Slack's shape: `<digits>.<digits>.<32 hex>`."""
        return f"{int(self.now() * 1000)}.{next(self._serial)}.{secrets.token_hex(16)}"

    # lookups -----------------------------------------------------------------------
    def install_for_team(self, team_id: str) -> Install | None:
        """The active install that covers `team_id`: its own, or its Grid's org-wide one."""
        for install in self.installs.values():
            if install.active and install.team_id == team_id:
                return install
        grid = self.directory.grid_of(team_id)
        if grid is not None:
            for install in self.installs.values():
                if install.active and install.is_enterprise_install \
                        and install.enterprise_id == grid.id:
                    return install
        return None

    def teams_of(self, install: Install) -> list[str]:
        """The workspaces an install reaches."""
        if install.team_id is not None:
            return [install.team_id]
        return self.directory.teams_of_grid(install.enterprise_id or "")

    def dm_scope(self, team_id: str) -> str:
        """DM channels are shared across a Grid (user ids are), else per workspace."""
        workspace = self.directory.workspaces[team_id]
        return workspace.enterprise_id or team_id

    def dm_channel(self, team_id: str, user_id: str, create: bool = True) -> DmChannel | None:
        """The bot's DM with `user_id`, opened on first use like Slack does."""
        key = (self.dm_scope(team_id), user_id)
        channel_id = self.dm_index.get(key)
        if channel_id is not None:
            return self.channels[channel_id]
        if not create:
            return None
        channel = DmChannel(id=self.new_id("D"), scope_key=key[0], user_id=user_id)
        self.channels[channel.id] = channel
        self.dm_index[key] = channel.id
        return channel

    def next_ts(self, channel: DmChannel) -> str:
        """A message ts unique and increasing within the channel, like Slack's."""
        now = max(self.now(), channel.last_ts + 0.000001)
        channel.last_ts = now
        return f"{now:.6f}"

    def modal_stack(self, team_id: str, user_id: str) -> list[str]:
        """The user's open modals, bottom first."""
        return self.modal_stacks.setdefault((team_id, user_id), [])

    # logs --------------------------------------------------------------------------
    def record_call(self, method: str, team_id: str | None, params: dict[str, Any],
                    ok: bool, error: str | None, status: int) -> None:
        """Log a Web API call without its secrets."""
        self.call_counts[method] += 1
        if len(self.calls) >= CALLS_KEPT:
            del self.calls[: CALLS_KEPT // 10]
        clean = {k: v for k, v in params.items() if k not in _SECRET_PARAMS}
        self.calls.append(CallRecord(method, team_id, clean, ok, error, status, self.now()))
