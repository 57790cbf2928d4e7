"""Preferences on the Home tab through POST /slack/interactivity, signed for real: each element
changes what it says, the Home is published again showing it; muting requests or meetings,
hours that end before they start and forged values are refused with the reason on the Home
and change nothing; unknown workspaces, strangers and unsigned payloads change nothing."""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.parse
from datetime import time
from typing import Any

import httpx

from adapters.persistence.preferences import MemoryPreferenceStore
from adapters.slack.home import preferences as ids
from tests.http.admin_web import (  # noqa: F401  (web_fixture is the `web` fixture)
    ACME_TEAM,
    SIGNING_SECRET,
    Web,
    web_fixture,
)
from tests.http.test_slack_home import connected, texts


def click(action_id: str, user: str = "W0SAM", team: str = ACME_TEAM,
          **value: Any) -> dict[str, Any]:  # fmt: skip
    """A `block_actions` payload as Slack sends it from an element of the Home tab."""
    action = {"action_id": action_id, "block_id": "preferences:x", "type": "button",
              "action_ts": "1772442000.1", **value}  # fmt: skip
    return {
        "type": "block_actions", "user": {"id": user, "team_id": team},
        "team": {"id": team, "domain": "acme-eng"}, "enterprise": {"id": "E0ACME01"},
        "is_enterprise_install": False, "api_app_id": "A0MENTORLNK",
        "container": {"type": "view", "view_id": "V0HOME"}, "trigger_id": "1.2.abc",
        "view": {"id": "V0HOME", "type": "home"}, "actions": [action],
    }  # fmt: skip


def options(*values: str) -> dict[str, Any]:
    return {"selected_options": [{"value": v, "text": {"type": "plain_text", "text": v}}
                                 for v in values]}  # fmt: skip


def option(value: str) -> dict[str, Any]:
    return {"selected_option": {"value": value, "text": {"type": "plain_text", "text": value}}}


async def post(web: Web, payload: Any, *, secret: str = SIGNING_SECRET) -> httpx.Response:
    raw = urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()
    ts = str(int(web.clock.now().timestamp()))
    digest = hmac.new(secret.encode(), f"v0:{ts}:".encode() + raw, hashlib.sha256).hexdigest()
    headers = {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}",
               "Content-Type": "application/x-www-form-urlencoded"}  # fmt: skip
    return await web.browser().client.post("/slack/interactivity", content=raw, headers=headers)


def store(web: Web) -> MemoryPreferenceStore:
    """The app's own preference store (the runner hands the same one to every use case)."""
    found = web.runner._shared["preferences"]
    assert isinstance(found, MemoryPreferenceStore)
    return found


async def test_muting_kinds_is_saved_and_shown_on_the_home(web: Web) -> None:
    await connected(web)
    response = await post(web, click(ids.MUTE, **options("message_received", "announcement")))
    assert response.status_code == 200
    saved = await store(web).get(web.acme.users["sam"])
    assert saved is not None and saved.muted == {"message_received", "announcement"}
    home = web.slack.home_of("W0SAM")
    assert home is not None
    mute = next(b for b in home["blocks"] if b.get("block_id") == "preferences:mute")
    assert {o["value"] for o in mute["elements"][0]["initial_options"]} == {
        "message_received", "announcement"}  # fmt: skip
    # unticking everything unmutes
    await post(web, click(ids.MUTE, **options()))
    saved = await store(web).get(web.acme.users["sam"])
    assert saved is not None and saved.muted == frozenset()


async def test_muting_requests_or_meetings_is_refused_with_the_reason(web: Web) -> None:
    await connected(web)
    await post(web, click(ids.MUTE, **options("task_assigned")))
    before = await store(web).get(web.acme.users["sam"])
    for locked in ("mentor_request_received", "meeting_proposed"):
        response = await post(web, click(ids.MUTE, **options("task_assigned", locked)))
        assert response.status_code == 200
        after = await store(web).get(web.acme.users["sam"])
        assert after is not None and before is not None
        assert (after.muted, after.version) == (before.muted, before.version), "nothing changed"
        home = web.slack.home_of("W0SAM")
        assert home is not None
        assert "can't be muted: someone is waiting for your answer" in texts(home)


async def test_own_notification_hours_start_from_the_organizations(web: Web) -> None:
    await connected(web)
    await post(web, click(ids.START, **option("10:00")))
    saved = await store(web).get(web.acme.users["sam"])
    assert saved is not None and saved.window is not None
    assert (saved.window.start, saved.window.end) == (time(10), time(19))
    assert saved.window.days == frozenset(range(5))
    await post(web, click(ids.DAYS, **options("5", "6")))
    await post(web, click(ids.END, **option("23:59")))
    saved = await store(web).get(web.acme.users["sam"])
    assert saved is not None and saved.window is not None
    assert saved.window.days == {5, 6} and saved.window.end == time(23, 59)
    home = web.slack.home_of("W0SAM")
    assert home is not None and "weekends, 10:00 to midnight" in texts(home)
    await post(web, click(ids.RESET_HOURS, value="reset"))
    saved = await store(web).get(web.acme.users["sam"])
    assert saved is not None and saved.window is None


async def test_hours_that_end_before_they_start_are_refused(web: Web) -> None:
    await connected(web)
    await post(web, click(ids.START, **option("20:00")))
    assert await store(web).get(web.acme.users["sam"]) is None, "nothing saved"
    home = web.slack.home_of("W0SAM")
    assert home is not None and "must end after it starts" in texts(home)
    await post(web, click(ids.DAYS, **options()))
    home = web.slack.home_of("W0SAM")
    assert home is not None and "Choose at least one" in texts(home)
    assert await store(web).get(web.acme.users["sam"]) is None


async def test_the_daily_digest_is_chosen_and_unchosen(web: Web) -> None:
    await connected(web)
    await post(web, click(ids.DIGEST, **option(ids.DAILY)))
    saved = await store(web).get(web.acme.users["sam"])
    assert saved is not None and saved.digest
    await post(web, click(ids.DIGEST, **option(ids.EACH)))
    saved = await store(web).get(web.acme.users["sam"])
    assert saved is not None and not saved.digest


async def test_forged_values_change_nothing_and_say_why(web: Web) -> None:
    await connected(web)
    for forged in (click(ids.DIGEST, **option("sometimes")), click(ids.START, **option("noon")),
                   click(ids.MUTE, **options("everything")), click(ids.DAYS, **options("x"))):
        assert (await post(web, forged)).status_code == 200
        home = web.slack.home_of("W0SAM")
        assert home is not None
        assert "Nothing was changed" in texts(home) or "no notification kind" in texts(home)
    assert await store(web).get(web.acme.users["sam"]) is None


async def test_strangers_unknown_workspaces_and_unsigned_clicks_change_nothing(web: Web) -> None:
    await connected(web)
    assert (await post(web, click(ids.DIGEST, user="W0DANA", **option(ids.DAILY)))).status_code \
        == 200  # fmt: skip
    assert (await post(web, click(ids.DIGEST, team="T0NOPE", **option(ids.DAILY)))).status_code \
        == 200  # fmt: skip
    unsigned = await post(web, click(ids.DIGEST, **option(ids.DAILY)), secret="wrong")
    assert unsigned.status_code == 401
    assert store(web).saved == {}
    assert web.slack.calls["views.publish"] == 0
