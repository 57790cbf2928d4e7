"""Slack's JSON shapes → the port's value types (no server needed)."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.slack import wire
from application.slack import SlackError

ACCESS: dict[str, Any] = {
    "ok": True, "app_id": "A0MENTORLNK", "authed_user": {"id": "W0ADALOVE"},
    "scope": "chat:write,users:read, users:read.email,,team:read", "token_type": "bot",
    "access_token": "xoxb-1-2-secret", "bot_user_id": "U0ACME01BOT",
    "team": {"id": "T0ACMEENG", "name": "Acme Engineering"},
    "enterprise": {"id": "E0ACME01", "name": "Acme Grid"}, "is_enterprise_install": False,
}


def test_a_workspace_grant() -> None:
    grant = wire.grant_from_access(ACCESS)
    assert grant.scopes == ("chat:write", "users:read", "users:read.email", "team:read")
    assert (grant.team_id, grant.team_name) == ("T0ACMEENG", "Acme Engineering")
    assert (grant.enterprise_id, grant.enterprise_name) == ("E0ACME01", "Acme Grid")
    assert (grant.bot_user_id, grant.app_id, grant.authed_user_id) == (
        "U0ACME01BOT", "A0MENTORLNK", "W0ADALOVE")
    assert "xoxb-1-2-secret" not in repr(grant)


def test_an_org_wide_grant_has_team_null() -> None:
    grant = wire.grant_from_access({**ACCESS, "team": None, "is_enterprise_install": True})
    assert (grant.team_id, grant.team_name, grant.is_enterprise_install) == (None, None, True)


def test_a_standalone_grant_has_enterprise_null() -> None:
    grant = wire.grant_from_access({**ACCESS, "enterprise": None})
    assert (grant.enterprise_id, grant.enterprise_name) == (None, None)


@pytest.mark.parametrize("missing", ["access_token", "bot_user_id", "app_id", "authed_user"])
def test_an_answer_without_what_slack_always_sends_is_invalid(missing: str) -> None:
    body = {k: v for k, v in ACCESS.items() if k != missing}
    with pytest.raises(SlackError) as caught:
        wire.grant_from_access(body)
    assert caught.value.code == "invalid_response"
    assert "xoxb" not in str(caught.value)


def test_a_workspace_profile_prefers_the_132px_icon() -> None:
    team = {"name": "Acme Engineering", "domain": "acme-eng",
            "icon": {"image_34": "https://i/34.png", "image_132": "https://i/132.png",
                     "image_default": True}}
    profile = wire.profile_from({"bot_id": "B1"}, team)
    assert (profile.bot_id, profile.team_name, profile.domain, profile.icon_url) == (
        "B1", "Acme Engineering", "acme-eng", "https://i/132.png")


def test_an_icon_falls_back_to_another_size_or_nothing() -> None:
    assert wire.icon_url({"icon": {"image_44": "https://i/44.png"}}) == "https://i/44.png"
    assert wire.icon_url({"icon": {"image_default": True}}) == ""
    assert wire.icon_url({}) == ""


def test_an_org_wide_profile_comes_from_auth_test() -> None:
    auth = {"bot_id": "B2", "team": "Acme Grid", "url": "https://acme-grid.slack.com/",
            "team_id": "E0ACME01", "is_enterprise_install": True}
    profile = wire.profile_from(auth, None)
    assert (profile.team_name, profile.domain, profile.icon_url) == ("Acme Grid", "acme-grid", "")


def test_an_org_wide_auth_test_without_a_name_still_describes() -> None:
    profile = wire.profile_from({"bot_id": "B2", "is_enterprise_install": True}, None)
    assert (profile.bot_id, profile.team_name, profile.domain) == ("B2", "", "")


def test_domain_from_url() -> None:
    assert wire.domain_from_url("https://acme-eng.enterprise.slack.com/") == "acme-eng"
    assert wire.domain_from_url(None) == ""


def test_a_member_with_a_real_name_email_and_zone() -> None:
    member = {"id": "W0MARIASA", "team_id": "T0ACMEENG", "name": "maria", "deleted": False,
              "real_name": "Maria", "tz": "America/New_York", "is_bot": False,
              "profile": {"real_name": "Maria Santos", "email": "maria@acme.example"}}
    user = wire.user_from(member)
    assert (user.id, user.name, user.email, user.tz, user.team_id) == (
        "W0MARIASA", "Maria Santos", "maria@acme.example", "America/New_York", "T0ACMEENG")
    assert (user.deleted, user.is_bot) == (False, False)


def test_a_bare_member_falls_back_to_its_handle() -> None:
    user = wire.user_from({"id": "B0T", "name": "buildbot", "is_bot": True, "deleted": True})
    assert (user.name, user.email, user.tz, user.team_id) == ("buildbot", None, None, None)
    assert (user.deleted, user.is_bot) == (True, True)
    assert wire.user_from({"id": "U1"}).name == "U1"


def test_the_last_page_has_no_cursor() -> None:
    page = wire.users_page_from({"members": [{"id": "U1"}],
                                 "response_metadata": {"next_cursor": ""}})
    assert [u.id for u in page.users] == ["U1"]
    assert page.next_cursor is None
    following = wire.users_page_from({"members": [], "response_metadata": {"next_cursor": "c2"}})
    assert following.next_cursor == "c2"
