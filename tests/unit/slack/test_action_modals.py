"""Modal pieces of the in-Slack actions: metadata stays under Slack's 3,000 characters (the
carried message is the first thing to go), the carried message comes back whole, and junk
metadata reads as nothing."""

from __future__ import annotations

import hashlib
import json

import pytest

from adapters.slack.actions.dispatch import outcome_in_place
from adapters.slack.actions.modals import (
    METADATA,
    local_time,
    message_of,
    metadata_of,
    modal,
    origin_of,
    section,
)
from adapters.slack.actions.payloads import Click, Origin
from adapters.slack.blocks.parts import WHILE_OPEN

BLOCKS = [{"type": "section", "block_id": "s", "text": {"type": "mrkdwn", "text": "Hi"}},
          {"type": "actions", "block_id": "a", "elements": [
              {"type": "button", "action_id": "x", "value": "1", "text": {
                  "type": "plain_text", "text": "Go"}}]}]  # fmt: skip


def _click(blocks: list[dict[str, object]], url: str | None = "https://hooks/1") -> Click:
    return Click(origin=Origin(enterprise_id=None, team_id="T", user_id="U"), action_id="x",
                 block_id="a", value="1", trigger_id="t", response_url=url, channel_id="D",
                 message={"text": "Hello", "blocks": blocks}, view=None, state={})  # fmt: skip


def test_the_message_a_modal_came_from_comes_back_whole() -> None:
    carried = origin_of(_click(BLOCKS))
    assert carried["response_url"] == "https://hooks/1"
    assert message_of(carried) == ({"text": "Hello", "blocks": BLOCKS}, "a")
    message, block = message_of(carried) or ({}, "")
    replaced = outcome_in_place(message, block, "Done")
    assert [b["type"] for b in replaced] == ["section", "context"]


def test_a_message_too_big_to_carry_is_left_behind() -> None:
    noise = [hashlib.sha256(str(i).encode()).hexdigest() for i in range(40)]  # incompressible
    noisy = [{"type": "section", "block_id": f"b{i}", "text": {"type": "mrkdwn", "text": n}}
             for i, n in enumerate(noise)]  # fmt: skip
    carried = origin_of(_click(noisy))
    assert "origin" not in carried and message_of(carried) is None
    assert origin_of(_click(BLOCKS, url=None)) == {"response_url": ""}


def test_metadata_drops_the_carried_message_before_breaking_slacks_limit() -> None:
    carried = origin_of(_click(BLOCKS))
    built = modal("cb", "Title", [section("x")], metadata={"answers": "y" * 2900, **carried})
    kept = json.loads(built["private_metadata"])
    assert "origin" not in kept and len(built["private_metadata"]) <= METADATA
    with pytest.raises(ValueError, match="3,000"):
        modal("cb", "Title", [section("x")], metadata={"answers": "y" * 3100})


@pytest.mark.parametrize("junk", ["", "not json", "[1]", '{"a": 1}', '{"origin": "%%%"}'])
def test_junk_metadata_reads_as_nothing(junk: str) -> None:
    assert message_of(metadata_of(junk)) is None


def test_times_in_the_readers_zone() -> None:
    from datetime import UTC, datetime

    moment = datetime(2027, 1, 5, 15, 30, tzinfo=UTC)
    assert local_time(moment, "America/New_York") == "Tue 5 Jan, 10:30 EST"
    assert local_time(moment, "Nowhere/Land") == "Tue 5 Jan, 15:30 UTC"
    assert local_time(moment, None) == "Tue 5 Jan, 15:30 UTC"


def test_the_answer_by_note_goes_with_the_buttons_it_was_about() -> None:
    blocks: list[dict[str, object]] = [
        {"type": "section", "block_id": "s", "text": {"type": "mrkdwn", "text": "A request"}},
        {"type": "actions", "block_id": "a", "elements": []},
        {"type": "context", "block_id": WHILE_OPEN,
         "elements": [{"type": "mrkdwn", "text": "Answer by Friday"}]},
    ]  # fmt: skip
    replaced = outcome_in_place({"blocks": blocks}, "a", "Accepted by you")
    assert [b["type"] for b in replaced] == ["section", "context"]
    assert "Answer by" not in str(replaced) and "Accepted by you" in str(replaced)
