"""Delivery health for administrators over the JSON API (issue 10, acceptance 10) and the
working window (acceptance 6): counts, held until when, unreachable people and why, dead
deliveries with Slack's reason and their Retry; global administrators of the organization
only; and `/metrics` for operators."""

from __future__ import annotations

from typing import Any

import pytest

from application.slack.gateway import SlackError, SlackRateLimited
from tests.http.admin_web import Web, web_fixture  # noqa: F401
from tests.http.test_delivery import _deliver, _request


async def _health(web: Web, who: str = "admin") -> dict[str, Any]:
    response = await web.api("GET", "/delivery/health", who)
    assert response.status_code == 200, response.text
    return dict(response.json())


def _counts(period: dict[str, Any]) -> dict[tuple[str, str | None], int]:
    return {(c["status"], c["channel"]): c["count"] for c in period["by_status_and_channel"]}


async def _slack_world(web: Web) -> None:
    await web.enable_slack()
    await web.install(await web.signed_in("admin"))


async def test_health_shows_what_is_held_until_when_and_who_cannot_be_reached(web: Web) -> None:
    await _slack_world(web)
    await _request(web)
    await _deliver(web)  # 01:00 in Los Angeles for Maria: held
    health = await _health(web)
    day, week = health["periods"]
    assert (day["period"], week["period"]) == ("24h", "7d")
    held = [line for line in health["held"] if line["recipient"]["name"] == "Maria"]
    assert held and {h["delivery"]["kind"] for h in held} >= {"mentor_request_received"}
    assert held[0]["delivery"]["next_attempt_at"] == "2026-03-02T16:00:00Z"  # 08:00 there
    assert _counts(day)[("held", None)] == len(health["held"])
    # Tess is in no connected workspace, and this server has no e-mail
    unreachable = {line["recipient"]["name"]: line for line in health["unreachable"]}
    assert "Tess" in unreachable
    assert "no e-mail" in unreachable["Tess"]["delivery"]["reason"].lower()
    assert health["dead"] == []

    web.clock.advance(hours=7)
    await _deliver(web)
    health = await _health(web)
    assert [line for line in health["held"] if line["recipient"]["name"] == "Maria"] == []
    (workspace,) = health["periods"][0]["sent_by_workspace"]
    assert workspace["workspace"] == "Acme Engineering" and workspace["sent"] >= 2
    assert _counts(health["periods"][1])[("sent", "slack")] >= 2


async def test_a_dead_delivery_shows_slacks_reason_and_retry_sends_it(web: Web) -> None:
    await _slack_world(web)
    web.clock.advance(hours=7)  # 08:00 in Los Angeles: nothing held
    await _request(web)
    web.slack.fail_next("chat.postMessage", SlackError("invalid_blocks"))
    await _deliver(web)
    (dead,) = (await _health(web))["dead"]
    assert dead["delivery"]["reason"] == "Slack refused the message: invalid_blocks"
    assert dead["delivery"]["channel"] is None or dead["delivery"]["status"] == "dead"
    delivery_id = dead["delivery"]["id"]

    retried = await web.api("POST", f"/deliveries/{delivery_id}/retry", "admin")
    assert retried.status_code == 200, retried.text
    assert (retried.json()["status"], retried.json()["attempts"]) == ("pending", 0)
    await _deliver(web)
    assert (await _health(web))["dead"] == []
    sent = await web.api("POST", f"/deliveries/{delivery_id}/retry", "admin")
    assert sent.status_code == 409, sent.text  # sent now: nothing to retry
    assert "failed" in sent.json()["detail"]


async def test_another_organizations_delivery_is_not_found(web: Web) -> None:
    await _slack_world(web)
    web.clock.advance(hours=7)
    await _request(web)
    web.slack.fail_next("chat.postMessage", SlackError("invalid_blocks"))
    await _deliver(web)
    (dead,) = (await _health(web))["dead"]
    theirs = await web.api("POST", f"/deliveries/{dead['delivery']['id']}/retry", "admin",
                           web.globex)  # fmt: skip
    nowhere = await web.api("POST", "/deliveries/does-not-exist/retry", "admin", web.globex)
    assert (theirs.status_code, theirs.json()) == (nowhere.status_code, nowhere.json())
    assert theirs.status_code == 404
    assert (await _health(web))["dead"] != []  # untouched
    globex = await web.api("GET", "/delivery/health", "admin", web.globex)
    assert globex.json()["dead"] == []
    emails = {line["recipient"]["email"] for line in globex.json()["unreachable"]}
    assert emails and all(e.endswith("@globex.example") for e in emails)


@pytest.mark.parametrize("who", ["support", "padmin", "maria", "outsider"])
async def test_only_global_administrators_see_or_change_delivery(web: Web, who: str) -> None:
    window = {"days": [0, 1, 2, 3, 4], "start": "09:00", "end": "17:00", "timezone": "UTC"}
    for method, path, body in [
        ("GET", "/delivery/health", None),
        ("POST", "/deliveries/does-not-exist/retry", None),
        ("GET", "/organization/working-window", None),
        ("PUT", "/organization/working-window", window),
    ]:
        response = await web.api(method, path, who, json=body)
        assert response.status_code == 403, (path, response.text)
    current = await web.api("GET", "/organization/working-window", "admin")
    assert current.json()["summary"] == "Mon-Fri 08:00-19:00"


async def test_the_working_window_is_read_and_changed(web: Web) -> None:
    response = await web.api("GET", "/organization/working-window", "admin")
    assert response.json() == {
        "days": [0, 1, 2, 3, 4], "start": "08:00", "end": "19:00", "timezone": "UTC",
        "summary": "Mon-Fri 08:00-19:00",
    }  # fmt: skip
    window = {"days": [5, 0, 1], "start": "07:30", "end": "18:00", "timezone": "Europe/Berlin"}
    changed = await web.api("PUT", "/organization/working-window", "admin", json=window)
    assert changed.status_code == 200, changed.text
    assert changed.json()["summary"] == "Mon-Tue, Sat 07:30-18:00"
    again = await web.api("GET", "/organization/working-window", "admin")
    assert again.json() == changed.json()
    globex = await web.api("GET", "/organization/working-window", "admin", web.globex)
    assert globex.json()["summary"] == "Mon-Fri 08:00-19:00"


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"timezone": "Mars/Olympus"}, "is not a timezone"),
        ({"start": "19:00", "end": "08:00"}, "must end after it starts"),
        ({"start": "25:00"}, "must be a time like 08:00"),
        ({"days": []}, "days"),
        ({"days": [7]}, "days"),
        ({"start": "8am"}, "start"),
    ],
)
async def test_an_invalid_working_window_is_refused_with_a_clear_message(
    web: Web, change: dict[str, Any], says: str
) -> None:
    window = {"days": [0, 1, 2, 3, 4], "start": "08:00", "end": "19:00", "timezone": "UTC"}
    response = await web.api(
        "PUT", "/organization/working-window", "admin", json={**window, **change}
    )
    assert response.status_code == 422, response.text
    assert says in response.json()["detail"], response.text
    after = await web.api("GET", "/organization/working-window", "admin")
    assert after.json()["summary"] == "Mon-Fri 08:00-19:00"


async def test_metrics_count_deliveries_and_slack_calls_by_method(web: Web) -> None:
    await _slack_world(web)
    web.clock.advance(hours=7)
    await _request(web)
    web.slack.fail_next("chat.postMessage", SlackRateLimited(30))
    await _deliver(web)
    web.clock.advance(seconds=31)
    await _deliver(web)
    response = await web.browser().client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert 'mentorlink_slack_ratelimited_total{method="chat.postMessage"} 1.0' in text
    posts = _sample(text, 'mentorlink_slack_calls_total{method="chat.postMessage"}')
    sent = _sample(text, 'mentorlink_deliveries{channel="slack",status="sent"}')
    assert sent >= 2 and posts == sent + 1  # every DM, and the one Slack answered 429
    assert _sample(text, 'mentorlink_deliveries{channel="none",status="unreachable"}') >= 2
    assert "mentorlink_delivery_queue_depth 0.0" in text
    assert "mentorlink_delivery_oldest_pending_age_seconds 0.0" in text


async def test_metrics_show_the_queue_and_the_age_of_its_oldest(web: Web) -> None:
    await _request(web)
    await web.worker.expander.expand_due()  # deliveries made, none sent yet
    web.clock.advance(minutes=5)
    text = (await web.browser().client.get("/metrics")).text
    assert _sample(text, "mentorlink_delivery_queue_depth") >= 1
    assert _sample(text, "mentorlink_delivery_oldest_pending_age_seconds") == 300.0


def _sample(text: str, name: str) -> float:
    (line,) = [line for line in text.splitlines() if line.startswith(name + " ")]
    return float(line.rsplit(" ", 1)[1])
