"""Every refusal of an in-Slack action changes nothing and tells the person why: an unknown
workspace, a removed installation, a Slack user mentorlink does not know, someone who may
not do it, another organization's subject, a forged value; in a DM as an ephemeral note, in
a modal as an inline error. A replayed, unsigned or wrongly signed payload is a 401 and is
not even read. Never a 500."""

from __future__ import annotations

import json
from typing import Any

import pytest

from application.slack.acting import REMOVED_WORKSPACE, UNKNOWN_PERSON, UNKNOWN_WORKSPACE
from tests.http.slack_world import MARIA, SAM, TEAM, World, click_payload


async def _refused(world: World, payload: dict[str, Any], says: str) -> None:
    before = world.snapshot()
    response = await world.signed(payload)
    assert (response.status_code, response.content) == (200, b"")
    note = await world.answer(says)
    assert note["response_type"] == "ephemeral" and note["replace_original"] is False
    assert world.snapshot() == before, "a refused action changed something"


async def test_an_unknown_workspace_is_told_so(world: World) -> None:
    request_id = await world.request()
    payload = click_payload("mentor_request.accept", request_id, team="T0NOWHERE",
                            enterprise=None, response_url=world.hook)  # fmt: skip
    await _refused(world, payload, UNKNOWN_WORKSPACE[:40])


async def test_a_removed_installation_is_told_so(world: World) -> None:
    request_id = await world.request()
    removed = await world.http.post(f"{world.sandbox}/_sandbox/actions/remove_app",
                                    json={"team_id": TEAM})  # fmt: skip
    assert removed.status_code in (200, 201), removed.text

    async def gone() -> bool:
        async with world.runner.uow_factory() as uow:
            found = await uow.installations.list_for_organization(world.acme.id)  # type: ignore[attr-defined, arg-type]
            return all(not i.is_active for i in found)

    await world.eventually(gone, "the installation is removed")
    payload = click_payload("mentor_request.accept", request_id, response_url=world.hook)
    await _refused(world, payload, REMOVED_WORKSPACE[:40])


async def test_a_slack_user_without_a_platform_identity_is_told_so(world: World) -> None:
    request_id = await world.request()
    payload = click_payload("mentor_request.accept", request_id, user="W0DANAFOX",
                            response_url=world.hook)  # fmt: skip
    await _refused(world, payload, UNKNOWN_PERSON[:40])


async def test_someone_who_may_not_answer_is_told_why(world: World) -> None:
    request_id = await world.request()
    payload = click_payload("mentor_request.accept", request_id, user=SAM, response_url=world.hook)
    await _refused(world, payload, "Only the mentor this request was sent to can answer it.")


async def test_another_organizations_subject_does_not_exist(world: World) -> None:
    body = {"program_id": world.globex.program_id, "mentor_id": world.globex.members["maria"]}
    theirs = await world.ok("POST", "/mentor-requests", "sam", world.globex, json=body)
    payload = click_payload("mentor_request.accept", theirs["id"], response_url=world.hook)
    await _refused(world, payload, "No such mentor request.")


@pytest.mark.parametrize(("action_id", "value"), [
    ("mentor_request.accept", ""),
    ("mentor_request.accept", "x" * 500),
    ("task.mark_done", "no-colon-here"),
    ("meeting.cancel", "not-a-meeting"),
    ("survey.take", "../../etc"),
])  # fmt: skip
async def test_a_forged_value_changes_nothing(world: World, action_id: str, value: str) -> None:
    before = world.snapshot()
    response = await world.signed(click_payload(action_id, value, response_url=world.hook))
    assert response.status_code == 200
    note = await world.answer("⚠️")
    assert "Nothing" in note["text"] or "No such" in note["text"] or "match" in note["text"]
    assert world.snapshot() == before


async def test_an_unknown_button_is_answered_not_ignored(world: World) -> None:
    response = await world.signed(click_payload("nobody.knows", "1", response_url=world.hook))
    assert response.status_code == 200
    await world.answer("does nothing any more")


@pytest.mark.parametrize("problem", ["replayed", "wrong secret", "unsigned", "from the future"])
async def test_a_payload_not_freshly_signed_by_slack_is_refused_unread(
    world: World, problem: str
) -> None:
    request_id = await world.request()
    now = int(world.clock.now().timestamp())
    kwargs: dict[str, Any] = {
        "replayed": {"timestamp": now - 301},
        "from the future": {"timestamp": now + 301},
        "wrong secret": {"secret": "not-the-secret"},
        "unsigned": {"signature": "v0=" + "0" * 64},
    }[problem]
    before = world.snapshot()
    payload = click_payload("mentor_request.accept", request_id, response_url=world.hook)
    response = await world.signed(payload, **kwargs)
    assert response.status_code == 401
    assert world.snapshot() == before and world.answered == []


async def test_a_signed_body_without_a_payload_is_a_400(world: World) -> None:
    import hashlib
    import hmac

    raw = b"hello=world"
    ts = str(int(world.clock.now().timestamp()))
    digest = hmac.new(b"world-signing-secret", f"v0:{ts}:".encode() + raw, hashlib.sha256)
    response = await world.http.post(
        f"{world.app_url}/slack/interactivity", content=raw,
        headers={"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest.hexdigest()}"},
    )  # fmt: skip
    assert response.status_code == 400


async def test_a_modal_refusal_shows_inline_on_its_input(world: World) -> None:
    request_id = await world.request()
    await world.deliver()
    dm = await world.dm(MARIA, request_id)
    await world.click(MARIA, "mentor_request.decline", message=dm)
    [view] = await world.modals(MARIA)
    submission = {
        "type": "view_submission", "team": {"id": TEAM}, "user": {"id": "W0DANAFOX",
        "team_id": TEAM}, "enterprise": {"id": "E0ACME01"}, "api_app_id": "A0MENTORLNK",
        "trigger_id": "1.2.x", "view": {**view, "state": {"values": {}}},
    }  # fmt: skip
    before = world.snapshot()
    response = await world.signed(submission)
    assert response.status_code == 200
    assert response.json() == {"response_action": "errors", "errors": {"reason": UNKNOWN_PERSON}}
    assert world.snapshot() == before


async def test_a_closed_modal_gets_an_empty_200(world: World) -> None:
    payload = {"type": "view_closed", "team": {"id": TEAM}, "user": {"id": MARIA},
               "view": {"id": "V1", "callback_id": "survey.page",
                        "private_metadata": "{}"}}  # fmt: skip
    response = await world.signed(payload)
    assert (response.status_code, response.content) == (200, b"")
    assert json.dumps(world.answered) == "[]"


@pytest.mark.parametrize("payload", [
    {"type": "block_actions", "actions": [{"action_id": "survey.back"}], "view": "oops",
     "user": {"id": MARIA}, "team": {"id": TEAM}},
    {"type": "block_actions", "actions": [{"action_id": "survey.back", "value": "0"}],
     "view": {"type": "modal", "id": "V1", "private_metadata": "not json"},
     "user": {"id": MARIA}, "team": {"id": TEAM}},
    {"type": "view_submission", "user": {"id": MARIA}, "team": {"id": TEAM},
     "view": {"callback_id": "survey.page", "blocks": 7, "private_metadata": "[1, 2]"}},
    {"type": "view_submission", "user": {"id": MARIA}, "team": {"id": TEAM},
     "view": {"callback_id": "meeting.pick", "private_metadata": '{"meeting_id": 5}',
              "state": {"values": {"slot": {"value": {"selected_option": {"value": "x"}}}}}}},
    {"type": "view_submission", "user": {"id": MARIA}, "team": {"id": TEAM},
     "view": {"callback_id": "connection.task", "private_metadata": '{"connection_id": "c"}',
              "blocks": [{"type": "input", "block_id": "title"}],
              "state": {"values": {"title": {"value": {"value": "x"}},
                                   "due": {"value": {"selected_date": "31/12"}}}}}},
    {"type": "view_closed", "user": None, "view": None},
    {"type": "block_actions", "user": "W1", "team": 3, "actions": [{"action_id": 1}]},
])  # fmt: skip
async def test_odd_payloads_are_answered_never_a_500(world: World, payload: dict[str, Any]) -> None:
    before = world.snapshot()
    response = await world.signed(payload)
    assert response.status_code == 200, response.text
    assert world.snapshot() == before


async def test_a_modal_slack_would_not_open_is_said_not_lost(world: World) -> None:
    request_id = await world.request()
    await world.deliver()
    dm = await world.dm(MARIA, request_id)
    await world.http.post(f"{world.sandbox}/_sandbox/config", json={"trigger_ttl_seconds": 0})
    await world.click(MARIA, "mentor_request.decline", message=dm)
    await world.ephemeral(MARIA, "Please click again")
    assert await world.modals(MARIA) == []
