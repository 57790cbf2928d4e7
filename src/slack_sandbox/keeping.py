"""Keeping the sandbox's state in a file, so a restarted demo is the same demo.

What is kept: installs and their tokens (revoked ones too, so a removed token still answers
`token_revoked`), DM channels with their messages, modals and Home tabs, and the mail
received. What is not: OAuth codes, trigger ids and response_urls (they live seconds or
minutes in Slack too), the calls log, rate-limit consumption, planned faults and event
deliveries. The file holds development tokens in plain text: it guards a local stand-in for
Slack, never a real workspace.

The keeper saves at most every `interval` seconds, only when the state changed (its
`version`), and once more when the sandbox stops; a write goes to a temporary file that then
replaces the old one, so a crash never leaves half a file.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import sys
from pathlib import Path
from typing import Any

import attrs
from cattrs.preconf.json import make_converter

from slack_sandbox.mailbox import Mail
from slack_sandbox.records import DmChannel, Install, RefreshToken, Token, View
from slack_sandbox.state import SandboxState

FORMAT = 1
_convert = make_converter()


def snapshot(state: SandboxState) -> dict[str, Any]:
    """What a restarted sandbox needs to be the same demo, as JSON-friendly data."""
    serial = next(state._serial)
    state._serial = itertools.count(serial + 1)
    return {
        "format": FORMAT,
        "serial": serial,
        "installs": _convert.unstructure(list(state.installs.values())),
        "tokens": _convert.unstructure(list(state.tokens.values())),
        "refresh_tokens": _convert.unstructure(list(state.refresh_tokens.values())),
        "channels": _convert.unstructure(list(state.channels.values())),
        "views": _convert.unstructure(list(state.views.values())),
        "modal_stacks": [[team, user, ids] for (team, user), ids in state.modal_stacks.items()],
        "homes": [[team, user, view_id] for (team, user), view_id in state.homes.items()],
        "mails": _convert.unstructure(state.mails),
    }


def restore(state: SandboxState, data: dict[str, Any]) -> None:
    """Put a snapshot back into a freshly built state (its directory and settings stay)."""
    if data.get("format") != FORMAT:
        raise ValueError(f"unknown state file format {data.get('format')!r}")
    installs = _convert.structure(data["installs"], list[Install])
    state.installs = {i.id: i for i in installs}
    state.tokens = {t.value: t for t in _convert.structure(data["tokens"], list[Token])}
    kept = _convert.structure(data.get("refresh_tokens", []), list[RefreshToken])
    state.refresh_tokens = {r.value: r for r in kept}
    channels = _convert.structure(data["channels"], list[DmChannel])
    state.channels = {c.id: c for c in channels}
    state.dm_index = {(c.scope_key, c.user_id): c.id for c in channels}
    state.views = {v.id: v for v in _convert.structure(data["views"], list[View])}
    state.modal_stacks = {(t, u): list(ids) for t, u, ids in data["modal_stacks"]}
    state.homes = {(t, u): view_id for t, u, view_id in data["homes"]}
    state.mails = _convert.structure(data["mails"], list[Mail])
    state._serial = itertools.count(int(data["serial"]) + 1)
    state.changed()


def load_into(state: SandboxState, path: Path) -> bool:
    """Restore `path` into `state` when it exists; True when something was restored. A file
    that cannot be read is set aside (`.broken`) with a warning: the sandbox starts empty
    rather than not at all."""
    if not path.exists():
        return False
    try:
        restore(state, json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        aside = path.with_name(path.name + ".broken")
        with contextlib.suppress(OSError):
            path.replace(aside)
        print(f"slack-sandbox: could not read {path} ({exc}); starting empty, the old file "
              f"is {aside}", file=sys.stderr)
        return False
    return True


def save(state: SandboxState, path: Path) -> None:
    """Write the snapshot atomically (temporary file, then rename)."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(snapshot(state), separators=(",", ":")), encoding="utf-8")
    os.replace(temporary, path)


@attrs.define
class StateKeeper:
    """Saves the state to `path` whenever it changed, at most every `interval` seconds."""

    state: SandboxState
    path: Path
    interval: float = 0.5
    _saved_version: int = -1
    _task: asyncio.Task[None] | None = None

    def save_if_changed(self) -> None:
        """One save, when the state changed since the last one."""
        if self.state.version == self._saved_version:
            return
        version = self.state.version
        save(self.state, self.path)
        # `snapshot` does not bump the version, so a change made meanwhile is saved next time.
        self._saved_version = version

    async def start(self) -> None:
        """Begin saving in the background."""
        self._saved_version = self.state.version
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                self.save_if_changed()
            except OSError as exc:  # a full disk must not stop the sandbox answering
                print(f"slack-sandbox: could not save {self.path}: {exc}", file=sys.stderr)

    async def stop(self) -> None:
        """Stop the background saving and save one last time."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self.save_if_changed()
