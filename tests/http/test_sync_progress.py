"""`mentorlink slack sync`'s progress bar, fed by a real sync through the real gateway
against the sandbox: the pages read, the people found and matched, and the wait when Slack
answers 429 with Retry-After; nothing at all when the output is not a terminal."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from adapters.local import sync_directory
from adapters.sync_progress import SyncProgressBar
from tests.http.grid_web import (  # noqa: F401  (fixtures)
    ENG,
    GRID,
    GridWeb,
    grid_fixture,
    sandbox_server,
)

pytestmark = pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")


def _console(terminal: bool) -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, force_terminal=terminal, width=200, color_system=None), out


async def test_the_bar_shows_pages_people_matched_and_slacks_wait(grid: GridWeb) -> None:
    installation = await grid.install(f"grid:{GRID}")
    fault = {"method": "users.list", "team_id": ENG, "error": "ratelimited", "retry_after": 1}
    assert (await grid.sandbox.post("/_sandbox/faults", json=fault)).status_code in (200, 201)
    console, out = _console(terminal=True)
    bar = SyncProgressBar(console)
    with bar.running():
        report = await sync_directory(grid.runner, installation.id, False, bar)
        bar.finish()
    drawn = out.getvalue()
    assert "Slack asked to slow down: waiting 1 s before users.list" in drawn
    assert "Acme Engineering" in drawn and "1 page read" in drawn
    assert f"2 pages read, {report.slack_users} people found, {report.matched} matched" in drawn
    assert report.workspaces == 2 and report.matched == 7


async def test_off_a_terminal_nothing_is_drawn(grid: GridWeb) -> None:
    installation = await grid.install(f"team:{ENG}")
    console, out = _console(terminal=False)
    bar = SyncProgressBar(console)
    with bar.running():
        report = await sync_directory(grid.runner, installation.id, False, bar)
        bar.finish()
    assert report.matched > 0 and out.getvalue() == ""
