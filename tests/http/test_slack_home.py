"""App Home through POST /slack/events: a signed `app_home_opened` gets its 200 and the
person's Home is published (`views.publish`) with their connection area; strangers learn how
to get matched; unsigned or foreign events publish nothing. Signed for real."""

from __future__ import annotations

import json
from typing import Any

from adapters.slack.blocks import actions
from application.delivery.preferences import FollowingPreferences
from application.slack.home_publishing import HomePublisher
from tests.http.admin_web import (  # noqa: F401  (web_fixture is the `web` fixture)
    ACME_TEAM,
    Web,
    web_fixture,
)


def home_opened(user: str, team_id: str = ACME_TEAM, tab: str = "home",
                enterprise_id: str | None = "E0ACME01") -> dict[str, Any]:  # fmt: skip
    """An Events API envelope as Slack sends it when someone opens the app's Home tab."""
    return {
        "token": "verification-token", "team_id": team_id, "enterprise_id": enterprise_id,
        "api_app_id": "A0MENTORLNK", "type": "event_callback", "event_id": f"Ev{user}{tab}",
        "event_time": 1772442000,
        "event": {"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": tab,
                  "event_ts": "1772442000.000100"},
        "authorizations": [{"enterprise_id": enterprise_id, "team_id": team_id,
                            "user_id": "UBOT", "is_bot": True, "is_enterprise_install": False}],
    }  # fmt: skip


async def connected(web: Web) -> None:
    await web.enable_slack()
    await web.install(await web.signed_in("admin"))


def texts(view: dict[str, Any]) -> str:
    return json.dumps(view["blocks"])


def action_ids(view: dict[str, Any]) -> list[tuple[str, str]]:
    found = []
    for block in view["blocks"]:
        elements = block.get("elements", []) if block["type"] == "actions" else []
        elements = [*elements, *([block["accessory"]] if "accessory" in block else [])]
        found += [(e["action_id"], e.get("value", "")) for e in elements if "action_id" in e]
    return found


async def test_opening_home_publishes_the_persons_area(web: Web) -> None:
    await connected(web)
    request = await web.api("POST", "/mentor-requests", "sam", json={
        "program_id": web.acme.program_id, "mentor_id": web.acme.members["maria"],
        "note": "I'd love help with Python"})  # fmt: skip
    assert request.status_code == 201, request.text
    response = await web.event(home_opened("W0MARIA"))
    assert response.status_code == 200
    view = web.slack.home_of("W0MARIA")
    assert view is not None and view["type"] == "home"
    assert "Hi Maria" in texts(view) and "Acme Pathways" in texts(view)
    assert "I'd love help with Python" in texts(view)
    request_id = request.json()["id"]
    assert (actions.MENTOR_REQUEST_ACCEPT, request_id) in action_ids(view)
    assert (actions.MENTOR_REQUEST_DECLINE, request_id) in action_ids(view)
    # the mentee sees the same request as theirs to withdraw
    await web.event(home_opened("W0SAM"))
    sam = web.slack.home_of("W0SAM")
    assert sam is not None
    assert (actions.MENTOR_REQUEST_WITHDRAW, request_id) in action_ids(sam)
    assert "You asked *Maria* to mentor you" in texts(sam)


async def test_a_connection_shows_partner_tasks_messages_and_meetings(web: Web) -> None:
    await connected(web)
    body = {"mentor_ids": [web.acme.members["maria"]], "mentee_ids": [web.acme.members["sam"]]}
    created = await web.api("POST", f"/programs/{web.acme.program_id}/connections", "admin",
                            json=body)  # fmt: skip
    assert created.status_code == 201, created.text
    connection_id = created.json()["id"]
    task = await web.api("POST", f"/connections/{connection_id}/tasks", "maria",
                         json={"title": "Read the style guide"})  # fmt: skip
    assert task.status_code == 201, task.text
    said = await web.api("POST", f"/connections/{connection_id}/messages", "maria",
                         json={"body": "Welcome aboard!"})  # fmt: skip
    assert said.status_code == 201, said.text
    start = web.clock.now().replace(microsecond=0).isoformat()
    meeting = await web.api("POST", f"/connections/{connection_id}/meetings", "maria", json={
        "invitee_id": web.acme.members["sam"], "title": "First chat",
        "slots": [{"start": start.replace(start[:4], str(int(start[:4]) + 1)), "minutes": 30}]})
    assert meeting.status_code == 201, meeting.text  # fmt: skip
    await web.event(home_opened("W0SAM"))
    view = web.slack.home_of("W0SAM")
    assert view is not None
    text = texts(view)
    assert "*Maria* (your mentor)" in text
    assert "Read the style guide" in text and "Welcome aboard!" in text
    ids = action_ids(view)
    task_id = task.json()["id"]
    assert (actions.TASK_MARK_DONE, f"{connection_id}:{task_id}") in ids
    assert (actions.CONNECTION_SEND_MESSAGE, connection_id) in ids
    assert (actions.MEETING_ACCEPT, meeting.json()["id"]) in ids
    assert any(a == actions.MEETING_PICK_SLOT for a, _ in ids)


async def test_a_slack_user_the_platform_does_not_know_learns_how_to_get_matched(
    web: Web,
) -> None:
    await connected(web)
    response = await web.event(home_opened("W0DANA"))  # dana's Slack e-mail is nobody's
    assert response.status_code == 200
    view = web.slack.home_of("W0DANA")
    assert view is not None
    assert "How to get matched" in texts(view)
    assert action_ids(view) == []


async def test_someone_with_nothing_yet_sees_a_friendly_empty_state(web: Web) -> None:
    await connected(web)
    await web.event(home_opened("W0ADMIN"))  # the admin is in no program
    view = web.slack.home_of("W0ADMIN")
    assert view is not None
    assert "not in a mentoring program yet" in texts(view)


async def test_the_messages_tab_and_unknown_workspaces_publish_nothing(web: Web) -> None:
    await connected(web)
    assert (await web.event(home_opened("W0MARIA", tab="messages"))).status_code == 200
    assert (await web.event(home_opened("W0MARIA", team_id="T0NOPE",
                                        enterprise_id=None))).status_code == 200  # fmt: skip
    assert web.slack.home_of("W0MARIA") is None
    assert web.slack.calls["views.publish"] == 0


async def test_an_unsigned_home_opened_is_refused_and_publishes_nothing(web: Web) -> None:
    await connected(web)
    response = await web.event(home_opened("W0MARIA"), secret="not-the-signing-secret")
    assert response.status_code == 401
    stale = await web.event(home_opened("W0MARIA"),
                            timestamp=int(web.clock.now().timestamp()) - 301)  # fmt: skip
    assert stale.status_code == 401
    assert web.slack.calls["views.publish"] == 0


async def test_a_home_is_published_again_when_the_persons_area_changes(web: Web) -> None:
    await connected(web)
    await web.worker.run_once()  # the install's own news (welcomes) are out of the way
    policy = web.worker.expander.policy
    assert isinstance(policy, FollowingPreferences) and policy.homes is not None
    homes = policy.homes
    assert isinstance(homes, HomePublisher)
    await homes.publish_stale()
    published = web.slack.calls["views.publish"]
    request = await web.api("POST", "/mentor-requests", "sam", json={
        "program_id": web.acme.program_id, "mentor_id": web.acme.members["maria"],
        "note": "Fresh request"})  # fmt: skip
    assert request.status_code == 201, request.text
    await web.worker.run_once()  # expands the row: Sam and Maria are concerned
    assert await homes.publish_stale() == 2
    assert web.slack.calls["views.publish"] == published + 2
    maria = web.slack.home_of("W0MARIA")
    assert maria is not None and "Fresh request" in texts(maria)
    sam = web.slack.home_of("W0SAM")
    assert sam is not None and (actions.MENTOR_REQUEST_WITHDRAW, request.json()["id"]) in \
        action_ids(sam)  # fmt: skip
