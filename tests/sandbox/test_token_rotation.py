"""Token rotation in the sandbox: rotating installs answer an expiring token with a refresh
token; a refresh gives a new pair and spends the old refresh token; tokens expire on time
(the sandbox's clock injected; the time scale shortens their life). Over HTTP, slack-sdk's own
`oauth_v2_access(grant_type="refresh_token")` rotates against the running sandbox."""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from slack_sdk.errors import SlackApiError

from slack_sandbox.config import DEV_CLIENT_ID, DEV_CLIENT_SECRET, SandboxConfig
from slack_sandbox.installs import access_response, install_app, remove_install
from slack_sandbox.services import Sandbox, build_sandbox
from slack_sandbox.web_api.dispatch import WebApi
from tests.sandbox.conftest import Running, client

pytestmark = pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")

TEAM = "T0ACMEENG"
TWELVE_HOURS = 43_200
_BASIC = "Basic " + base64.b64encode(f"{DEV_CLIENT_ID}:{DEV_CLIENT_SECRET}".encode()).decode()


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


class Slack:
    """A sandbox with an injected clock, called through its Web API handler."""

    def __init__(self, *, rotation: bool = True, time_scale: float = 1.0) -> None:
        self.clock = Clock()
        config = SandboxConfig(token_rotation=rotation, time_scale=time_scale)
        self.sandbox: Sandbox = build_sandbox(config, clock=self.clock)
        self.api = WebApi(self.sandbox)

    def install(self) -> dict[str, Any]:
        install = install_app(self.sandbox.state, team_id=TEAM, enterprise_id=None,
                              scopes=["chat:write", "users:read"], installer_user_id="W0ADALOVE")
        return dict(access_response(self.sandbox.state, install))

    def call(self, method: str, token: str | None = None, **params: Any) -> dict[str, Any]:
        auth = f"Bearer {token}" if token is not None else _BASIC
        headers = {"content-type": "application/x-www-form-urlencoded", "authorization": auth}
        _, body, _, _ = self.api.handle(method, b"", headers, urlencode(params).encode())
        answer: dict[str, Any] = json.loads(json.dumps(body))
        return answer

    def refresh(self, refresh_token: str) -> dict[str, Any]:
        return self.call("oauth.v2.access", grant_type="refresh_token",
                         refresh_token=refresh_token)


def test_a_rotating_install_gets_an_expiring_token_and_a_refresh_token() -> None:
    grant = Slack().install()
    assert grant["access_token"].startswith("xoxe.xoxb-")
    assert grant["refresh_token"].startswith("xoxe-")
    assert grant["expires_in"] == TWELVE_HOURS
    assert grant["token_type"] == "bot"


def test_without_rotation_the_token_neither_expires_nor_comes_with_a_refresh_token() -> None:
    slack = Slack(rotation=False)
    grant = slack.install()
    assert grant["access_token"].startswith("xoxb-")
    assert "refresh_token" not in grant and "expires_in" not in grant
    slack.clock.now += 10 * TWELVE_HOURS
    assert slack.call("auth.test", grant["access_token"])["ok"]


def test_a_refresh_gives_a_new_pair_and_spends_the_old_refresh_token() -> None:
    slack = Slack()
    first = slack.install()
    slack.clock.now += 100
    second = slack.refresh(first["refresh_token"])
    assert second["ok"], second
    assert second["access_token"] != first["access_token"]
    assert second["refresh_token"] != first["refresh_token"]
    assert second["expires_in"] == TWELVE_HOURS
    assert (second["team"], second["bot_user_id"]) == (first["team"], first["bot_user_id"])
    again = slack.refresh(first["refresh_token"])
    assert again == {"ok": False, "error": "invalid_refresh_token"}
    assert slack.call("auth.test", second["access_token"])["ok"]
    # the earlier token keeps working until its own expiry, as Slack's do
    assert slack.call("auth.test", first["access_token"])["ok"]
    assert slack.refresh(second["refresh_token"])["ok"]


def test_an_unknown_refresh_token_or_client_is_refused() -> None:
    slack = Slack()
    grant = slack.install()
    assert slack.refresh("xoxe-1-made-up")["error"] == "invalid_refresh_token"
    assert slack.call("oauth.v2.access", grant_type="refresh_token")["error"] == \
        "invalid_refresh_token"
    bad = {"content-type": "application/x-www-form-urlencoded",
           "authorization": "Basic " + base64.b64encode(b"nobody:wrong").decode()}
    body = urlencode({"grant_type": "refresh_token", "refresh_token": grant["refresh_token"]})
    _, answer, _, _ = slack.api.handle("oauth.v2.access", b"", bad, body.encode())
    assert answer["error"] == "invalid_client_id"
    assert slack.refresh(grant["refresh_token"])["ok"]  # the refusal spent nothing


def test_a_token_expires_on_time_and_every_method_says_token_expired() -> None:
    slack = Slack()
    token = slack.install()["access_token"]
    slack.clock.now += TWELVE_HOURS - 1
    assert slack.call("auth.test", token)["ok"]
    slack.clock.now += 1
    for method, params in [("auth.test", {}), ("chat.postMessage", {"channel": "W0MARIASA",
                                                                     "text": "hi"}),
                           ("users.list", {}), ("team.info", {})]:
        assert slack.call(method, token, **params) == {"ok": False, "error": "token_expired"}
    assert not slack.sandbox.state.channels  # the refused post changed nothing


def test_the_time_scale_shortens_a_tokens_life() -> None:
    slack = Slack(time_scale=TWELVE_HOURS / 10)
    grant = slack.install()
    assert grant["expires_in"] == 10
    slack.clock.now += 9.9
    assert slack.call("auth.test", grant["access_token"])["ok"]
    slack.clock.now += 0.1
    assert slack.call("auth.test", grant["access_token"])["error"] == "token_expired"
    fresh = slack.refresh(grant["refresh_token"])  # an expired token's refresh token still works
    assert slack.call("auth.test", fresh["access_token"])["ok"]


def test_removing_the_app_revokes_every_token_and_the_refresh_token() -> None:
    slack = Slack()
    first = slack.install()
    second = slack.refresh(first["refresh_token"])
    install = next(iter(slack.sandbox.state.installs.values()))
    remove_install(slack.sandbox.state, install)
    for token in (first["access_token"], second["access_token"]):
        assert slack.call("auth.test", token)["error"] == "token_revoked"
    assert slack.refresh(second["refresh_token"])["error"] == "invalid_refresh_token"


def test_rotation_cannot_be_switched_off_for_an_install() -> None:
    slack = Slack()
    slack.install()
    slack.sandbox.state.tunables.token_rotation = False
    again = slack.install()  # a reinstall: a new pair, still rotating
    assert again["access_token"].startswith("xoxe.xoxb-") and again["refresh_token"]


async def test_slack_sdk_rotates_against_the_running_sandbox(
    sandbox: Running, http: httpx.AsyncClient
) -> None:
    await http.post("/_sandbox/config", json={"token_rotation": True})
    grant = (await http.post("/_sandbox/installs", json={
        "team_id": TEAM, "scopes": ["chat:write"], "installer": "W0ADALOVE"})).json()
    web = client(sandbox)
    rotated = await web.oauth_v2_access(
        client_id=sandbox.config.client_id, client_secret=sandbox.config.client_secret,
        grant_type="refresh_token", refresh_token=grant["refresh_token"])
    assert rotated["access_token"].startswith("xoxe.xoxb-")
    assert (await client(sandbox, rotated["access_token"]).auth_test())["ok"]
    with pytest.raises(SlackApiError) as spent:
        await web.oauth_v2_access(
            client_id=sandbox.config.client_id, client_secret=sandbox.config.client_secret,
            grant_type="refresh_token", refresh_token=grant["refresh_token"])
    assert spent.value.response["error"] == "invalid_refresh_token"
    installs = (await http.get("/_sandbox/installs")).json()["installs"]
    assert rotated["refresh_token"] not in str(installs)
    calls = (await http.get("/_sandbox/calls", params={"method": "oauth.v2.access"})).json()
    assert rotated["refresh_token"] not in str(calls)
