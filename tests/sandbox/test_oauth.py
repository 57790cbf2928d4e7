"""OAuth: the consent page, the redirect, and oauth.v2.access through slack-sdk."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from slack_sdk.errors import SlackApiError

from tests.sandbox.conftest import Running, client

pytestmark = pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")

REDIRECT = "http://app.example/slack/oauth/callback"


async def consent(http: httpx.AsyncClient, sandbox: Running, *, target: str = "team:T0ACMEENG",
                  decision: str = "allow", installer: str = "W0ADALOVE",
                  scope: str = "chat:write,users:read") -> dict[str, list[str]]:
    page = await http.get("/oauth/v2/authorize", params={
        "client_id": sandbox.config.client_id, "scope": scope, "redirect_uri": REDIRECT,
        "state": "s-123"})
    assert page.status_code == 200
    assert scope.split(",")[0] in page.text
    assert "Acme Grid" in page.text
    assert "Allow" in page.text
    answer = await http.post("/oauth/v2/authorize", data={
        "client_id": sandbox.config.client_id, "scope": scope, "redirect_uri": REDIRECT,
        "state": "s-123", "target": target, "installer": installer, "decision": decision})
    assert answer.status_code == 302
    location = answer.headers["location"]
    assert location.startswith(REDIRECT)
    return parse_qs(urlsplit(location).query)


async def test_allow_then_exchange_the_code(sandbox: Running, http: httpx.AsyncClient) -> None:
    query = await consent(http, sandbox)
    assert query["state"] == ["s-123"]
    web = client(sandbox)
    answer = await web.oauth_v2_access(client_id=sandbox.config.client_id,
                                       client_secret=sandbox.config.client_secret,
                                       code=query["code"][0], redirect_uri=REDIRECT)
    assert answer["access_token"].startswith("xoxb-")
    assert answer["token_type"] == "bot"
    assert answer["scope"] == "chat:write,users:read"
    assert answer["team"] == {"id": "T0ACMEENG", "name": "Acme Engineering"}
    assert answer["enterprise"] == {"id": "E0ACME01", "name": "Acme Grid"}
    assert answer["is_enterprise_install"] is False
    assert answer["authed_user"] == {"id": "W0ADALOVE"}
    assert answer["bot_user_id"]
    assert answer["app_id"]
    assert (await client(sandbox, answer["access_token"]).auth_test())["ok"]
    with pytest.raises(SlackApiError) as caught:
        await web.oauth_v2_access(client_id=sandbox.config.client_id,
                                  client_secret=sandbox.config.client_secret,
                                  code=query["code"][0], redirect_uri=REDIRECT)
    assert caught.value.response["error"] == "code_already_used"
    installs = (await http.get("/_sandbox/installs")).json()["installs"]
    assert answer["access_token"] not in str(installs)


async def test_org_wide_install(sandbox: Running, http: httpx.AsyncClient) -> None:
    query = await consent(http, sandbox, target="grid:E0ACME01")
    answer = await client(sandbox).oauth_v2_access(
        client_id=sandbox.config.client_id, client_secret=sandbox.config.client_secret,
        code=query["code"][0], redirect_uri=REDIRECT)
    assert answer["team"] is None
    assert answer["is_enterprise_install"] is True
    web = client(sandbox, answer["access_token"])
    members = (await web.users_list(team_id="T0ACMESAL"))["members"]
    assert "W0PRIYAPA" in [m["id"] for m in members]
    assert (await web.chat_postMessage(channel="W0PRIYAPA", text="hi"))["ok"]


async def test_cancel_redirects_with_access_denied(sandbox: Running,
                                                   http: httpx.AsyncClient) -> None:
    query = await consent(http, sandbox, decision="cancel")
    assert query == {"error": ["access_denied"], "state": ["s-123"]}


async def test_installer_must_belong_to_the_workspace(sandbox: Running,
                                                      http: httpx.AsyncClient) -> None:
    answer = await http.post("/oauth/v2/authorize", data={
        "client_id": sandbox.config.client_id, "scope": "chat:write", "redirect_uri": REDIRECT,
        "state": "s", "target": "team:T0ACMEPRT", "installer": "W0ADALOVE", "decision": "allow"})
    assert answer.status_code == 400
    # The consent form again, the choice kept and the reason above it - no dead end.
    assert "Something went wrong" not in answer.text
    assert ("Ada Lovelace cannot install it there: the installer must be a member of that "
            "workspace. Choose another workspace or another person.") in answer.text
    assert "value='team:T0ACMEPRT' checked" in answer.text
    assert "<option value='W0ADALOVE' selected>" in answer.text
    assert "id='sb-allow'" in answer.text


async def test_the_consent_page_names_what_each_scope_allows(sandbox: Running,
                                                             http: httpx.AsyncClient) -> None:
    page = await http.get("/oauth/v2/authorize", params={
        "client_id": sandbox.config.client_id, "scope": "chat:write,users:read.email",
        "redirect_uri": REDIRECT, "state": "s"})
    assert "<li>Send messages as the app <code>chat:write</code></li>" in page.text
    assert ("<li>View email addresses of people in the workspace <code>users:read.email</code>"
            "</li>") in page.text


@pytest.mark.parametrize(("field", "value", "error"), [
    ("client_id", "nope", "invalid_client_id"),
    ("client_secret", "nope", "bad_client_secret"),
    ("code", "nope", "invalid_code"),
    ("redirect_uri", "http://elsewhere.example/cb", "bad_redirect_uri"),
])
async def test_exchange_errors(sandbox: Running, http: httpx.AsyncClient, field: str, value: str,
                               error: str) -> None:
    query = await consent(http, sandbox)
    arguments = {"client_id": sandbox.config.client_id,
                 "client_secret": sandbox.config.client_secret, "code": query["code"][0],
                 "redirect_uri": REDIRECT, field: value}
    with pytest.raises(SlackApiError) as caught:
        await client(sandbox).oauth_v2_access(**arguments)
    assert caught.value.response["error"] == error


async def test_client_secret_as_form_fields(sandbox: Running, http: httpx.AsyncClient) -> None:
    query = await consent(http, sandbox)
    answer = await http.post("/api/oauth.v2.access", data={
        "client_id": sandbox.config.client_id, "client_secret": sandbox.config.client_secret,
        "code": query["code"][0], "redirect_uri": REDIRECT})
    assert answer.json()["ok"] is True


async def test_reinstall_keeps_the_bot_token(sandbox: Running, http: httpx.AsyncClient) -> None:
    tokens = []
    for scope in ("chat:write", "users:read"):
        query = await consent(http, sandbox, scope=scope)
        answer = await client(sandbox).oauth_v2_access(
            client_id=sandbox.config.client_id, client_secret=sandbox.config.client_secret,
            code=query["code"][0], redirect_uri=REDIRECT)
        tokens.append(answer["access_token"])
    assert tokens[0] == tokens[1]
    assert answer["scope"] == "chat:write,users:read"
