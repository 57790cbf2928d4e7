"""The SlackGateway contract: one suite, run on the in-memory fake and on the real gateway
against a live sandbox (see slack_fixtures). Slack is never mocked; the last tests need
real HTTP (429s, an unreachable Slack, what slack-sdk logs) and run on the sandbox only."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable

import pytest

from adapters.slack.manifest import BOT_SCOPES
from adapters.slack.web_gateway import SlackWebGateway
from application.slack.gateway import (
    SlackError,
    SlackGateway,
    SlackRateLimited,
    SlackUnavailable,
    SlackUser,
)
from tests.contract import slack_fixtures
from tests.contract.slack_fixtures import (
    CLIENT_ID,
    CLIENT_SECRET,
    ENG,
    GRID,
    REDIRECT_URI,
    SALES,
    SOLO,
    SandboxWorld,
    SlackWorld,
    install,
    members_of,
    user,
)
from tests.sandbox.servers import free_port

# slack-sdk hands aiohttp a BasicAuth for oauth.v2.access, which aiohttp now deprecates.
pytestmark = pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")

# The worlds' fixtures (pytest finds fixtures among a module's attributes).
slack = slack_fixtures.slack
sandbox_world = slack_fixtures.sandbox_world
sandbox_server = slack_fixtures.sandbox_server


async def refused(call: Awaitable[object]) -> SlackError:
    """The SlackError an awaitable gateway call raises."""
    with pytest.raises(SlackError) as caught:
        await call
    return caught.value


async def all_users(
    gateway: SlackGateway, token: str, team_id: str | None, limit: int
) -> tuple[list[SlackUser], list[int]]:
    """Every member by following cursors; also the size of each page."""
    users: list[SlackUser] = []
    sizes: list[int] = []
    cursor: str | None = None
    while True:
        page = await gateway.list_users(token, team_id=team_id, cursor=cursor, limit=limit)
        users.extend(page.users)
        sizes.append(len(page.users))
        cursor = page.next_cursor
        if cursor is None:
            return users, sizes


# -- exchange_code -----------------------------------------------------------------------


async def test_a_workspace_install_grants_a_bot_token(slack: SlackWorld) -> None:
    grant = await install(slack)
    assert grant.access_token.startswith("xoxb-")
    assert set(grant.scopes) == set(BOT_SCOPES)
    assert (grant.team_id, grant.team_name) == (ENG, "Acme Engineering")
    assert (grant.enterprise_id, grant.enterprise_name) == (GRID, "Acme Grid")
    assert grant.is_enterprise_install is False
    assert grant.authed_user_id == "W0ADALOVE"
    assert grant.bot_user_id and grant.app_id
    assert grant.access_token not in repr(grant)


async def test_a_standalone_workspace_has_no_enterprise(slack: SlackWorld) -> None:
    grant = await install(slack, team_id=SOLO, installer="U0OMAROKA")
    assert (grant.team_id, grant.enterprise_id, grant.enterprise_name) == (SOLO, None, None)


async def test_an_org_wide_grid_install_has_no_team(slack: SlackWorld) -> None:
    grant = await install(slack, team_id=None, enterprise_id=GRID)
    assert (grant.team_id, grant.team_name) == (None, None)
    assert (grant.enterprise_id, grant.enterprise_name) == (GRID, "Acme Grid")
    assert grant.is_enterprise_install is True


async def test_a_code_is_single_use(slack: SlackWorld) -> None:
    code = await slack.authorize()
    await slack.gateway.exchange_code(code, REDIRECT_URI)
    error = await refused(slack.gateway.exchange_code(code, REDIRECT_URI))
    assert error.code == "code_already_used"
    assert code not in str(error)


async def test_unknown_and_expired_codes_are_invalid(slack: SlackWorld) -> None:
    assert (await refused(slack.gateway.exchange_code("nope", REDIRECT_URI))).code == "invalid_code"
    code = await slack.authorize()
    await slack.expire_codes()
    assert (await refused(slack.gateway.exchange_code(code, REDIRECT_URI))).code == "invalid_code"


async def test_the_redirect_uri_must_repeat_the_authorize_steps(slack: SlackWorld) -> None:
    code = await slack.authorize()
    error = await refused(slack.gateway.exchange_code(code, "https://evil.example/callback"))
    assert error.code == "bad_redirect_uri"
    # A refused exchange does not burn the code.
    assert (await slack.gateway.exchange_code(code, REDIRECT_URI)).team_id == ENG


async def test_reinstalling_keeps_the_token_and_adds_scopes(slack: SlackWorld) -> None:
    first = await install(slack, scopes=["chat:write"])
    again = await install(slack, scopes=["users:read"])
    assert again.access_token == first.access_token
    assert set(again.scopes) == {"chat:write", "users:read"}
    await slack.gateway.revoke(first.access_token)
    fresh = await install(slack)
    assert fresh.access_token != first.access_token
    assert set(fresh.scopes) == set(BOT_SCOPES)


# -- describe ----------------------------------------------------------------------------


async def test_describe_a_workspace(slack: SlackWorld) -> None:
    grant = await install(slack)
    for team_id in (ENG, None):
        profile = await slack.gateway.describe(grant.access_token, team_id)
        assert (profile.team_name, profile.domain) == ("Acme Engineering", "acme-eng")
        assert profile.icon_url == "https://icons.example/acme-eng-132.png"
        assert profile.bot_id
    counts = await slack.call_counts()
    assert (counts["auth.test"], counts["team.info"]) == (2, 2)


async def test_describe_an_org_wide_install(slack: SlackWorld) -> None:
    grant = await install(slack, team_id=None, enterprise_id=GRID)
    grid = await slack.gateway.describe(grant.access_token, None)
    assert (grid.team_name, grid.domain, grid.icon_url) == ("Acme Grid", "acme-grid", "")
    sales = await slack.gateway.describe(grant.access_token, SALES)
    assert (sales.team_name, sales.domain) == ("Acme Sales", "acme-sales")
    error = await refused(slack.gateway.describe(grant.access_token, SOLO))
    assert error.code == "team_not_found"


async def test_describe_needs_team_read(slack: SlackWorld) -> None:
    grant = await install(slack, scopes=["chat:write", "users:read"])
    error = await refused(slack.gateway.describe(grant.access_token, ENG))
    assert error.code == "missing_scope"


# -- list_users --------------------------------------------------------------------------


async def test_users_come_in_pages(slack: SlackWorld) -> None:
    grant = await install(slack)
    users, sizes = await all_users(slack.gateway, grant.access_token, ENG, limit=4)
    assert sizes == [4, 4, 1]  # Slackbot, 7 members, the app's bot user
    ids = [u.id for u in users]
    assert ids == ["USLACKBOT", *members_of(ENG), grant.bot_user_id]
    by_id = {u.id: u for u in users}
    maria = by_id["W0MARIASA"]
    assert (maria.name, maria.email, maria.tz, maria.team_id) == (
        "Maria Santos",
        user("W0MARIASA")["email"],
        "America/New_York",
        ENG,
    )
    assert (maria.deleted, maria.is_bot) == (False, False)
    assert by_id["W0ROBINLE"].deleted is True
    assert by_id["W0BUILDBT"].is_bot is True
    assert by_id[grant.bot_user_id].is_bot is True
    assert by_id["USLACKBOT"].is_bot is False
    assert (await slack.call_counts())["users.list"] == len(sizes)


async def test_emails_need_users_read_email(slack: SlackWorld) -> None:
    grant = await install(slack, scopes=["users:read"])
    page = await slack.gateway.list_users(grant.access_token, team_id=ENG, cursor=None)
    assert page.next_cursor is None
    assert {u.email for u in page.users} == {None}


async def test_an_org_wide_token_lists_the_workspace_it_names(slack: SlackWorld) -> None:
    token = (await install(slack, team_id=None, enterprise_id=GRID)).access_token
    users, _ = await all_users(slack.gateway, token, SALES, limit=200)
    people = [u for u in users if u.id.startswith("W0")]
    assert [u.id for u in people] == members_of(SALES)
    assert {u.team_id for u in users} == {SALES}
    gateway = slack.gateway
    assert (await refused(gateway.list_users(token, team_id=None, cursor=None))).code == (
        "missing_argument"
    )
    assert (await refused(gateway.list_users(token, team_id=SOLO, cursor=None))).code == (
        "team_access_not_granted"
    )


async def test_an_org_wide_token_lists_the_workspaces_its_grid_granted(slack: SlackWorld) -> None:
    token = (await install(slack, team_id=None, enterprise_id=GRID)).access_token
    teams = await slack.gateway.list_teams(token)
    assert [(t.id, t.name) for t in teams] == [(ENG, "Acme Engineering"), (SALES, "Acme Sales")]
    solo = (await install(slack, team_id=SOLO, installer="U0OMAROKA")).access_token
    assert [t.id for t in await slack.gateway.list_teams(solo)] == [SOLO]
    await slack.gateway.revoke(token)
    assert (await refused(slack.gateway.list_teams(token))).code == "token_revoked"


async def test_a_forged_cursor_is_refused(slack: SlackWorld) -> None:
    token = (await install(slack)).access_token
    error = await refused(slack.gateway.list_users(token, team_id=ENG, cursor="bm9wZTpub3Bl"))
    assert error.code == "invalid_cursor"


# -- lookup_by_email ---------------------------------------------------------------------


async def test_lookup_by_email(slack: SlackWorld) -> None:
    token = (await install(slack)).access_token
    maria = await slack.gateway.lookup_by_email(token, "maria.santos@ACME.example")
    assert maria is not None
    assert (maria.id, maria.team_id, maria.tz) == ("W0MARIASA", ENG, "America/New_York")
    robin = await slack.gateway.lookup_by_email(token, "robin@acme.example")
    assert robin is not None and robin.deleted
    assert await slack.gateway.lookup_by_email(token, "nobody@acme.example") is None
    # Omar exists, but in a workspace this token does not reach.
    assert await slack.gateway.lookup_by_email(token, "omar@solo.example") is None
    org = (await install(slack, team_id=None, enterprise_id=GRID)).access_token
    priya = await slack.gateway.lookup_by_email(org, "priya@acme.example")
    assert priya is not None and priya.team_id == SALES


# -- revoke and dead tokens --------------------------------------------------------------


async def test_after_revoke_every_call_answers_token_revoked(slack: SlackWorld) -> None:
    token = (await install(slack)).access_token
    await slack.gateway.revoke(token)
    gateway = slack.gateway
    for call in (
        gateway.describe(token, ENG),
        gateway.list_users(token, team_id=ENG, cursor=None),
        gateway.lookup_by_email(token, "ada@acme.example"),
    ):
        error = await refused(call)
        assert error.code == "token_revoked"
        assert token not in str(error) and token not in repr(error)
    await gateway.revoke(token)  # already dead: still fine
    assert (await slack.call_counts())["auth.revoke"] == 2


async def test_removed_from_slack_then_account_inactive(slack: SlackWorld) -> None:
    token = (await install(slack, team_id=SOLO, installer="U0OMAROKA")).access_token
    await slack.remove_app(team_id=SOLO)
    assert (await refused(slack.gateway.describe(token, None))).code == "account_inactive"
    await slack.gateway.revoke(token)


async def test_an_unknown_token_is_invalid_auth(slack: SlackWorld) -> None:
    error = await refused(slack.gateway.describe("xoxb-not-a-token", None))
    assert error.code == "invalid_auth"
    await slack.gateway.revoke("xoxb-not-a-token")


# -- real HTTP only: rate limits, an unreachable Slack, logging --------------------------


async def test_a_429_is_waited_out(sandbox_world: SandboxWorld) -> None:
    token = (await install(sandbox_world)).access_token
    # One lookup per (scaled) minute; 60x faster, so a minute lasts a second.
    await sandbox_world.configure(method_limits={"users.lookupByEmail": 1}, time_scale=60)
    gateway = sandbox_world.gateway
    assert await gateway.lookup_by_email(token, "ada@acme.example") is not None
    started = time.monotonic()
    second = await gateway.lookup_by_email(token, "li@acme.example")
    assert second is not None and second.id == "W0LIWEI00"
    assert time.monotonic() - started >= 1.0  # Retry-After: 1 was honoured
    served = await sandbox_world.ratelimited()
    assert served["total"] == 1
    assert served["ratelimited"][0]["method"] == "users.lookupByEmail"
    assert (await sandbox_world.call_counts())["users.lookupByEmail"] == 3


async def test_a_429_beyond_the_bounds_is_unavailable(sandbox_world: SandboxWorld) -> None:
    token = (await install(sandbox_world)).access_token
    await sandbox_world.configure(method_limits={"users.list": 1})
    impatient = SlackWebGateway(
        sandbox_world.server.api_url, CLIENT_ID, CLIENT_SECRET, max_retry_after_seconds=0.5
    )
    await impatient.list_users(token, team_id=ENG, cursor=None)
    with pytest.raises(SlackUnavailable) as caught:
        await impatient.list_users(token, team_id=ENG, cursor=None)
    assert "ratelimited" in str(caught.value)
    assert (await sandbox_world.ratelimited())["total"] == 1


async def test_an_unreachable_slack_is_unavailable() -> None:
    gateway = SlackWebGateway(
        f"http://127.0.0.1:{free_port()}/api/", CLIENT_ID, CLIENT_SECRET, connection_retries=0
    )
    with pytest.raises(SlackUnavailable):
        await gateway.describe("xoxb-some-token", None)
    with pytest.raises(SlackUnavailable):
        await gateway.exchange_code("code", REDIRECT_URI)


async def test_tokens_never_reach_the_logs(
    sandbox_world: SandboxWorld, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    grant = await install(sandbox_world)
    gateway = sandbox_world.gateway
    await gateway.describe(grant.access_token, ENG)
    await gateway.list_users(grant.access_token, team_id=ENG, cursor=None)
    await gateway.revoke(grant.access_token)
    await refused(gateway.describe(grant.access_token, ENG))
    assert grant.access_token not in caplog.text
    assert CLIENT_SECRET not in caplog.text
    assert CLIENT_SECRET not in repr(gateway)


# -- post_message and update_message: the bot's DMs --------------------------------------

ASK = [
    {"type": "section", "text": {"type": "mrkdwn", "text": "*Ada* asks you to mentor her."}},
    {"type": "actions", "elements": [
        {"type": "button", "action_id": "mentor_request.accept", "value": "req-1",
         "text": {"type": "plain_text", "text": "Accept"}}]},
]
METADATA = {"event_type": "mentorlink_delivery", "event_payload": {"delivery_id": "d-1"}}


async def test_a_dm_goes_to_the_persons_one_channel(slack: SlackWorld) -> None:
    token = (await install(slack)).access_token
    first = await slack.gateway.post_message(
        token, channel="W0MARIASA", text="Ada asks you to mentor her", blocks=ASK,
        metadata=METADATA)
    second = await slack.gateway.post_message(token, channel=first.channel, text="Reminder",
                                              blocks=[])
    assert first.channel.startswith("D") and second.channel == first.channel
    assert first.ts != second.ts
    dms = await slack.dms_to("W0MARIASA")
    assert [(m["ts"], m["text"], m["types"]) for m in dms] == [
        (first.ts, "Ada asks you to mentor her", ["section", "actions"]),
        (second.ts, "Reminder", []),
    ]
    assert dms[0]["metadata"] == METADATA
    assert await slack.dms_to("W0LIWEI00") == []
    assert (await slack.call_counts())["chat.postMessage"] == 2


async def test_a_grid_user_has_one_dm_whatever_the_token(slack: SlackWorld) -> None:
    eng = (await install(slack)).access_token
    org = (await install(slack, team_id=None, enterprise_id=GRID)).access_token
    one = await slack.gateway.post_message(eng, channel="W0MARIASA", text="one", blocks=[])
    two = await slack.gateway.post_message(org, channel="W0MARIASA", text="two", blocks=[],
                                           team_id=SALES)
    assert one.channel == two.channel
    assert [m["text"] for m in await slack.dms_to("W0MARIASA")] == ["one", "two"]


async def test_an_update_replaces_the_buttons_with_the_outcome(slack: SlackWorld) -> None:
    token = (await install(slack)).access_token
    posted = await slack.gateway.post_message(token, channel="W0MARIASA", text="asks",
                                              blocks=ASK)
    outcome = [{"type": "section", "text": {"type": "mrkdwn", "text": "✅ Accepted by you"}}]
    await slack.gateway.update_message(token, channel=posted.channel, ts=posted.ts,
                                       text="Accepted by you", blocks=outcome)
    [dm] = await slack.dms_to("W0MARIASA")
    assert (dm["ts"], dm["text"], dm["types"]) == (posted.ts, "Accepted by you", ["section"])
    await slack.gateway.update_message(token, channel=posted.channel, ts=posted.ts,
                                       text="Accepted", blocks=[])
    assert (await slack.dms_to("W0MARIASA"))[0]["types"] == []


async def test_who_cannot_be_messaged(slack: SlackWorld) -> None:
    token = (await install(slack)).access_token
    gateway = slack.gateway
    for channel, code in (("W0NOBODY0", "channel_not_found"), ("U0OMAROKA", "channel_not_found"),
                          ("D0NOTADM0", "channel_not_found"), ("W0BUILDBT", "cannot_dm_bot")):
        error = await refused(gateway.post_message(token, channel=channel, text="hi", blocks=[]))
        assert error.code == code, channel
    assert await slack.dms_to("U0OMAROKA") == []


async def test_only_existing_messages_can_be_updated(slack: SlackWorld) -> None:
    token = (await install(slack)).access_token
    posted = await slack.gateway.post_message(token, channel="W0MARIASA", text="hi", blocks=[])
    error = await refused(slack.gateway.update_message(
        token, channel=posted.channel, ts="1.000001", text="x", blocks=[]))
    assert error.code == "message_not_found"
    solo = (await install(slack, team_id=SOLO, installer="U0OMAROKA")).access_token
    error = await refused(slack.gateway.update_message(
        solo, channel=posted.channel, ts=posted.ts, text="x", blocks=[]))
    assert error.code == "channel_not_found"


async def test_invalid_blocks_are_refused_not_shown(slack: SlackWorld) -> None:
    token = (await install(slack)).access_token
    gateway = slack.gateway
    for blocks in ([{"type": "no_such_block"}], [{"type": "divider"}] * 51):
        error = await refused(gateway.post_message(token, channel="W0MARIASA", text="x",
                                                   blocks=blocks))
        assert error.code == "invalid_blocks"
    assert await slack.dms_to("W0MARIASA") == []


async def test_dead_tokens_cannot_post(slack: SlackWorld) -> None:
    gateway = slack.gateway
    error = await refused(gateway.post_message("xoxb-not-a-token", channel="W0MARIASA",
                                               text="x", blocks=[]))
    assert error.code == "invalid_auth"
    revoked = (await install(slack)).access_token
    posted = await gateway.post_message(revoked, channel="W0MARIASA", text="x", blocks=[])
    await gateway.revoke(revoked)
    error = await refused(gateway.post_message(revoked, channel="W0MARIASA", text="x", blocks=[]))
    assert error.code == "token_revoked"
    error = await refused(gateway.update_message(revoked, channel=posted.channel, ts=posted.ts,
                                                 text="y", blocks=[]))
    assert error.code == "token_revoked"
    removed = (await install(slack, team_id=SOLO, installer="U0OMAROKA")).access_token
    await slack.remove_app(team_id=SOLO)
    error = await refused(gateway.post_message(removed, channel="U0OMAROKA", text="x", blocks=[]))
    assert error.code == "account_inactive"


@pytest.mark.parametrize("code", ["user_not_found", "channel_not_found", "invalid_auth",
                                  "token_revoked", "account_inactive", "invalid_blocks"])
async def test_slacks_refusals_keep_their_code(slack: SlackWorld, code: str) -> None:
    token = (await install(slack)).access_token
    for method in ("chat.postMessage", "chat.update"):
        await slack.fail_next(method, error=code)
    gateway = slack.gateway
    error = await refused(gateway.post_message(token, channel="W0MARIASA", text="x", blocks=[]))
    assert (type(error), error.code) == (SlackError, code)
    posted = await gateway.post_message(token, channel="W0MARIASA", text="x", blocks=[])
    error = await refused(gateway.update_message(token, channel=posted.channel, ts=posted.ts,
                                                 text="y", blocks=[]))
    assert (type(error), error.code) == (SlackError, code)
    assert [m["text"] for m in await slack.dms_to("W0MARIASA")] == ["x"]


async def test_a_429_on_posting_is_raised_with_its_retry_after(slack: SlackWorld) -> None:
    token = (await install(slack)).access_token
    await slack.fail_next("chat.postMessage", error="ratelimited", retry_after=30)
    started = time.monotonic()
    with pytest.raises(SlackRateLimited) as caught:
        await slack.gateway.post_message(token, channel="W0MARIASA", text="x", blocks=[])
    assert time.monotonic() - started < 5  # not slept through
    assert (caught.value.code, caught.value.retry_after) == ("ratelimited", 30.0)
    posted = await slack.gateway.post_message(token, channel="W0MARIASA", text="x", blocks=[])
    await slack.fail_next("chat.update", error="ratelimited", retry_after=3)
    with pytest.raises(SlackRateLimited) as caught:
        await slack.gateway.update_message(token, channel=posted.channel, ts=posted.ts,
                                           text="y", blocks=[])
    assert caught.value.retry_after == 3.0
    assert [m["text"] for m in await slack.dms_to("W0MARIASA")] == ["x"]


async def test_a_5xx_is_unavailable(slack: SlackWorld) -> None:
    token = (await install(slack)).access_token
    await slack.fail_next("chat.postMessage", status=503)
    with pytest.raises(SlackUnavailable):
        await slack.gateway.post_message(token, channel="W0MARIASA", text="x", blocks=[])
    posted = await slack.gateway.post_message(token, channel="W0MARIASA", text="x", blocks=[])
    await slack.fail_next("chat.update", status=500)
    with pytest.raises(SlackUnavailable):
        await slack.gateway.update_message(token, channel=posted.channel, ts=posted.ts,
                                           text="y", blocks=[])


# -- real HTTP only: Slack's own posting limits, a lost answer ---------------------------


async def test_the_per_channel_limit_raises_at_once(sandbox_world: SandboxWorld) -> None:
    token = (await install(sandbox_world)).access_token
    await sandbox_world.configure(post_message_channel_burst=2,
                                  post_message_per_channel_per_second=0.1)
    gateway = sandbox_world.gateway
    for text in ("one", "two"):
        await gateway.post_message(token, channel="W0MARIASA", text=text, blocks=[])
    started = time.monotonic()
    with pytest.raises(SlackRateLimited) as caught:
        await gateway.post_message(token, channel="W0MARIASA", text="three", blocks=[])
    assert time.monotonic() - started < 1.0
    assert caught.value.retry_after >= 1
    # Another person's channel is not limited.
    await gateway.post_message(token, channel="W0LIWEI00", text="hi", blocks=[])
    assert (await sandbox_world.ratelimited())["total"] == 1
    assert (await sandbox_world.call_counts())["chat.postMessage"] == 4


async def test_a_lost_answer_is_unavailable_but_posted(sandbox_world: SandboxWorld) -> None:
    token = (await install(sandbox_world)).access_token
    answer = await sandbox_world.http.post(
        "/_sandbox/faults", json={"method": "chat.postMessage", "delay": 1.5})
    assert answer.status_code == 201, answer.text
    hasty = SlackWebGateway(sandbox_world.server.api_url, CLIENT_ID, CLIENT_SECRET,
                            timeout_seconds=1)
    with pytest.raises(SlackUnavailable):
        await hasty.post_message(token, channel="W0MARIASA", text="once", blocks=[])
    # The duplicate window: Slack kept the message although its answer never arrived.
    assert [m["text"] for m in await sandbox_world.dms_to("W0MARIASA")] == ["once"]
