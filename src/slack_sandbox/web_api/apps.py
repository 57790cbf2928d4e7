"""apps.uninstall: the app removes itself from a workspace."""

from __future__ import annotations

from slack_sandbox.records import JSON
from slack_sandbox.web_api.method import Call, Method
from slack_sandbox.web_api.oauth import check_client


def apps_uninstall(call: Call) -> JSON:
    """Needs the bot token plus client id and secret; sends app_uninstalled + tokens_revoked."""
    check_client(call)
    call.sandbox.remove_app(call.install, reason="account_inactive", uninstalled=True)
    return {"ok": True}


METHODS = [Method("apps.uninstall", apps_uninstall)]
