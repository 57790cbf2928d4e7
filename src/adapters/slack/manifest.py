"""The Slack app manifest for mentorlink, derived from its public URL.

Paste the YAML into Slack's "Create New App > From an app manifest"; the URLs point at the
routes mentorlink serves (see the README) and the scopes are the least the app needs
(per Slack's scope reference): DMs by user id with `chat:write` (no `im:write`), the directory with
`users:read` + `users:read.email`, the workspace's name and icon with `team:read`.
"""

from __future__ import annotations

from typing import Any

import yaml

#: The bot scopes mentorlink asks for; the OAuth install flow requests exactly these.
BOT_SCOPES: tuple[str, ...] = ("chat:write", "users:read", "users:read.email", "team:read")

#: Events the app handles: the Home tab, removal from Slack's side (either order), and the
#: directory's changes (both come with `users:read`): someone joined, or changed their
#: profile (timezone, e-mail) or was deactivated.
BOT_EVENTS: tuple[str, ...] = (
    "app_home_opened", "app_uninstalled", "tokens_revoked", "team_join", "user_change",
)

NAME_MAX = 35  # Slack refuses a longer display_information.name
DESCRIPTION = "Your mentoring program in Slack: requests, meetings, tasks and surveys."


def app_manifest(
    public_url: str, name: str = "mentorlink", *, socket_mode: bool = False
) -> dict[str, Any]:
    """The manifest (schema v1) as a dict; raises ValueError for a name Slack would refuse.
    With `socket_mode`, events and interactions come over Socket Mode: no request URLs."""
    name = name.strip()
    if not name or len(name) > NAME_MAX:
        raise ValueError(f"the app name must be 1-{NAME_MAX} characters")
    if not public_url.startswith(("https://", "http://")):
        raise ValueError("the public URL must be an http(s) URL")
    base = public_url.rstrip("/")
    return {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {
            "name": name,
            "description": DESCRIPTION,
            "background_color": "#2c2d30",
        },
        "features": {
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": False,
            },
            "bot_user": {"display_name": name, "always_online": True},
        },
        "oauth_config": {
            "redirect_urls": [f"{base}/slack/oauth/callback"],
            "scopes": {"bot": list(BOT_SCOPES)},
        },
        "settings": {
            "event_subscriptions": _without_url_in(socket_mode, {
                "request_url": f"{base}/slack/events",
                "bot_events": list(BOT_EVENTS),
            }),
            "interactivity": _without_url_in(socket_mode, {
                "is_enabled": True, "request_url": f"{base}/slack/interactivity",
            }),
            # Org-wide installs on Enterprise Grid need it; it changes nothing elsewhere.
            "org_deploy_enabled": True,
            "socket_mode_enabled": socket_mode,
            # Off by default: rotation cannot be switched off once on. Turned on in Slack's
            # settings, mentorlink renews the expiring tokens (application/slack/bot_tokens.py).
            "token_rotation_enabled": False,
        },
    }


def _without_url_in(socket_mode: bool, section: dict[str, Any]) -> dict[str, Any]:
    """Socket Mode delivers over the app's WebSocket: Slack needs no request URL then."""
    return {k: v for k, v in section.items() if not (socket_mode and k == "request_url")}


def manifest_yaml(public_url: str, name: str = "mentorlink", *, socket_mode: bool = False) -> str:
    """The manifest rendered as YAML, keys in Slack's documented order."""
    return yaml.safe_dump(
        app_manifest(public_url, name, socket_mode=socket_mode),
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
    )
