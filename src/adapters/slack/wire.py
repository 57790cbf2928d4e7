"""Slack's JSON answers, translated into the port's value types.

Pure functions over the parsed bodies, kept apart from the HTTP client so that the shapes
Slack documents (and the odd ones it really sends, e.g. `team: null` for an org-wide
install) are unit-tested without a server.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from application.slack.gateway import (
    OAuthGrant,
    RotatedToken,
    SlackError,
    SlackTeam,
    SlackUser,
    TeamProfile,
    UsersPage,
)

JSON = Mapping[str, Any]

# team.info's icon sizes, best first for an admin page tile (132 px renders crisply at 44-66).
_ICON_KEYS = (
    "image_132",
    "image_230",
    "image_102",
    "image_88",
    "image_68",
    "image_44",
    "image_34",
    "image_original",
)


def _text(body: JSON, key: str) -> str:
    """A string field Slack always sends; its absence means the answer is not Slack's."""
    value = body.get(key)
    if not isinstance(value, str) or not value:
        raise SlackError("invalid_response", f"missing {key}")
    return value


def _optional_text(body: JSON | None, key: str) -> str | None:
    if not body:
        return None
    value = body.get(key)
    return value if isinstance(value, str) and value else None


def scopes_of(scope: object) -> tuple[str, ...]:
    """Slack's comma-separated `scope` field (empty entries and blanks dropped)."""
    if not isinstance(scope, str):
        return ()
    return tuple(part.strip() for part in scope.split(",") if part.strip())


def grant_from_access(body: JSON) -> OAuthGrant:
    """`oauth.v2.access` → OAuthGrant. `team` is null for an org-wide Grid install."""
    team = body.get("team") or None
    enterprise = body.get("enterprise") or None
    authed_user = body.get("authed_user") or {}
    return OAuthGrant(
        access_token=_text(body, "access_token"),
        scopes=scopes_of(body.get("scope")),
        bot_user_id=_text(body, "bot_user_id"),
        app_id=_text(body, "app_id"),
        team_id=_optional_text(team, "id"),
        team_name=_optional_text(team, "name"),
        enterprise_id=_optional_text(enterprise, "id"),
        enterprise_name=_optional_text(enterprise, "name"),
        is_enterprise_install=bool(body.get("is_enterprise_install")),
        authed_user_id=_text(authed_user, "id"),
        refresh_token=_optional_text(body, "refresh_token"),
        expires_in=_seconds(body.get("expires_in")),
    )


def _seconds(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def rotated_from(body: JSON) -> RotatedToken:
    """`oauth.v2.access` (grant_type=refresh_token) → RotatedToken."""
    expires_in = _seconds(body.get("expires_in"))
    if expires_in is None:
        raise SlackError("invalid_response", "missing expires_in")
    return RotatedToken(access_token=_text(body, "access_token"),
                        refresh_token=_text(body, "refresh_token"), expires_in=expires_in)


def icon_url(team: JSON) -> str:
    """The best icon URL of a team.info `team` ("" when Slack gave none)."""
    icon = team.get("icon") or {}
    for key in _ICON_KEYS:
        value = icon.get(key)
        if isinstance(value, str) and value:
            return value
    return ""


def domain_from_url(url: object) -> str:
    """`https://acme-grid.slack.com/` → `acme-grid` (auth.test gives no bare domain)."""
    if not isinstance(url, str):
        return ""
    host = urlsplit(url).hostname or ""
    return host.split(".", 1)[0]


def profile_from(auth: JSON, team: JSON | None) -> TeamProfile:
    """auth.test (+ team.info's `team`, absent for an org-wide install) → TeamProfile.

    An org-wide token's auth.test names the Grid itself (`team`, `url`; the sandbox does so,
    Slack's docs leave it open), so both may be "" and the caller falls back on the grant's
    enterprise name; team.info needs a workspace, so the Grid's profile has no icon.
    """
    bot_id = _text(auth, "bot_id")
    if team is None:
        return TeamProfile(
            bot_id=bot_id,
            team_name=_optional_text(auth, "team") or "",
            domain=domain_from_url(auth.get("url")),
            icon_url="",
        )
    return TeamProfile(
        bot_id=bot_id,
        team_name=_text(team, "name"),
        domain=str(team.get("domain") or ""),
        icon_url=icon_url(team),
    )


def user_from(member: JSON) -> SlackUser:
    """One `users.list` member / `users.lookupByEmail` user → SlackUser.

    `name` is the person's real name when Slack has one (what an admin recognizes), else the
    handle; `email` needs the users:read.email scope and is absent for bots.
    """
    profile = member.get("profile") or {}
    name = (
        _optional_text(profile, "real_name")
        or _optional_text(member, "real_name")
        or _optional_text(member, "name")
        or _text(member, "id")
    )
    return SlackUser(
        id=_text(member, "id"),
        name=name,
        email=_optional_text(profile, "email"),
        tz=_optional_text(member, "tz"),
        team_id=_optional_text(member, "team_id"),
        deleted=bool(member.get("deleted")),
        is_bot=bool(member.get("is_bot")),
    )


def teams_from(body: JSON) -> list[SlackTeam]:
    """`auth.teams.list` → the workspaces on this page."""
    teams = body.get("teams") or []
    return [SlackTeam(id=_text(t, "id"), name=_optional_text(t, "name") or _text(t, "id"))
            for t in teams if isinstance(t, dict)]


def users_page_from(body: JSON) -> UsersPage:
    """`users.list` → UsersPage; Slack's last page has an empty `next_cursor`."""
    members = body.get("members") or []
    metadata = body.get("response_metadata") or {}
    return UsersPage(
        users=[user_from(m) for m in members], next_cursor=_optional_text(metadata, "next_cursor")
    )
