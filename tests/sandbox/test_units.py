"""Unit tests: rate limits (injected clock), the directory loader, the OAuth code lifecycle."""

from __future__ import annotations

from pathlib import Path

import pytest

from slack_sandbox.config import SandboxConfig, Tunables
from slack_sandbox.errors import SlackError
from slack_sandbox.installs import install_app, issue_code, redeem_code
from slack_sandbox.rate_limits import RateLimiter
from slack_sandbox.services import build_sandbox
from slack_sandbox.workspaces import DirectoryError, directory_from_data, load_directory


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def limiter(**settings: object) -> tuple[RateLimiter, Clock]:
    clock = Clock()
    tunables = Tunables()
    tunables.update(dict(settings))
    return RateLimiter(tunables, clock), clock


def test_tier_allows_a_minute_of_calls_then_refuses_with_the_wait() -> None:
    limits, clock = limiter()
    assert all(limits.check("T1", "users.list").allowed for _ in range(20))
    refused = limits.check("T1", "users.list")
    assert not refused.allowed
    assert refused.retry_after == 3  # Tier 2 refills one call every 3 s
    clock.now += 3
    assert limits.check("T1", "users.list").allowed


def test_limits_are_per_workspace_and_per_method() -> None:
    limits, _ = limiter(method_limits={"team.info": 1})
    assert limits.check("T1", "team.info").allowed
    assert not limits.check("T1", "team.info").allowed
    assert limits.check("T2", "team.info").allowed
    assert limits.check("T1", "users.info").allowed


def test_tier_one_waits_a_minute() -> None:
    limits, _ = limiter()
    assert limits.check("T1", "apps.uninstall").allowed
    assert limits.check("T1", "apps.uninstall").retry_after == 60


def test_post_message_per_channel_burst_then_one_per_second() -> None:
    limits, clock = limiter()
    assert all(limits.check("T1", "chat.postMessage", "D1").allowed for _ in range(3))
    assert not limits.check("T1", "chat.postMessage", "D1").allowed
    assert limits.check("T1", "chat.postMessage", "D2").allowed
    clock.now += 1
    assert limits.check("T1", "chat.postMessage", "D1").allowed


def test_post_message_workspace_ceiling_spans_channels() -> None:
    limits, _ = limiter(post_message_workspace_per_minute=5)
    assert all(limits.check("T1", "chat.postMessage", f"D{n}").allowed for n in range(5))
    verdict = limits.check("T1", "chat.postMessage", "D99")
    assert not verdict.allowed
    assert verdict.retry_after == 12


def test_a_refusal_consumes_nothing() -> None:
    limits, _ = limiter(post_message_workspace_per_minute=1)
    assert limits.check("T1", "chat.postMessage", "D1").allowed
    for _ in range(5):
        assert not limits.check("T1", "chat.postMessage", "D2").allowed
    # D2's own bucket is still full: only the workspace ceiling refused it.
    limits.tunables.post_message_workspace_per_minute = 1000
    limits.reset()
    assert all(limits.check("T1", "chat.postMessage", "D2").allowed for _ in range(3))


def test_time_scale_shrinks_waits_but_retry_after_stays_a_whole_second() -> None:
    limits, clock = limiter(time_scale=60.0)
    assert limits.check("T1", "apps.uninstall").allowed
    refused = limits.check("T1", "apps.uninstall")
    assert refused.wait_seconds == pytest.approx(1.0)
    assert refused.retry_after == 1
    clock.now += 1
    assert limits.check("T1", "apps.uninstall").allowed


def test_limits_can_be_switched_off() -> None:
    limits, _ = limiter(rate_limits=False)
    assert all(limits.check("T1", "apps.uninstall").allowed for _ in range(100))


def test_default_directory_matches_the_demo_organization() -> None:
    directory = load_directory()
    assert set(directory.workspaces) == {"T0ACMEENG", "T0ACMESAL", "T0ACMEPRT"}
    assert directory.grid_of("T0ACMEENG").name == "Acme Grid"  # type: ignore[union-attr]
    assert directory.grid_of("T0ACMEPRT") is None
    maria = directory.by_email["maria@acme.example"][0]
    assert set(maria.workspaces) == {"T0ACMEENG", "T0ACMESAL"}
    assert directory.by_email["omar@acme.example"][0].workspaces == ("T0ACMEPRT",)
    assert "noor@acme.example" not in directory.by_email
    assert "guest@partner.example" in directory.by_email
    zones = {u.tz for u in directory.users.values()}
    assert {"Europe/Berlin", "America/New_York", "Asia/Tokyo", "Asia/Kolkata"} <= zones


def test_workspaces_file_with_generated_users(tmp_path: Path) -> None:
    path = tmp_path / "ws.yaml"
    path.write_text(
        "workspaces:\n  - {id: T1, name: Big, generate_users: 10000}\n"
        "users:\n  - {id: U1, name: a, email: a@x.example, tz: UTC, workspaces: [T1]}\n")
    directory = load_directory(path)
    assert len(directory.members["T1"]) == 10_001
    assert len({u.email for u in directory.users.values()}) == 10_001


@pytest.mark.parametrize("data", [
    {"workspaces": []},
    {"workspaces": [{"id": "T1", "name": "A", "enterprise_id": "E404"}]},
    {"workspaces": [{"id": "T1", "name": "A"}], "users": [{"id": "U1", "workspaces": ["T2"]}]},
    {"grids": [{"id": "E1", "name": "G"}],
     "workspaces": [{"id": "T1", "name": "A", "enterprise_id": "E1"}, {"id": "T2", "name": "B"}],
     "users": [{"id": "W1", "workspaces": ["T1", "T2"]}]},
    {"workspaces": [{"name": "no id"}]},
])
def test_malformed_workspaces_files_are_refused(data: dict[str, object]) -> None:
    with pytest.raises(DirectoryError):
        directory_from_data(data)


def _state():  # type: ignore[no-untyped-def]
    clock = Clock()
    return build_sandbox(SandboxConfig(), clock=clock).state, clock


def test_oauth_code_is_single_use() -> None:
    state, _ = _state()
    code = issue_code(state, client_id="c", redirect_uri="http://app/cb", scopes=["chat:write"],
                      team_id="T0ACMEENG", enterprise_id="E0ACME01", installer_user_id="W0ADALOVE")
    assert redeem_code(state, code.code, "http://app/cb") is code
    with pytest.raises(SlackError, match="code_already_used"):
        redeem_code(state, code.code, "http://app/cb")


def test_oauth_code_expires_after_ten_minutes_time_scaled() -> None:
    state, clock = _state()
    state.tunables.time_scale = 10
    code = issue_code(state, client_id="c", redirect_uri=None, scopes=[], team_id="T0ACMEENG",
                      enterprise_id=None, installer_user_id="W0ADALOVE")
    clock.now += 61
    with pytest.raises(SlackError, match="invalid_code"):
        redeem_code(state, code.code, None)


def test_oauth_code_needs_the_same_redirect_uri() -> None:
    state, _ = _state()
    code = issue_code(state, client_id="c", redirect_uri="http://app/cb", scopes=[],
                      team_id="T0ACMEENG", enterprise_id=None, installer_user_id="W0ADALOVE")
    with pytest.raises(SlackError, match="bad_redirect_uri"):
        redeem_code(state, code.code, "http://app/other")
    with pytest.raises(SlackError, match="invalid_code"):
        redeem_code(state, "nonsense", None)


def test_reinstall_keeps_the_token_and_adds_scopes_until_removed() -> None:
    state, _ = _state()
    first = install_app(state, team_id="T0ACMEPRT", enterprise_id=None, scopes=["chat:write"],
                        installer_user_id="U0OMAROKA")
    token = first.token
    again = install_app(state, team_id="T0ACMEPRT", enterprise_id=None, scopes=["users:read"],
                        installer_user_id="U0OMAROKA")
    assert again.token == token
    assert again.scopes == {"chat:write", "users:read"}
    from slack_sandbox.installs import remove_install

    remove_install(state, again)
    fresh = install_app(state, team_id="T0ACMEPRT", enterprise_id=None, scopes=["team:read"],
                        installer_user_id="U0OMAROKA")
    assert fresh.token != token
    assert fresh.scopes == {"team:read"}
    assert state.tokens[token].revoked


def test_cli_flags_make_the_config(monkeypatch: pytest.MonkeyPatch) -> None:
    from slack_sandbox.cli import config_from, parser

    monkeypatch.setenv("SLACK_SIGNING_SECRET", "from-env")
    args = parser().parse_args(["--port", "3100", "--app-url", "http://app:9000",
                                "--time-scale", "60", "--no-rate-limits",
                                "--generate-users", "5"])
    config = config_from(args)
    assert (config.port, config.app_url, config.time_scale) == (3100, "http://app:9000", 60.0)
    assert config.rate_limits is False
    assert config.signing_secret == "from-env"
    assert config.base_url == "http://127.0.0.1:3100"
    assert len(build_sandbox(config).state.directory.members["T0ACMEENG"]) == 5 + 5


def test_cli_refuses_a_broken_workspaces_file(tmp_path: Path) -> None:
    from slack_sandbox.cli import main

    broken = tmp_path / "broken.yaml"
    broken.write_text("workspaces: [")
    assert main(["--workspaces", str(broken)]) == 2
