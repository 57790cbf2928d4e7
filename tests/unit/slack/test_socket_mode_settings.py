"""Socket Mode's settings: SLACK_APP_TOKEN turns it on; `serve` refuses a token that is not
an app-level one, and more than one server process, each with its reason; the composition
root builds the listener only when a token is set."""

from __future__ import annotations

import pytest

from adapters.cli import main
from adapters.settings import AppTokenInvalid, Settings
from bootstrap import create_container

SECRET = "k" * 32


def test_slack_app_token_turns_socket_mode_on() -> None:
    assert not Settings.from_env({}).socket_mode
    on = Settings.from_env({"SLACK_APP_TOKEN": " xapp-1-A1-2-abc "})
    assert on.socket_mode and on.checked_app_token() == "xapp-1-A1-2-abc"
    assert "xapp" not in repr(on)  # a secret never shows in a log line


@pytest.mark.parametrize("token", ["xoxb-1-bot-token", "abc", "XAPP-1"])
def test_a_token_that_is_not_app_level_is_refused(token: str) -> None:
    with pytest.raises(AppTokenInvalid, match="xapp-"):
        Settings.from_env({"SLACK_APP_TOKEN": token}).checked_app_token()


def test_serve_refuses_a_bot_token_as_app_token(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: object
) -> None:
    monkeypatch.setenv("MENTORLINK_DATABASE_URL", f"sqlite:///{tmp_path}/m.db")
    monkeypatch.setenv("MENTORLINK_SECRET_KEY", SECRET)
    monkeypatch.setenv("SLACK_APP_TOKEN", "xoxb-not-an-app-token")
    assert main(["serve", "--port", "1"]) == 2
    assert "SLACK_APP_TOKEN must be an app-level token" in capsys.readouterr().err


def test_serve_refuses_several_processes_with_socket_mode(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MENTORLINK_DATABASE_URL", "postgresql://postgres@127.0.0.1:1/none")
    monkeypatch.setenv("MENTORLINK_SECRET_KEY", SECRET)
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1-A1-2-abc")
    assert main(["serve", "--workers", "2", "--port", "1"]) == 2
    error = capsys.readouterr().err
    assert "Socket Mode (SLACK_APP_TOKEN) runs in one server process" in error


def test_the_listener_exists_only_with_an_app_token() -> None:
    memory = {"database_url": "memory://"}
    assert create_container(Settings(**memory)).socket_mode() is None
    container = create_container(Settings(**memory, slack_app_token="xapp-1-A1-2-abc"))
    listener = container.socket_mode()
    assert listener is not None and listener.inbox is container.slack_inbox()
