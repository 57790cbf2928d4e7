"""oauth.v2.access: exchange a consent page's code for a bot token, or (token rotation) a
refresh token for the next token pair."""

from __future__ import annotations

import base64
import binascii

from slack_sandbox.errors import SlackError
from slack_sandbox.installs import access_response, install_app, redeem_code
from slack_sandbox.records import JSON
from slack_sandbox.rotation import refresh
from slack_sandbox.web_api import params as p
from slack_sandbox.web_api.method import Call, Method


def client_credentials(call: Call) -> tuple[str | None, str | None]:
    """Client id and secret from HTTP Basic (what slack-sdk sends) or form arguments."""
    header = call.headers.get("authorization", "")
    if header.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(header[6:].strip()).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise SlackError("invalid_client_id") from exc
        client_id, _, secret = decoded.partition(":")
        return client_id, secret
    return p.text(call.params, "client_id"), p.text(call.params, "client_secret")


def check_client(call: Call) -> None:
    """Slack's checks, in Slack's order: the client id, then the secret."""
    client_id, secret = client_credentials(call)
    config = call.state.config
    if client_id != config.client_id:
        raise SlackError("invalid_client_id")
    if secret != config.client_secret:
        raise SlackError("bad_client_secret")


def oauth_v2_access(call: Call) -> JSON:
    """Redeem the code (or spend the refresh token) once; answer with Slack's install shape."""
    check_client(call)
    grant_type = p.text(call.params, "grant_type")
    if grant_type == "refresh_token":
        rotated = refresh(call.state, p.text(call.params, "refresh_token"))
        return access_response(call.state, rotated)
    if grant_type not in {None, "authorization_code"}:
        raise SlackError("invalid_grant_type")
    code = redeem_code(call.state, p.text(call.params, "code"),
                       p.text(call.params, "redirect_uri"))
    install = install_app(call.state, team_id=code.team_id, enterprise_id=code.enterprise_id,
                          scopes=code.scopes, installer_user_id=code.installer_user_id)
    return access_response(call.state, install)


METHODS = [Method("oauth.v2.access", oauth_v2_access, needs_token=False)]
