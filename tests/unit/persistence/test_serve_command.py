"""`mentorlink serve` refuses what SQLite cannot do well (several worker processes) and to run
without a real secret key; `run-local` makes one and keeps it."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.cli import main, sandbox_smtp
from adapters.local import legacy_secret_key
from adapters.settings import SecretKeyMissing, Settings


def test_several_workers_on_sqlite_are_refused_with_the_reason(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: object
) -> None:
    monkeypatch.setenv("MENTORLINK_DATABASE_URL", f"sqlite:///{tmp_path}/m.db")
    monkeypatch.setenv("MENTORLINK_SECRET_KEY", "k" * 32)
    assert main(["serve", "--workers", "2", "--port", "1"]) == 2
    error = capsys.readouterr().err
    assert "SQLite serves from one worker process" in error
    assert "use PostgreSQL" in error


@pytest.mark.parametrize("key", [None, "", "short-key", "a" * 40 + ",too-short"])
def test_serve_refuses_to_start_without_a_real_secret_key(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path,
    key: str | None,
) -> None:  # fmt: skip
    monkeypatch.setenv("MENTORLINK_DATABASE_URL", f"sqlite:///{tmp_path}/m.db")
    if key is None:
        monkeypatch.delenv("MENTORLINK_SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("MENTORLINK_SECRET_KEY", key)
    assert main(["serve", "--port", "1"]) == 2
    error = capsys.readouterr().err
    assert "MENTORLINK_SECRET_KEY must be set to a secret of at least 32 characters" in error
    assert "secrets.token_urlsafe" in error  # how to make one


def test_any_database_but_the_in_memory_one_needs_the_key() -> None:
    with pytest.raises(SecretKeyMissing):
        Settings(database_url="sqlite:///m.db").checked_secret_keys()
    first = Settings(database_url="memory://").checked_secret_keys()
    assert len(first[0]) >= 32
    assert first != Settings(database_url="memory://").checked_secret_keys()  # never a known one
    keys = ("n" * 32, "o" * 40)
    assert Settings(database_url="sqlite:///m.db", secret_keys=keys).checked_secret_keys() == keys


def test_a_key_kept_beside_an_older_database_is_still_found(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/demo.db"
    assert legacy_secret_key(url) is None
    (tmp_path / "demo.db.secret-key").write_text("k" * 48 + "\n")
    assert legacy_secret_key(url) == "k" * 48
    assert legacy_secret_key(f"sqlite:///{tmp_path}/other.db") is None


def test_run_local_gives_the_sandbox_a_mail_port_beside_its_own_and_the_app_its_url() -> None:
    # Lost once in a merge: every sandbox then took 3025, so a second local stack (an e2e
    # test beside `make run`) could not start, and `make run` sent no e-mail at all.
    assert sandbox_smtp("", 3000) == (3025, "smtp://127.0.0.1:3025")
    assert sandbox_smtp("", 41000) == (41025, "smtp://127.0.0.1:41025")
    assert sandbox_smtp("smtps://u:p@mail.example:465", 3000) == (
        0, "smtps://u:p@mail.example:465",
    )  # fmt: skip


def test_a_busy_mail_port_beside_the_sandbox_gives_way_to_a_free_one() -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        port, url = sandbox_smtp("", busy - 25)
        assert port != busy and url == f"smtp://127.0.0.1:{port}"
