"""The fake's own helpers (its Slack behaviour is pinned by the contract suite)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.slack.manifest import BOT_SCOPES
from adapters.slack.memory_gateway import MemorySlackGateway
from application.slack import SlackError, SlackUnavailable


def small_slack(members: int = 3) -> MemorySlackGateway:
    fake = MemorySlackGateway()
    fake.add_grid("E1", "Grid One", domain="grid-one")
    fake.add_workspace("T1", "Team One", enterprise_id="E1")
    for n in range(members):
        fake.add_user(f"W{n:04d}", name=f"Person {n}", email=f"p{n}@one.example",
                      workspaces=["T1"])
    return fake


async def test_install_skips_the_consent_page() -> None:
    fake = small_slack()
    grant = fake.install(team_id="T1", installer="W0000")
    assert (grant.team_id, grant.enterprise_id, grant.authed_user_id) == ("T1", "E1", "W0000")
    assert set(grant.scopes) == set(BOT_SCOPES)
    assert fake.is_active(grant.access_token)
    assert (await fake.describe(grant.access_token, None)).team_name == "Team One"
    assert fake.calls == {"auth.test": 1, "team.info": 1}


async def test_revoke_and_remove_app_end_a_token() -> None:
    fake = small_slack()
    token = fake.install(team_id="T1").access_token
    await fake.revoke(token)
    assert not fake.is_active(token)
    assert not fake.is_active("xoxb-never-issued")
    other = fake.install(team_id=None, enterprise_id="E1").access_token
    fake.remove_app(team_id=None, enterprise_id="E1")
    with pytest.raises(SlackError, match="account_inactive"):
        await fake.list_users(other, team_id="T1", cursor=None)
    with pytest.raises(ValueError, match="not installed"):
        fake.remove_app(team_id="T1")


async def test_fail_next_fails_once() -> None:
    fake = small_slack()
    token = fake.install(team_id="T1").access_token
    fake.fail_next("users.list", SlackUnavailable("ratelimited"))
    with pytest.raises(SlackUnavailable):
        await fake.list_users(token, team_id=None, cursor=None)
    assert len((await fake.list_users(token, team_id=None, cursor=None)).users) == 5
    assert fake.calls["users.list"] == 2


def test_the_scene_must_be_consistent() -> None:
    fake = small_slack()
    with pytest.raises(ValueError, match="unknown grid"):
        fake.add_workspace("T2", "Two", enterprise_id="E9")
    with pytest.raises(ValueError, match="unknown workspaces"):
        fake.add_user("W9", name="Nine", email="n@x.example", workspaces=["T9"])
    with pytest.raises(ValueError, match="org-wide"):
        fake.issue_code(team_id=None, enterprise_id="E9")


def test_repr_shows_no_token() -> None:
    fake = small_slack()
    token = fake.install(team_id="T1").access_token
    assert token not in repr(fake)


async def test_a_big_workspace_must_be_paged() -> None:
    fake = small_slack(members=1000)
    token = fake.install(team_id="T1").access_token
    with pytest.raises(SlackError, match="limit_required"):
        await fake.list_users(token, team_id=None, cursor=None, limit=0)
    page = await fake.list_users(token, team_id=None, cursor=None, limit=5000)
    assert len(page.users) == 1000 and page.next_cursor is not None


@settings(max_examples=40, deadline=None)
@given(members=st.integers(min_value=0, max_value=25), limit=st.integers(min_value=1, max_value=30))
async def test_paging_lists_everyone_once(members: int, limit: int) -> None:
    fake = small_slack(members)
    token = fake.install(team_id="T1").access_token
    seen: list[str] = []
    cursor: str | None = None
    while True:
        page = await fake.list_users(token, team_id=None, cursor=cursor, limit=limit)
        assert 0 < len(page.users) <= limit
        seen.extend(u.id for u in page.users)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == members + 2  # + Slackbot and the app's bot user
