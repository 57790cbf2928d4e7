"""Users as Slack's Web API shows them (users.info, users.list, lookupByEmail)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sandbox.records import JSON
from slack_sandbox.workspaces import Directory, User

#: Slack spells out the zone's name; zoneinfo only knows abbreviations.
_TZ_LABELS = {
    "CET": "Central European Time", "CEST": "Central European Summer Time",
    "EST": "Eastern Standard Time", "EDT": "Eastern Daylight Time",
    "CST": "Central Standard Time", "CDT": "Central Daylight Time",
    "MST": "Mountain Standard Time", "MDT": "Mountain Daylight Time",
    "PST": "Pacific Standard Time", "PDT": "Pacific Daylight Time",
    "JST": "Japan Standard Time", "IST": "India Standard Time",
    "AEST": "Australian Eastern Standard Time", "AEDT": "Australian Eastern Daylight Time",
    "GMT": "Greenwich Mean Time", "BST": "British Summer Time", "UTC": "Coordinated Universal Time",
    "WAT": "West Africa Standard Time", "NZST": "New Zealand Standard Time",
    "NZDT": "New Zealand Daylight Time",
}
_IMAGE_SIZES = (24, 32, 48, 72, 192, 512)


def tz_fields(tz_name: str, now: float) -> tuple[str, str, int]:
    """(tz, tz_label, tz_offset in seconds) at `now`, as users.info reports them."""
    # Offsets change at most hourly; caching per hour keeps a 1000-user page cheap.
    return _tz_fields(tz_name, int(now // 3600) * 3600)


@lru_cache(maxsize=4096)
def _tz_fields(tz_name: str, now: float) -> tuple[str, str, int]:
    try:
        zone = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        tz_name, zone = "UTC", ZoneInfo("UTC")
    local = datetime.fromtimestamp(now, UTC).astimezone(zone)
    delta = local.utcoffset()
    offset = int(delta.total_seconds()) if delta is not None else 0
    abbreviation = local.tzname() or "UTC"
    label = _TZ_LABELS.get(abbreviation, f"UTC{abbreviation}" if abbreviation[0] in "+-"
                           else abbreviation)
    return tz_name, label, offset


def avatar_url(user: User, size: int) -> str:
    """The user's avatar, or a stable generated one (Gravatar-style identicon)."""
    if user.avatar:
        return user.avatar
    digest = hashlib.md5(user.email.lower().encode(), usedforsecurity=False).hexdigest()
    return f"https://secure.gravatar.com/avatar/{digest}.jpg?s={size}&d=identicon"


def user_json(directory: Directory, user: User, team_id: str, *, with_email: bool,
              now: float) -> JSON:
    """The `user` object of users.info (email only with users:read.email)."""
    tz, tz_label, tz_offset = tz_fields(user.tz, now)
    first, _, last = user.real_name.partition(" ")
    profile: JSON = {
        "real_name": user.real_name, "real_name_normalized": user.real_name,
        "display_name": user.name, "display_name_normalized": user.name,
        "first_name": first, "last_name": last, "title": "", "phone": "", "skype": "",
        "status_text": "", "status_emoji": "", "team": team_id,
        "avatar_hash": hashlib.sha1(user.id.encode(), usedforsecurity=False).hexdigest()[:12],
    }
    for size in _IMAGE_SIZES:
        profile[f"image_{size}"] = avatar_url(user, size)
    profile["image_original"] = avatar_url(user, 1024)
    if with_email:
        profile["email"] = user.email
    body: JSON = {
        "id": user.id, "team_id": team_id, "name": user.name, "deleted": user.deleted,
        "color": "9f69e7", "real_name": user.real_name, "tz": tz, "tz_label": tz_label,
        "tz_offset": tz_offset, "profile": profile, "is_admin": user.is_admin,
        "is_owner": user.is_owner, "is_primary_owner": user.is_owner,
        "is_restricted": user.is_restricted, "is_ultra_restricted": False,
        "is_bot": user.is_bot, "is_app_user": False, "updated": 1700000000,
        "is_email_confirmed": True,
    }
    workspace = directory.workspaces.get(team_id)
    if workspace is not None and workspace.enterprise_id:
        grid = directory.grids[workspace.enterprise_id]
        body["enterprise_user"] = {
            "id": user.id, "enterprise_id": grid.id, "enterprise_name": grid.name,
            "is_admin": user.is_admin, "is_owner": user.is_owner, "teams": list(user.workspaces),
        }
    return body


def slackbot_json(team_id: str) -> JSON:
    """Slackbot, listed in every workspace by users.list (is_bot false, as in Slack)."""
    return {"id": "USLACKBOT", "team_id": team_id, "name": "slackbot", "deleted": False,
            "real_name": "Slackbot", "tz": "America/Los_Angeles",
            "tz_label": "Pacific Standard Time", "tz_offset": -28800, "is_bot": False,
            "is_app_user": False, "is_admin": False, "is_owner": False,
            "profile": {"real_name": "Slackbot", "display_name": "Slackbot", "team": team_id}}


def bot_user_json(team_id: str, bot_user_id: str, bot_id: str, app_id: str, name: str) -> JSON:
    """The app's own bot user as users.list shows it."""
    return {"id": bot_user_id, "team_id": team_id, "name": name, "deleted": False,
            "real_name": name, "is_bot": True, "is_app_user": False,
            "profile": {"real_name": name, "display_name": "", "team": team_id,
                        "bot_id": bot_id, "api_app_id": app_id, "always_active": True}}
