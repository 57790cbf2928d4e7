"""Every notification kind, and the outcome version that replaces its buttons, renders a DM
the sandbox's own Block Kit validator accepts (an invalid message fails here), within
Slack's limits however long the notes, with ids only in button values, documented action
ids, date tokens for times and the delivery id in the message metadata."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from adapters.persistence.memory import MemoryStore
from adapters.slack.blocks import actions
from adapters.slack.blocks.renderer import MAX_BLOCKS, RENDERERS, BlockKitRenderer
from application.delivery.model import Notification, NotificationKind
from application.running import UseCaseRunner
from slack_sandbox.blockkit.validation import check_message
from tests.unit.delivery.journey import journey
from tests.unit.world import FixedClock, Scene, World

renderer = BlockKitRenderer()
ID = re.compile(r"^[0-9a-f]{32}(:[0-9a-f]{32})?$")
DATE_TOKEN = re.compile(r"<!date\^\d+\^\{date_short_pretty\}( \{time\})?\|[^>]+>")


@pytest.fixture
async def told(
    world: World, run: UseCaseRunner, scene: Scene, store: MemoryStore, clock: FixedClock
) -> list[Notification]:
    return await journey(world, run, scene, store, clock)


def _elements(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


def test_every_kind_has_a_renderer() -> None:
    assert set(RENDERERS) == set(NotificationKind)


async def test_the_journey_makes_every_kind_and_every_refresh(told: list[Notification]) -> None:
    # the digest is made by the sender, from a person's preference (test_delivery_preferences)
    assert {n.kind for n in told} == set(NotificationKind) - {NotificationKind.DIGEST}
    refreshed = {n.kind for n in told if n.refresh}
    assert refreshed == {
        NotificationKind.MENTOR_REQUEST_RECEIVED,
        NotificationKind.MEETING_PROPOSED,
        NotificationKind.TASK_ASSIGNED,
        NotificationKind.SURVEY_ASSIGNED,
    }


async def test_every_rendering_is_the_json_slack_sdk_would_write(told: list[Notification]) -> None:
    for n in told:
        content = renderer.render(n, delivery_id="d-1")
        assert content.blocks == [b.to_dict() for b in RENDERERS[n.kind](n).blocks], n.kind


async def test_every_rendering_passes_the_sandboxs_block_kit_validator(
    told: list[Notification],
) -> None:
    for n in told:
        content = renderer.render(n, delivery_id="d-1")
        check_message(content.text, json.dumps(list(content.blocks)))  # raises BlockKitError
        assert 0 < len(content.text) <= 4000
        assert len(content.blocks) <= MAX_BLOCKS
        assert content.metadata == {
            "event_type": "mentorlink_delivery",
            "event_payload": {"delivery_id": "d-1"},
        }


async def test_buttons_carry_only_ids_and_documented_action_ids(told: list[Notification]) -> None:
    for n in told:
        for element in _elements(list(renderer.render(n, delivery_id="d").blocks)):
            assert element["action_id"] in actions.ALL
            if element["type"] == "button":
                assert ID.match(element["value"]), (n.kind, element)
            else:
                assert all(o["value"].startswith("20") for o in element["options"])


async def test_a_refresh_replaces_the_buttons_with_the_outcome(told: list[Notification]) -> None:
    for n in (n for n in told if n.refresh):
        blocks = list(renderer.render(n, delivery_id="d").blocks)
        assert _elements(blocks) == [], n.kind
        last = json.dumps(blocks[-1])
        assert blocks[-1]["type"] == "context" and "<!date^" in last, (n.kind, last)


async def test_the_mentor_sees_who_answered_in_the_outcome(told: list[Notification]) -> None:
    outcomes = {
        json.dumps(list(renderer.render(n, delivery_id="d").blocks)[-1])
        for n in told
        if n.refresh and n.kind is NotificationKind.MENTOR_REQUEST_RECEIVED
    }
    assert any("Accepted by you" in o for o in outcomes)
    assert any("Declined by you" in o for o in outcomes)
    assert any("Withdrawn by Sam" in o for o in outcomes)
    assert any("Expired" in o for o in outcomes)


async def test_times_are_slack_date_tokens_in_each_readers_timezone(
    told: list[Notification],
) -> None:
    (proposed, *_) = [
        n for n in told if n.kind is NotificationKind.MEETING_PROPOSED and not n.refresh
    ]
    text = json.dumps(list(renderer.render(proposed, delivery_id="d").blocks))
    assert len(DATE_TOKEN.findall(text.replace("\\", ""))) >= 3


async def test_user_text_is_escaped_and_clipped_politely(told: list[Notification]) -> None:
    (received, *_) = [n for n in told if n.kind is NotificationKind.MESSAGE_RECEIVED]
    blocks = list(renderer.render(received, delivery_id="d").blocks)
    text = json.dumps(blocks, ensure_ascii=False)
    assert "<text>" not in text and "&lt;text&gt;" in text
    assert blocks[0]["text"]["text"].endswith("…") and len(blocks[0]["text"]["text"]) <= 3000


async def test_a_welcome_lists_what_waits_each_with_its_buttons(told: list[Notification]) -> None:
    welcomes = {n.recipient_user_id: n for n in told if n.kind is NotificationKind.WELCOME}
    assert len(welcomes) == 3
    for n in welcomes.values():
        blocks = list(renderer.render(n, delivery_id="d").blocks)
        waiting = len(n.facts["requests"]) + len(n.facts["meetings"]) + len(n.facts["surveys"])
        assert len([b for b in blocks if b["type"] == "actions"]) == waiting


def test_more_than_fifty_blocks_are_cut_with_a_pointer_to_home() -> None:
    from datetime import UTC, datetime

    from application.delivery.model import Subject

    many = [
        {
            "request_id": f"{i:032x}",
            "program_name": "P",
            "mentee_name": f"M{i}",
            "note": "",
            "expires_at": "2026-03-09T09:00:00+00:00",
        }
        for i in range(40)
    ]
    n = Notification(
        kind=NotificationKind.WELCOME,
        organization_id="o",
        program_id=None,
        recipient_user_id="u",
        subject=Subject(kind="welcome", id="w"),
        facts={
            "name": "Ada",
            "requests": many,
            "meetings": [],
            "surveys": [],
            "more": 0,
            "at": "2026-03-02T09:00:00+00:00",
        },
        outbox_id=1,
        created_at=datetime(2026, 3, 2, tzinfo=UTC),
    )
    content = renderer.render(n, delivery_id="d")
    assert len(content.blocks) == MAX_BLOCKS
    check_message(content.text, list(content.blocks))


async def test_a_task_done_does_not_name_who_marked_it_as_who_gave_it(
    told: list[Notification],
) -> None:
    [done] = [n for n in told if n.kind is NotificationKind.TASK_ASSIGNED and n.refresh]
    said = json.dumps(list(renderer.render(done, delivery_id="d").blocks), ensure_ascii=False)
    assert "gave you a task" not in said  # `by` is who marked it done by then
    assert "Your task:" in said and "Done — marked by" in said
