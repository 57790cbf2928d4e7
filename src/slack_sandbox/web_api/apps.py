"""apps.uninstall: the app removes itself from a workspace; apps.connections.open: a Socket
Mode WebSocket URL for the app-level token."""

from __future__ import annotations

import hmac

from slack_sandbox.errors import SlackError
from slack_sandbox.records import JSON
from slack_sandbox.web_api.method import Call, Method
from slack_sandbox.web_api.oauth import check_client


def apps_uninstall(call: Call) -> JSON:
    """Needs the bot token plus client id and secret; sends app_uninstalled + tokens_revoked."""
    check_client(call)
    call.sandbox.remove_app(call.install, reason="account_inactive", uninstalled=True)
    return {"ok": True}


def apps_connections_open(call: Call) -> JSON:
    """Only the app-level (`xapp-`) token opens a connection; a bot token is the wrong kind."""
    authorization = call.headers.get("authorization", "")
    token = authorization[7:].strip() if authorization.lower().startswith("bearer ") else ""
    token = token or str(call.params.get("token") or "")
    if not token:
        raise SlackError("not_authed")
    if hmac.compare_digest(token, call.state.config.app_token):
        return {"ok": True, "url": call.sandbox.hub.issue_url()}
    if token in call.state.tokens:
        raise SlackError("not_allowed_token_type")
    raise SlackError("invalid_auth")


METHODS = [Method("apps.uninstall", apps_uninstall),
           Method("apps.connections.open", apps_connections_open, needs_token=False)]
