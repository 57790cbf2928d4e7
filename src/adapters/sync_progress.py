"""The progress bar of `mentorlink slack sync` (rich): one step per workspace paged, with the
pages read, the people found and matched so far, and — when Slack asks to slow down (a 429
with Retry-After, or the pace learnt from one) — how long the sync waits. A 10,000-person
workspace takes about 100 s at Slack's limits: the bar says why it is not done yet. Each
page is drawn once its people are committed, so those counted as matched are reachable.

Quiet when the output is not a terminal (a script, a pipe, CI): nothing is drawn at all."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from adapters.slack.pacing import waits_observer


class SyncProgressBar:
    """A DirectoryProgress drawing on `console` (stderr by default)."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True)
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[detail]}"),
            TimeElapsedColumn(),
            console=self.console,
        )
        self._task = self._progress.add_task("Slack directory", total=None, detail="starting")
        self._names: list[str] = []
        self._detail = ""

    @property
    def shown(self) -> bool:
        """Whether anything is drawn: only on a terminal."""
        return self.console.is_terminal

    @contextmanager
    def running(self) -> Iterator[SyncProgressBar]:
        """Draw while the sync runs (and hear the gateway's waits); nothing off a terminal."""
        if not self.shown:
            yield self
            return
        heard = waits_observer.set(self.waiting)
        self._progress.start()
        try:
            yield self
        finally:
            self._progress.stop()
            waits_observer.reset(heard)

    def workspaces(self, names: Sequence[str]) -> None:
        self._names = list(names)
        self._progress.update(self._task, total=max(len(self._names), 1), completed=0,
                              detail=f"{len(self._names)} workspace(s) to read")

    def reading(self, workspace: str) -> None:
        done = self._names.index(workspace) if workspace in self._names else 0
        self._progress.update(self._task, completed=done, description=workspace,
                              detail=self._detail or "first page")

    def page(self, workspace: str, *, pages: int, people: int, matched: int) -> None:
        done = self._names.index(workspace) if workspace in self._names else 0
        self._detail = (f"{pages} page{'s' if pages != 1 else ''} read, {people} people found, "
                        f"{matched} matched")
        self._progress.update(self._task, completed=done, description=workspace,
                              detail=self._detail)
        if self.shown:
            self._progress.refresh()  # every page is drawn, not only those a tick lands on

    def waiting(self, method: str, seconds: float) -> None:
        """Slack asked to slow down: say how long the next call of `method` waits."""
        note = f"Slack asked to slow down: waiting {seconds:.0f} s before {method}"
        detail = f"{self._detail} — {note}" if self._detail else note
        self._progress.update(self._task, detail=detail)

    def finish(self) -> None:
        self._progress.update(self._task, completed=max(len(self._names), 1),
                              description="Slack directory", detail=self._detail or "done")
