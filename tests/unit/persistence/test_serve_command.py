"""`mentorlink serve` refuses what SQLite cannot do well: several worker processes."""

from __future__ import annotations

import pytest

from adapters.cli import main


def test_several_workers_on_sqlite_are_refused_with_the_reason(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: object
) -> None:
    monkeypatch.setenv("MENTORLINK_DATABASE_URL", f"sqlite:///{tmp_path}/m.db")
    assert main(["serve", "--workers", "2", "--port", "1"]) == 2
    error = capsys.readouterr().err
    assert "SQLite serves from one worker process" in error
    assert "use PostgreSQL" in error
