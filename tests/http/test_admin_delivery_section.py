"""The Slack page's Delivery and Quiet hours sections (issue 10, acceptance 10 and 6): counts,
what waits and until when, who cannot be reached and why, failed messages with Slack's reason
and a Retry that needs the page's CSRF token; another organization's delivery is a 404."""

from __future__ import annotations

import re

from adapters.http.admin.delivery_section import WHAT
from application.slack.gateway import SlackError
from tests.http.admin_web import SLACK_PAGE, Web, web_fixture  # noqa: F401
from tests.http.test_delivery import _deliver, _request


async def _a_failed_message(web: Web) -> str:
    await web.enable_slack()
    await web.install(await web.signed_in("admin"))
    web.clock.advance(hours=7)  # 08:00 in Los Angeles
    await _request(web)
    web.slack.fail_next("chat.postMessage", SlackError("invalid_blocks"))
    await _deliver(web)
    (dead,) = [d for d in web.store.deliveries.values() if d.status.value == "dead"]
    return dead.id


def _section(html: str, id: str) -> str:
    found = re.search(rf'<table id="{id}">(.*?)</table>', html, re.S)
    assert found is not None, f"no table {id}"
    return found.group(1)


async def test_the_section_shows_failures_with_slacks_reason_and_who_was_not_reached(
    web: Web,
) -> None:
    dead_id = await _a_failed_message(web)
    kind = web.store.deliveries[dead_id].notification.kind
    admin = await web.signed_in("admin")
    page = (await admin.get(SLACK_PAGE)).text
    assert "<h2 id=\"delivery-title\">Delivery</h2>" in page
    counts = _section(page, "delivery-counts")
    assert "Last 24 hours" in counts and "Delivered in Slack" in counts
    dead = _section(page, "delivery-dead")
    assert WHAT[kind] in dead and f"/deliveries/{dead_id}/retry" in dead
    assert "Slack refused the message: invalid_blocks" in dead
    unreachable = _section(page, "delivery-unreachable")
    assert "Tess" in unreachable and "Retry" in unreachable
    assert "Acme Engineering</strong>" in page  # DMs sent per workspace
    for internal in ("mentor_request_received", "unreachable<", "retrying"):
        assert internal not in page


async def test_retry_needs_the_csrf_token_and_sends_the_message_again(web: Web) -> None:
    dead_id = await _a_failed_message(web)
    admin = await web.signed_in("admin")
    retry = f"{SLACK_PAGE}/deliveries/{dead_id}/retry"
    refused = await admin.post(retry, csrf=False)
    assert refused.status_code == 403
    assert web.store.deliveries[dead_id].status.value == "dead"
    done = await admin.post(retry)
    assert done.status_code == 303 and done.headers["location"] == SLACK_PAGE
    page = (await admin.follow(done)).text
    assert "It will be sent again in a moment." in page
    await _deliver(web)
    assert web.store.deliveries[dead_id].status.value == "sent"
    again = await admin.follow(await admin.post(retry))
    assert "Only a message that failed" in again.text


async def test_another_organizations_delivery_is_a_404_and_stays_failed(web: Web) -> None:
    dead_id = await _a_failed_message(web)
    globex = await web.signed_in("admin", web.globex)
    response = await globex.post(f"{SLACK_PAGE}/deliveries/{dead_id}/retry")
    assert response.status_code == 404
    assert web.store.deliveries[dead_id].status.value == "dead"
    assert dead_id not in (await globex.get(SLACK_PAGE)).text


async def test_held_messages_show_when_they_go_out(web: Web) -> None:
    await web.enable_slack()
    await web.install(await web.signed_in("admin"))
    await _request(web)
    await _deliver(web)  # 01:00 in Los Angeles: held for Maria
    page = (await (await web.signed_in("admin")).get(SLACK_PAGE)).text
    held = _section(page, "delivery-held")
    assert "Maria" in held and "Mon 2 Mar, 16:00" in held  # 08:00 there, shown in UTC


async def test_quiet_hours_are_saved_and_a_mistake_is_explained(web: Web) -> None:
    admin = await web.signed_in("admin")
    page = (await admin.get(SLACK_PAGE)).text
    assert "Mon-Fri 08:00-19:00" in page
    form = {"start": "07:00", "end": "18:30", "timezone": "Europe/Berlin"}
    client = admin.client
    token = await admin.csrf_token()
    body = {"days": ["0", "2", "4"], "_csrf_token": token, **form}
    saved = await client.post(f"{SLACK_PAGE}/working-window", data=body)
    assert saved.status_code == 303
    page = (await admin.follow(saved)).text
    assert "Notifications now arrive Mon, Wed, Fri 07:00-18:30" in page
    assert 'value="Europe/Berlin"' in page
    wrong = await admin.post(
        f"{SLACK_PAGE}/working-window",
        {"days": "1", "start": "18:00", "end": "09:00", "timezone": "Europe/Berlin"},
    )
    page = (await admin.follow(wrong)).text
    assert "Quiet hours not saved: The working window must end after it starts." in page
    assert "Mon, Wed, Fri 07:00-18:30" in page  # unchanged
