"""POST /slack/events: signatures checked on the raw body, url_verification, removal from
Slack's side in either order, de-duplication of Slack's retries, and fast 200s for the rest.
Requests are signed for real (HMAC-SHA256 with the configured signing secret)."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json

import pytest

from domain.slack.installation import RemovedBy
from tests.http.admin_web import (  # noqa: F401  (web_fixture is the `web` fixture)
    SIGNING_SECRET,
    Web,
    removal_event,
    web_fixture,
)


async def _connected(web: Web) -> str:
    await web.enable_slack()
    installation = await web.install(await web.signed_in("admin"))
    return installation.id


def _removals(web: Web) -> list[str]:
    return [t for t in web.topics() if t == "installation.removed"]


async def test_url_verification_echoes_the_challenge(web: Web) -> None:
    response = await web.event({"type": "url_verification", "challenge": "3eZbrw1aBm2rZgRNFdxV"})
    assert response.status_code == 200
    assert response.json() == {"challenge": "3eZbrw1aBm2rZgRNFdxV"}


@pytest.mark.parametrize("kind", ["app_uninstalled", "tokens_revoked"])
async def test_removal_in_slack_marks_the_installation_removed(web: Web, kind: str) -> None:
    installation_id = await _connected(web)
    response = await web.event(removal_event(kind, "Ev01"))
    assert response.status_code == 200
    installation = await web.installation(installation_id)
    assert not installation.is_active and installation.bot is None
    assert installation.removed_by is RemovedBy.SLACK
    assert len(_removals(web)) == 1


@pytest.mark.parametrize(
    "order", [("app_uninstalled", "tokens_revoked"), ("tokens_revoked", "app_uninstalled")]
)
async def test_both_events_in_either_order_remove_once(web: Web, order: tuple[str, str]) -> None:
    installation_id = await _connected(web)
    first, second = order
    assert (await web.event(removal_event(first, "Ev01"))).status_code == 200
    assert (await web.event(removal_event(second, "Ev02"))).status_code == 200
    assert not (await web.installation(installation_id)).is_active
    assert len(_removals(web)) == 1


async def test_both_events_at_the_same_moment_both_get_a_200(web: Web) -> None:
    installation_id = await _connected(web)
    web.gate.hold(2)  # both requests load the active installation before either commits
    answers = await asyncio.gather(
        web.event(removal_event("app_uninstalled", "Ev01")),
        web.event(removal_event("tokens_revoked", "Ev02")),
    )
    assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]
    assert not (await web.installation(installation_id)).is_active
    assert len(_removals(web)) == 1


async def test_a_retry_overlapping_its_first_delivery_gets_a_200(web: Web) -> None:
    installation_id = await _connected(web)
    event = removal_event("app_uninstalled", "Ev01")
    web.gate.hold(2)
    answers = await asyncio.gather(
        web.event(event), web.event(event, headers={"X-Slack-Retry-Num": "1"})
    )
    assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]
    assert not (await web.installation(installation_id)).is_active
    assert len(_removals(web)) == 1


async def test_slack_retries_of_one_event_change_nothing_more(web: Web) -> None:
    installation_id = await _connected(web)
    event = removal_event("app_uninstalled", "Ev0RETRY")
    assert (await web.event(event)).status_code == 200
    retry = await web.event(event, headers={"X-Slack-Retry-Num": "1",
                                            "X-Slack-Retry-Reason": "http_timeout"})  # fmt: skip
    assert retry.status_code == 200
    assert len(_removals(web)) == 1
    # A reinstall in between: the duplicate delivery of the old event must not remove it again.
    admin = await web.signed_in("admin")
    await web.install(admin)
    assert (await web.event(event)).status_code == 200
    assert (await web.installation(installation_id)).is_active
    assert len(_removals(web)) == 1


async def test_the_removal_is_shown_on_the_slack_page(web: Web) -> None:
    await _connected(web)
    await web.event(removal_event("app_uninstalled", "Ev01"))
    page = await (await web.signed_in("admin")).get("/admin/manage/engagement/integrations/slack")
    assert "Removed</span>" in page.text and "in Slack, 2026-03-02 09:00 UTC" in page.text


async def test_an_org_wide_removal_finds_the_grid_install(web: Web) -> None:
    await web.enable_slack()
    admin = await web.signed_in("admin")
    installation = await web.install(admin, team_id=None, enterprise_id="E0ACME01")
    event = removal_event("tokens_revoked", "Ev01", team_id="T0ACMEENG",
                          is_enterprise_install=True)  # fmt: skip
    assert (await web.event(event)).status_code == 200
    assert not (await web.installation(installation.id)).is_active


async def test_revoked_user_tokens_alone_leave_the_bot_installed(web: Web) -> None:
    installation_id = await _connected(web)
    event = removal_event("tokens_revoked", "Ev01")
    event["event"]["tokens"] = {"oauth": ["U0SOMEONE"], "bot": []}
    assert (await web.event(event)).status_code == 200
    assert (await web.installation(installation_id)).is_active


async def test_unknown_teams_and_event_types_get_a_fast_200(web: Web) -> None:
    installation_id = await _connected(web)
    before = web.snapshot()
    unknown_team = removal_event("app_uninstalled", "Ev01", team_id="T0NOBODY", enterprise_id=None)
    assert (await web.event(unknown_team)).status_code == 200
    other = removal_event("app_uninstalled", "Ev02")
    # the Messages tab needs nothing from us (the Home tab publishes a Home)
    other["event"] = {"type": "app_home_opened", "user": "W0SAM", "tab": "messages"}
    assert (await web.event(other)).status_code == 200
    assert (
        await web.event({"type": "app_rate_limited", "team_id": "T0ACMEENG"})
    ).status_code == 200
    assert web.snapshot() == before
    assert (await web.installation(installation_id)).is_active


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[1, 2]",
        b'"text"',
        json.dumps({"type": "url_verification"}).encode(),
    ],
)
async def test_a_signed_body_that_is_not_an_envelope_is_400_without_retries(
    web: Web, body: bytes
) -> None:
    response = await web.event(body)
    assert response.status_code == 400
    assert response.headers["X-Slack-No-Retry"] == "1"


async def test_an_event_without_an_event_id_is_400(web: Web) -> None:
    installation_id = await _connected(web)
    event = removal_event("app_uninstalled", "Ev01")
    del event["event_id"]
    response = await web.event(event)
    assert response.status_code == 400
    assert (await web.installation(installation_id)).is_active


# -- signatures: every refusal is a 401 that touches nothing --------------------------------


async def test_a_missing_signature_is_401(web: Web) -> None:
    installation_id = await _connected(web)
    before = web.snapshot()
    client = web.browser().client
    raw = json.dumps(removal_event("app_uninstalled", "Ev01")).encode()
    response = await client.post("/slack/events", content=raw)
    assert response.status_code == 401
    no_timestamp = await client.post(
        "/slack/events", content=raw, headers={"X-Slack-Signature": "v0=" + "0" * 64}
    )
    assert no_timestamp.status_code == 401
    assert web.snapshot() == before
    assert (await web.installation(installation_id)).is_active


@pytest.mark.parametrize(
    "forgery",
    ["wrong secret", "stale", "from the future", "tampered body", "bad timestamp", "v1 scheme"],
)
async def test_forged_stale_or_tampered_requests_are_401(web: Web, forgery: str) -> None:
    installation_id = await _connected(web)
    before = web.snapshot()
    event = removal_event("app_uninstalled", "Ev01")
    now = int(web.clock.now().timestamp())
    if forgery == "wrong secret":
        response = await web.event(event, secret="not-" + SIGNING_SECRET)
    elif forgery == "stale":
        response = await web.event(event, timestamp=now - 5 * 60 - 1)
    elif forgery == "from the future":
        response = await web.event(event, timestamp=now + 5 * 60 + 1)
    elif forgery == "tampered body":
        signed = await _signed_headers(web, event)
        tampered = json.dumps({**event, "team_id": "T0ACMEENG "}).encode()
        response = await web.browser().client.post(
            "/slack/events", content=tampered, headers=signed
        )
    elif forgery == "bad timestamp":
        response = await web.event(event, headers={"X-Slack-Request-Timestamp": "yesterday"})
    else:
        signed = await _signed_headers(web, event)
        signed["X-Slack-Signature"] = signed["X-Slack-Signature"].replace("v0=", "v1=")
        raw = json.dumps(event).encode()
        response = await web.browser().client.post("/slack/events", content=raw, headers=signed)
    assert response.status_code == 401
    assert web.snapshot() == before
    assert web.store.slack_events == {}  # not even remembered as seen
    assert (await web.installation(installation_id)).is_active


async def test_a_body_that_is_not_utf8_was_not_signed_by_slack(web: Web) -> None:
    response = await web.event(b"\xff\xfe")
    assert response.status_code == 401


async def test_the_five_minute_window_is_inclusive_of_recent_requests(web: Web) -> None:
    installation_id = await _connected(web)
    now = int(web.clock.now().timestamp())
    response = await web.event(removal_event("app_uninstalled", "Ev01"), timestamp=now - 299)
    assert response.status_code == 200
    assert not (await web.installation(installation_id)).is_active


async def _signed_headers(web: Web, event: dict[str, object]) -> dict[str, str]:
    """The headers Slack would send with `event`."""
    ts = str(int(web.clock.now().timestamp()))
    raw = json.dumps(event).encode()
    digest = hmac.new(SIGNING_SECRET.encode(), f"v0:{ts}:".encode() + raw, hashlib.sha256)
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest.hexdigest()}"}
