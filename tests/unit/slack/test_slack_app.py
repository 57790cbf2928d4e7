"""Our Slack app's OAuth URLs: the callback Slack sends admins back to, and the consent page."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from adapters.slack.manifest import BOT_SCOPES
from adapters.slack.slack_app import OAUTH_CALLBACK_PATH, SlackApp

APP = SlackApp(
    client_id="111.222",
    signing_secret="s3cret-signing",
    oauth_url="https://slack.example/oauth/v2/authorize",
    public_url="https://mentorlink.example/",
)


def test_the_callback_is_under_the_public_url() -> None:
    assert APP.redirect_uri == f"https://mentorlink.example{OAUTH_CALLBACK_PATH}"


def test_the_consent_page_carries_the_state_and_the_least_scopes() -> None:
    url = urlsplit(APP.authorize_url("state-1"))
    query = {key: values[0] for key, values in parse_qs(url.query).items()}
    assert f"{url.scheme}://{url.netloc}{url.path}" == "https://slack.example/oauth/v2/authorize"
    assert query["client_id"] == "111.222"
    assert query["state"] == "state-1"
    assert query["redirect_uri"] == APP.redirect_uri
    assert set(query["scope"].split(",")) == set(BOT_SCOPES)


def test_the_signing_secret_is_never_shown() -> None:
    assert "s3cret-signing" not in repr(APP)
