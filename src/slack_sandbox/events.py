"""Events API envelopes as Slack sends them (`type: event_callback`)."""

from __future__ import annotations

import secrets

from slack_sandbox.modals import view_json
from slack_sandbox.records import JSON, Install
from slack_sandbox.state import SandboxState


def envelope(state: SandboxState, install: Install, team_id: str, event: JSON) -> JSON:
    """Wrap `event` for delivery to the app on behalf of `install` in workspace `team_id`."""
    now = state.now()
    event = {**event, "event_ts": f"{now:.6f}"}
    enterprise_id = install.enterprise_id
    return {
        "token": state.config.verification_token,
        "team_id": team_id,
        "enterprise_id": enterprise_id,
        "context_team_id": team_id,
        "context_enterprise_id": enterprise_id,
        "api_app_id": state.config.app_id,
        "event": event,
        "type": "event_callback",
        "event_id": "Ev" + secrets.token_hex(5).upper(),
        "event_time": int(now),
        "authorizations": [{
            "enterprise_id": enterprise_id,
            "team_id": install.team_id,
            "user_id": install.bot_user_id,
            "is_bot": True,
            "is_enterprise_install": install.is_enterprise_install,
        }],
        "is_ext_shared_channel": False,
        "event_context": "4-" + secrets.token_urlsafe(24),
    }


def app_home_opened(state: SandboxState, install: Install, team_id: str, user_id: str,
                    tab: str) -> JSON:
    """`app_home_opened`: the user opened the Home (or Messages) tab."""
    dm = state.dm_channel(team_id, user_id)
    event: JSON = {"type": "app_home_opened", "user": user_id,
                   "channel": dm.id if dm else "", "tab": tab}
    home = state.views.get(state.homes.get((install.id, user_id), ""))
    if tab == "home" and home is not None:
        event["view"] = view_json(state, home)
    return envelope(state, install, team_id, event)


def app_uninstalled(state: SandboxState, install: Install, team_id: str) -> JSON:
    """`app_uninstalled`."""
    return envelope(state, install, team_id, {"type": "app_uninstalled"})


def tokens_revoked(state: SandboxState, install: Install, team_id: str) -> JSON:
    """`tokens_revoked`: the bot token's user is listed under `bot`."""
    return envelope(state, install, team_id, {
        "type": "tokens_revoked", "tokens": {"oauth": [], "bot": [install.bot_user_id]}})
