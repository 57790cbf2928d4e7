"""Slack pacing's contract: per workspace and method a small bucket at Slack's rate, shared
by every pacing on one database (as worker processes share it), and a 429's pause. Runs on
the in-memory fake, SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from adapters.persistence.slack_pacing import SLACK_RATES, Rate
from tests.contract.builders import NOW
from tests.contract.delivery_backends import DeliveryDb
from tests.contract.delivery_backends import delivery_db as delivery_db  # the `db` fixture

SECOND = timedelta(seconds=1)
# One call a second, three at once; chat.postMessage: a 4-call workspace ceiling bucket at
# 2 a second, and per channel 1 a second with 2 at once.
RATES = {
    "chat.update": Rate(60, 3),
    "chat.postMessage": Rate(120, 4),
    "chat.postMessage/": Rate(60, 2),
}


async def test_a_burst_goes_at_once_then_one_call_per_interval(db: DeliveryDb) -> None:
    pacing = db.pacing(RATES)
    assert [await pacing.reserve("T1", "chat.update", NOW) for _ in range(3)] == [None] * 3
    assert await pacing.reserve("T1", "chat.update", NOW) == NOW + SECOND
    assert await pacing.reserve("T1", "chat.update", NOW + SECOND / 2) == NOW + SECOND
    assert await pacing.reserve("T1", "chat.update", NOW + SECOND) is None
    assert await pacing.reserve("T1", "chat.update", NOW + SECOND) == NOW + 2 * SECOND
    # Idle time refills the bucket, never beyond its burst.
    later = NOW + timedelta(minutes=5)
    assert [await pacing.reserve("T1", "chat.update", later) for _ in range(4)] == [
        None,
        None,
        None,
        later + SECOND,
    ]


async def test_workspaces_and_methods_are_paced_apart(db: DeliveryDb) -> None:
    pacing = db.pacing(RATES)
    for _ in range(3):
        await pacing.reserve("T1", "chat.update", NOW)
    assert await pacing.reserve("T1", "chat.update", NOW) is not None
    assert await pacing.reserve("T2", "chat.update", NOW) is None
    assert await pacing.reserve("T1", "chat.postMessage", NOW) is None


async def test_two_pacings_on_one_database_share_one_budget(db: DeliveryDb) -> None:
    first, second = db.pacing(RATES), db.pacing(RATES)
    answers = [await p.reserve("T1", "chat.update", NOW) for p in (first, second) * 2]
    assert answers == [None, None, None, NOW + SECOND]
    assert await second.reserve("T1", "chat.update", NOW + SECOND) is None
    assert await first.reserve("T1", "chat.update", NOW + SECOND) == NOW + 2 * SECOND


async def test_concurrent_reservations_never_exceed_the_burst(db: DeliveryDb) -> None:
    pacings = [db.pacing(RATES) for _ in range(4)]
    answers = await asyncio.gather(
        *(p.reserve("T1", "chat.update", NOW) for p in pacings for _ in range(3))
    )
    assert answers.count(None) == 3
    assert all(a is None or NOW < a <= NOW + 9 * SECOND for a in answers)


async def test_a_pause_stops_every_pacing_of_that_method_until_retry_after(
    db: DeliveryDb,
) -> None:
    first, second = db.pacing(RATES), db.pacing(RATES)
    until = NOW + 30 * SECOND
    await first.pause("T1", "chat.update", until)
    await first.pause("T1", "chat.update", NOW + 10 * SECOND)  # a pause is never shortened
    assert await second.reserve("T1", "chat.update", NOW) == until
    assert await second.reserve("T1", "chat.update", until - SECOND) == until
    assert await second.reserve("T2", "chat.update", NOW) is None  # other workspaces go on
    assert await second.reserve("T1", "chat.postMessage", NOW) is None
    # After the pause calls resume at the steady rate, not in a burst.
    assert await first.reserve("T1", "chat.update", until) is None
    assert await second.reserve("T1", "chat.update", until) == until + SECOND


async def test_a_channel_is_paced_within_its_workspace_ceiling(db: DeliveryDb) -> None:
    pacing = db.pacing(RATES)
    d1, d2, d3 = "chat.postMessage/D1", "chat.postMessage/D2", "chat.postMessage/D3"
    assert [await pacing.reserve("T1", d1, NOW) for _ in range(2)] == [None, None]
    assert await pacing.reserve("T1", d1, NOW) == NOW + SECOND  # the channel's pace
    # That refusal took no workspace slot: two more channels share the remaining two.
    assert await pacing.reserve("T1", d2, NOW) is None
    assert await pacing.reserve("T1", d3, NOW) is None
    assert await pacing.reserve("T1", d2, NOW) == NOW + SECOND / 2  # the workspace ceiling
    assert await pacing.reserve("T1", "chat.postMessage", NOW) == NOW + SECOND / 2
    # Pausing the method in the workspace (a 429) stops every channel.
    await pacing.pause("T1", "chat.postMessage", NOW + 5 * SECOND)
    assert await pacing.reserve("T1", "chat.postMessage/D9", NOW + SECOND) == NOW + 5 * SECOND


async def test_slacks_tiers_are_the_default(db: DeliveryDb) -> None:
    pacing = db.pacing()
    assert SLACK_RATES["chat.update"] == Rate(50, 5)
    answers = [await pacing.reserve("T1", "chat.update", NOW) for _ in range(6)]
    assert answers == [None] * 5 + [NOW + timedelta(minutes=1) / 50]
    unknown = [await pacing.reserve("T1", "some.newMethod", NOW) for _ in range(4)]
    assert unknown == [None] * 3 + [NOW + timedelta(seconds=3)]
