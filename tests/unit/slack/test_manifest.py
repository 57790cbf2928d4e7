"""The Slack app manifest: URLs from the public URL, least scopes, events, valid YAML."""

from __future__ import annotations

import pytest
import yaml

from adapters.cli import main
from adapters.slack.manifest import BOT_EVENTS, BOT_SCOPES, app_manifest, manifest_yaml

PUBLIC = "https://mentor.example.com"


def test_urls_derive_from_the_public_url() -> None:
    for public_url in (PUBLIC, PUBLIC + "/"):
        manifest = app_manifest(public_url)
        assert manifest["oauth_config"]["redirect_urls"] == [f"{PUBLIC}/slack/oauth/callback"]
        settings = manifest["settings"]
        assert settings["event_subscriptions"]["request_url"] == f"{PUBLIC}/slack/events"
        assert settings["interactivity"] == {"is_enabled": True,
                                             "request_url": f"{PUBLIC}/slack/interactivity"}


def test_a_public_url_under_a_path_keeps_the_path() -> None:
    manifest = app_manifest("https://example.com/mentoring/")
    assert manifest["settings"]["event_subscriptions"]["request_url"] == (
        "https://example.com/mentoring/slack/events")


def test_the_least_scopes_and_the_events_the_app_handles() -> None:
    manifest = app_manifest(PUBLIC)
    assert manifest["oauth_config"]["scopes"] == {
        "bot": ["chat:write", "users:read", "users:read.email", "team:read"]}
    assert list(BOT_SCOPES) == manifest["oauth_config"]["scopes"]["bot"]
    assert "im:write" not in BOT_SCOPES  # DMs go to the user id; no conversations.open
    assert manifest["settings"]["event_subscriptions"]["bot_events"] == [
        "app_home_opened", "app_uninstalled", "tokens_revoked", "team_join", "user_change"]
    assert list(BOT_EVENTS) == manifest["settings"]["event_subscriptions"]["bot_events"]


def test_home_tab_messages_tab_bot_user_and_settings() -> None:
    manifest = app_manifest(PUBLIC, name="Acme Mentoring")
    assert manifest["display_information"]["name"] == "Acme Mentoring"
    assert manifest["features"]["app_home"] == {
        "home_tab_enabled": True, "messages_tab_enabled": True,
        "messages_tab_read_only_enabled": False}
    assert manifest["features"]["bot_user"] == {"display_name": "Acme Mentoring",
                                                "always_online": True}
    settings = manifest["settings"]
    assert (settings["org_deploy_enabled"], settings["socket_mode_enabled"],
            settings["token_rotation_enabled"]) == (True, False, False)


@pytest.mark.parametrize("name", ["", "   ", "x" * 36])
def test_a_name_slack_would_refuse_is_refused(name: str) -> None:
    with pytest.raises(ValueError, match="35"):
        app_manifest(PUBLIC, name=name)


def test_a_name_of_35_characters_is_fine() -> None:
    assert app_manifest(PUBLIC, name="x" * 35)["display_information"]["name"] == "x" * 35


def test_the_public_url_must_be_http() -> None:
    with pytest.raises(ValueError, match="http"):
        app_manifest("mentor.example.com")


def test_the_yaml_parses_back_to_the_manifest() -> None:
    text = manifest_yaml(PUBLIC)
    assert yaml.safe_load(text) == app_manifest(PUBLIC)
    assert text.startswith("_metadata:")  # Slack's documented key order is kept


def test_the_cli_prints_the_manifest_for_mentorlink_public_url(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MENTORLINK_PUBLIC_URL", PUBLIC + "/")
    assert main(["manifest"]) == 0
    out, err = capsys.readouterr()
    assert yaml.safe_load(out) == app_manifest(PUBLIC)
    assert err == ""


def test_the_cli_warns_when_the_public_url_is_not_https(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MENTORLINK_PUBLIC_URL", "http://127.0.0.1:8000")
    assert main(["manifest"]) == 0
    out, err = capsys.readouterr()
    assert "http://127.0.0.1:8000/slack/events" in out
    assert "https" in err


def test_socket_mode_leaves_out_the_request_urls() -> None:
    manifest = app_manifest(PUBLIC, socket_mode=True)
    settings = manifest["settings"]
    assert settings["socket_mode_enabled"] is True
    assert settings["event_subscriptions"] == {"bot_events": list(BOT_EVENTS)}
    assert settings["interactivity"] == {"is_enabled": True}
    assert "request_url" not in yaml.safe_dump(manifest)
    # the administrator's browser still comes back to the app after Slack's consent page
    assert manifest["oauth_config"]["redirect_urls"] == [f"{PUBLIC}/slack/oauth/callback"]


def test_the_cli_prints_the_socket_mode_manifest_without_the_https_warning(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MENTORLINK_PUBLIC_URL", "http://127.0.0.1:8000")
    assert main(["manifest", "--socket-mode"]) == 0
    out, err = capsys.readouterr()
    assert yaml.safe_load(out) == app_manifest("http://127.0.0.1:8000", socket_mode=True)
    assert err == ""
