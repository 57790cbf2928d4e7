"""Delivery through the composition root's wiring, on the in-memory store and Slack: a mentee's
request over the API reaches the mentor as a Slack DM (held until the mentor's morning), the
DM is brought up to date when the request is answered on the web, and nothing goes twice."""

from __future__ import annotations

from typing import Any

from slack_sandbox.blockkit.validation import check_message
from tests.http.admin_web import Web, web_fixture  # noqa: F401


async def _request(web: Web) -> str:
    response = await web.api(
        "POST", "/mentor-requests", "sam",
        json={"program_id": web.acme.program_id, "mentor_id": web.acme.members["maria"],
              "note": "Could you help me grow into a tech lead?"},
    )  # fmt: skip
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _dms_to(web: Web, slack_user: str) -> list[Any]:
    return [m for m in web.slack.dms.messages.values() if m.user_id == slack_user]


async def _deliver(web: Web) -> None:
    while await web.worker.run_once():
        pass


async def test_a_request_reaches_the_mentor_in_slack_and_its_dm_follows_the_answer(
    web: Web,
) -> None:
    await web.enable_slack()
    admin = await web.signed_in("admin")
    await web.install(admin)
    request_id = await _request(web)
    await _deliver(web)
    assert _dms_to(web, "W0MARIA") == []  # 01:00 in Los Angeles: held, not dropped
    web.clock.advance(hours=7)  # 08:00 there
    await _deliver(web)
    texts = sorted(m.text for m in _dms_to(web, "W0MARIA"))
    assert texts[0] == "Sam asks you to mentor them in Acme Pathways"
    assert texts[1].startswith("Welcome to mentorlink")  # first found in Slack
    [dm] = [m for m in _dms_to(web, "W0MARIA") if m.text == texts[0]]
    assert "tech lead" in str(dm.blocks)
    check_message(dm.text, dm.blocks)  # raises on anything Slack would refuse
    buttons = [e for b in dm.blocks if b["type"] == "actions" for e in b["elements"]]
    assert {b.get("value") for b in buttons} >= {request_id}

    accepted = await web.api("POST", f"/mentor-requests/{request_id}/accept", "maria")
    assert accepted.status_code == 200, accepted.text
    await _deliver(web)
    updated = web.slack.dms.messages[(dm.channel, dm.ts)]  # the same message, updated
    assert updated.edits and not [b for b in updated.blocks if b["type"] == "actions"]
    check_message(updated.text, updated.blocks)
    after = sorted(m.text for m in _dms_to(web, "W0MARIA"))
    assert len(after) == 3, after  # + the new connection, for every participant
    await _deliver(web)
    assert len(_dms_to(web, "W0MARIA")) == 3  # nothing twice
