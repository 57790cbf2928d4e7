"""The delivery store's contract: outbox rows are expanded into deliveries exactly once,
deliveries are claimed with a lease that a crashed worker's successor takes over, and every
outcome (sent, retry, dead, unreachable, hold, release, requeue) changes only a claimed
delivery. Runs on the in-memory fake, SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import attrs
import pytest

from application.delivery.model import Channel, Delivery, DeliveryStatus, SlackMessageRef, Subject
from application.delivery.ports import DeliveryStore
from domain.errors import NotFound
from tests.contract.builders import NOW
from tests.contract.delivery_backends import LEASE, DeliveryDb, delivery
from tests.contract.delivery_backends import delivery_db as delivery_db  # the `db` fixture

S = DeliveryStatus
REF = SlackMessageRef(installation_id="inst-1", channel_id="D0MENTOR", ts="1764590400.000100")


async def expanded(db: DeliveryDb, *deliveries: Delivery) -> DeliveryStore:
    """`deliveries` stored by expanding one claimed outbox row; the store."""
    (row,) = await db.claimed_outbox_rows(1)
    store = db.store()
    assert await store.expand(row.id, [from_row(d, row.id) for d in deliveries])
    return store


def from_row(d: Delivery, outbox_id: int) -> Delivery:
    return attrs.evolve(d, notification=attrs.evolve(d.notification, outbox_id=outbox_id))


async def one_claimed(db: DeliveryDb, id: str = "d1") -> tuple[DeliveryStore, Delivery]:
    store = await expanded(db, delivery(id, 0))
    (claimed,) = await store.claim(NOW, 1, LEASE)
    return store, claimed


# expand


async def test_expand_stores_the_deliveries_and_marks_the_outbox_row_handled(
    db: DeliveryDb,
) -> None:
    (row,) = await db.claimed_outbox_rows(1)
    store = db.store()
    d1 = delivery("d1", row.id)
    d2 = delivery("d2", row.id, recipient="u-mentee", status=S.UNREACHABLE, channel=None)
    assert await store.expand(row.id, [d1, d2]) is True
    assert await store.get("d1") == d1
    assert await store.get("d2") == d2
    assert await db.outbox().acknowledge(row.id) is False  # handled, not claimed
    assert await db.outbox().claim(NOW + timedelta(days=1), 10, LEASE) == []


async def test_expand_of_a_row_handled_elsewhere_stores_nothing(db: DeliveryDb) -> None:
    (row,) = await db.claimed_outbox_rows(1)
    first, second = db.store(), db.store()
    # The lease ended and another worker took the row over: whoever expands first wins.
    (again,) = await db.outbox().claim(NOW + LEASE, 1, LEASE)
    assert again.id == row.id
    assert await first.expand(row.id, [delivery("d1", row.id)]) is True
    assert await second.expand(row.id, [delivery("d2", row.id)]) is False
    with pytest.raises(NotFound):
        await second.get("d2")
    assert [d.id for d in await first.list_for_organization("acme")] == ["d1"]


async def test_expand_of_a_row_not_claimed_stores_nothing(db: DeliveryDb) -> None:
    (row,) = await db.claimed_outbox_rows(1)
    assert await db.outbox().retry(row.id, "worker stopping", NOW) is True  # pending again
    store = db.store()
    assert await store.expand(row.id, [delivery("d1", row.id)]) is False
    assert await store.expand(999, [delivery("d9", 999)]) is False
    assert await store.list_for_organization("acme") == []


async def test_concurrent_expansions_of_one_row_store_one_set(db: DeliveryDb) -> None:
    (row,) = await db.claimed_outbox_rows(1)
    stores = [db.store() for _ in range(4)]
    won = await asyncio.gather(
        *(
            s.expand(row.id, [delivery(f"d{i}a", row.id), delivery(f"d{i}b", row.id)])
            for i, s in enumerate(stores)
        )
    )
    assert sorted(won) == [False, False, False, True]
    assert len(await stores[0].list_for_organization("acme")) == 2


async def test_expand_with_no_recipients_just_handles_the_row(db: DeliveryDb) -> None:
    (row,) = await db.claimed_outbox_rows(1)
    assert await db.store().expand(row.id, []) is True
    assert await db.outbox().acknowledge(row.id) is False


# claim and lease


async def test_claim_leases_due_deliveries_oldest_due_first_and_counts_an_attempt(
    db: DeliveryDb,
) -> None:
    store = await expanded(
        db,
        delivery("d3", 0, due=NOW + timedelta(seconds=2)),
        delivery("d1", 0),
        delivery("d2", 0, due=NOW + timedelta(seconds=1)),
        delivery("d4", 0, due=NOW + timedelta(hours=1)),  # not yet due
        delivery("d5", 0, status=S.UNREACHABLE, channel=None),  # never claimed
    )
    now = NOW + timedelta(minutes=1)
    first = await store.claim(now, 2, LEASE)
    assert [d.id for d in first] == ["d1", "d2"]
    assert {(d.status, d.attempts, d.lease_until, d.next_attempt_at) for d in first} == {
        (S.SENDING, 1, now + LEASE, now + LEASE)
    }
    assert [d.id for d in await store.claim(now, 10, LEASE)] == ["d3"]
    assert await store.claim(now, 10, LEASE) == []
    assert await store.claim(now, 0, LEASE) == []
    assert (await store.get("d1")).status is S.SENDING


async def test_a_held_delivery_is_due_at_its_window(db: DeliveryDb) -> None:
    opens = NOW + timedelta(hours=10)
    store = await expanded(db, delivery("d1", 0, status=S.HELD, due=opens))
    assert await store.claim(opens - timedelta(seconds=1), 10, LEASE) == []
    assert [d.id for d in await store.claim(opens, 10, LEASE)] == ["d1"]


async def test_a_live_lease_is_never_shared_and_an_ended_one_is_taken_over(db: DeliveryDb) -> None:
    store, _ = await one_claimed(db)
    crashed_worker, successor = store, db.store()
    assert await successor.claim(NOW + LEASE - timedelta(microseconds=1), 1, LEASE) == []
    (taken,) = await successor.claim(NOW + LEASE, 1, LEASE)
    assert (taken.id, taken.attempts, taken.lease_until) == ("d1", 2, NOW + 2 * LEASE)
    assert await crashed_worker.claim(NOW + LEASE, 1, LEASE) == []


async def test_concurrent_claimers_never_share_a_delivery(db: DeliveryDb) -> None:
    await expanded(db, *(delivery(f"d{i:02}", 0) for i in range(20)))
    workers = [db.store() for _ in range(5)]
    batches = await asyncio.gather(*(w.claim(NOW, 6, LEASE) for w in workers))
    ids = [d.id for batch in batches for d in batch]
    assert len(ids) == len(set(ids)) == 20
    assert await workers[0].claim(NOW, 10, LEASE) == []


async def test_a_worker_whose_lease_was_taken_over_changes_nothing(db: DeliveryDb) -> None:
    store, mine = await one_claimed(db)
    (theirs,) = await db.store().claim(NOW + LEASE, 1, LEASE)  # after mine ended
    late = mine.lease_until
    assert await store.release("d1", now=NOW, lease_until=late) is False
    assert await store.hold("d1", until=NOW, lease_until=late) is False
    assert await store.dead("d1", error="x", lease_until=late) is False
    assert await store.unreachable("d1", reason="x", lease_until=late) is False
    assert await store.retry("d1", error="x", at=NOW, max_attempts=9, lease_until=late) is False
    assert (
        await store.sent("d1", channel=Channel.SLACK, slack=REF, now=NOW, lease_until=late) is False
    )
    assert await store.get("d1") == theirs
    assert await store.claim(NOW + LEASE, 1, LEASE) == []  # still leased by the successor
    assert await store.release("d1", now=NOW, lease_until=theirs.lease_until) is True


# outcomes


async def test_sent_records_the_channel_and_the_slack_message(db: DeliveryDb) -> None:
    store, _ = await one_claimed(db)
    at = NOW + timedelta(seconds=3)
    assert await store.sent("d1", channel=Channel.SLACK, slack=REF, now=at) is True
    d = await store.get("d1")
    assert (d.status, d.channel, d.slack, d.sent_at, d.lease_until) == (
        S.SENT,
        Channel.SLACK,
        REF,
        at,
        None,
    )
    assert await store.sent("d1", channel=Channel.SLACK, slack=REF, now=at) is False
    assert await store.claim(NOW + timedelta(days=1), 10, LEASE) == []


async def test_a_rerouted_delivery_is_sent_by_e_mail(db: DeliveryDb) -> None:
    store, _ = await one_claimed(db)
    assert await store.sent("d1", channel=Channel.EMAIL, slack=None, now=NOW) is True
    d = await store.get("d1")
    assert (d.channel, d.slack) == (Channel.EMAIL, None)


async def test_retry_keeps_the_error_and_is_due_again(db: DeliveryDb) -> None:
    store, _ = await one_claimed(db)
    at = NOW + timedelta(seconds=30)
    assert await store.retry("d1", error="ratelimited", at=at, max_attempts=3) is True
    assert await store.retry("d1", error="again", at=at, max_attempts=3) is False
    d = await store.get("d1")
    assert (d.status, d.last_error, d.next_attempt_at, d.lease_until) == (
        S.RETRYING,
        "ratelimited",
        at,
        None,
    )
    assert await store.claim(at - timedelta(seconds=1), 1, LEASE) == []
    (again,) = await store.claim(at, 1, LEASE)
    assert (again.attempts, again.last_error) == (2, "ratelimited")


async def test_retry_turns_dead_at_max_attempts_with_the_error_kept(db: DeliveryDb) -> None:
    store = await expanded(db, delivery("d1", 0))
    now = NOW
    for attempt in range(1, 4):
        (claimed,) = await store.claim(now, 1, LEASE)
        assert claimed.attempts == attempt
        assert await store.retry("d1", error=f"HTTP 503 ({attempt})", at=now, max_attempts=3)
    d = await store.get("d1")
    assert (d.status, d.attempts, d.last_error) == (S.DEAD, 3, "HTTP 503 (3)")
    assert await store.claim(now + timedelta(days=365), 10, LEASE) == []


async def test_dead_and_unreachable_keep_their_reason(db: DeliveryDb) -> None:
    store = await expanded(db, delivery("d1", 0), delivery("d2", 0))
    await store.claim(NOW, 2, LEASE)
    assert await store.dead("d1", error="invalid_blocks: block_id too long") is True
    assert await store.unreachable("d2", reason="token_revoked; no e-mail address") is True
    assert await store.dead("d1", error="again") is False
    assert await store.unreachable("d2", reason="again") is False
    d1, d2 = await store.get("d1"), await store.get("d2")
    assert (d1.status, d1.last_error) == (S.DEAD, "invalid_blocks: block_id too long")
    assert (d2.status, d2.last_error) == (S.UNREACHABLE, "token_revoked; no e-mail address")
    assert await store.claim(NOW + timedelta(days=1), 10, LEASE) == []


async def test_hold_waits_for_the_window_without_spending_an_attempt(db: DeliveryDb) -> None:
    store, _ = await one_claimed(db)
    opens = NOW + timedelta(hours=9)
    assert await store.hold("d1", until=opens) is True
    assert await store.hold("d1", until=opens) is False
    d = await store.get("d1")
    assert (d.status, d.attempts, d.next_attempt_at, d.lease_until) == (S.HELD, 0, opens, None)
    assert await store.claim(opens - timedelta(seconds=1), 1, LEASE) == []
    (again,) = await store.claim(opens, 1, LEASE)
    assert again.attempts == 1


async def test_release_gives_a_delivery_back_untried(db: DeliveryDb) -> None:
    store, _ = await one_claimed(db)
    later = NOW + timedelta(seconds=2)  # e.g. when the pacing has a slot again
    assert await store.release("d1", now=later) is True
    assert await store.release("d1", now=later) is False
    d = await store.get("d1")
    assert (d.status, d.attempts, d.next_attempt_at, d.lease_until) == (S.PENDING, 0, later, None)
    assert [x.id for x in await db.store().claim(later, 1, LEASE)] == ["d1"]


async def test_requeue_gives_the_dead_and_the_unreachable_a_fresh_start(db: DeliveryDb) -> None:
    store = await expanded(
        db, delivery("d1", 0), delivery("d2", 0, status=S.UNREACHABLE, channel=None)
    )
    await store.claim(NOW, 1, LEASE)
    assert await store.requeue("d1", now=NOW) is False  # claimed, not dead
    assert await store.dead("d1", error="invalid_blocks") is True
    later = NOW + timedelta(days=1)
    assert await store.requeue("d1", now=later) is True
    assert await store.requeue("d2", now=later) is True
    assert await store.requeue("d1", now=later) is False
    assert await store.requeue("nope", now=later) is False
    d1 = await store.get("d1")
    assert (d1.status, d1.attempts, d1.next_attempt_at) == (S.PENDING, 0, later)
    assert [d.id for d in await store.claim(later, 10, LEASE)] == ["d1", "d2"]


async def test_outcomes_of_unclaimed_or_unknown_deliveries_change_nothing(db: DeliveryDb) -> None:
    store = await expanded(db, delivery("d1", 0))
    before = await store.get("d1")
    for outcome in (
        store.sent("d1", channel=Channel.SLACK, slack=REF, now=NOW),
        store.retry("d1", error="x", at=NOW, max_attempts=1),
        store.dead("d1", error="x"),
        store.unreachable("d1", reason="x"),
        store.hold("d1", until=NOW),
        store.release("d1", now=NOW),
        store.sent("nope", channel=Channel.SLACK, slack=REF, now=NOW),
        store.retry("nope", error="x", at=NOW, max_attempts=1),
    ):
        assert await outcome is False
    assert await store.get("d1") == before
    with pytest.raises(NotFound):
        await store.get("nope")


# keeping messages true


async def test_slack_messages_about_a_subject_are_the_sent_slack_ones(db: DeliveryDb) -> None:
    request = Subject(kind="mentor_request", id="r1")
    other = Subject(kind="meeting", id="m1")
    store = await expanded(
        db,
        delivery("d1", 0, subject=request),
        delivery("d2", 0, subject=request, recipient="u-mentee"),
        delivery("d3", 0, subject=request, recipient="u-other"),
        delivery("d4", 0, subject=other),
    )
    await store.claim(NOW, 4, LEASE)
    await store.sent("d1", channel=Channel.SLACK, slack=REF, now=NOW)
    await store.sent("d2", channel=Channel.EMAIL, slack=None, now=NOW)  # nothing to update
    await store.sent("d4", channel=Channel.SLACK, slack=REF, now=NOW)
    assert [d.id for d in await store.slack_messages_about("mentor_request:r1")] == ["d1"]
    assert [d.id for d in await store.slack_messages_about("meeting:m1")] == ["d4"]
    assert await store.slack_messages_about("meeting:zzz") == []


async def test_record_update_lets_the_latest_version_win(db: DeliveryDb) -> None:
    store, _ = await one_claimed(db)  # its message shows version 1
    assert await store.record_update("d1", 2) is False  # not sent yet
    await store.sent("d1", channel=Channel.SLACK, slack=REF, now=NOW)
    assert await store.record_update("d1", 3) is True
    assert await store.record_update("d1", 2) is False  # older, arrived late
    assert await store.record_update("d1", 3) is False  # already shown
    assert await store.record_update("nope", 9) is False
    (about,) = await store.slack_messages_about("mentor_request:r1")
    assert about.notification.subject_version == 3
    assert (await store.get("d1")).notification.subject_version == 3
    # versions are event times in microseconds: far beyond 32 bits
    microseconds = 1_795_785_037_564_238
    assert await store.record_update("d1", microseconds) is True
    assert (await store.get("d1")).notification.subject_version == microseconds


async def test_a_delivery_expanded_with_a_version_of_event_microseconds(db: DeliveryDb) -> None:
    version = 1_795_785_037_564_238
    store = await expanded(db, delivery("big", 0, version=version))
    assert (await store.get("big")).notification.subject_version == version


# what administrators see


async def test_list_and_counts_for_an_organization(db: DeliveryDb) -> None:
    hour = timedelta(hours=1)
    store = await expanded(
        db,
        delivery("d1", 0, created_at=NOW - 30 * hour),
        delivery("d2", 0, created_at=NOW - hour),
        delivery("d3", 0, created_at=NOW, status=S.UNREACHABLE, channel=None),
        delivery("d4", 0, created_at=NOW),
        delivery("d5", 0, created_at=NOW, organization="globex"),
    )
    (claimed,) = await store.claim(NOW, 1, LEASE)
    assert claimed.id == "d1"
    await store.dead("d1", error="invalid_blocks")
    assert [d.id for d in await store.list_for_organization("acme")] == ["d4", "d3", "d2", "d1"]
    assert [d.id for d in await store.list_for_organization("acme", limit=2)] == ["d4", "d3"]
    since = NOW - 24 * hour
    recent = await store.list_for_organization("acme", since=since)
    assert [d.id for d in recent] == ["d4", "d3", "d2"]
    dead = await store.list_for_organization("acme", statuses=[S.DEAD, S.UNREACHABLE])
    assert [d.id for d in dead] == ["d3", "d1"]
    assert dict(await store.counts("acme", since=since)) == {
        (S.PENDING, Channel.SLACK): 2,
        (S.UNREACHABLE, None): 1,
    }
    assert dict(await store.counts("acme", since=NOW - 48 * hour)) == {
        (S.PENDING, Channel.SLACK): 2,
        (S.UNREACHABLE, None): 1,
        (S.DEAD, Channel.SLACK): 1,
    }
    assert dict(await store.counts("initech", since=since)) == {}


async def test_sent_by_installation_counts_the_slack_messages_that_went_out(
    db: DeliveryDb,
) -> None:
    store = await expanded(
        db,
        delivery("d1", 0, created_at=NOW - timedelta(days=3)),
        delivery("d2", 0),
        delivery("d3", 0),
        delivery("d4", 0, organization="globex"),
    )
    for claimed in await store.claim(NOW, 10, LEASE):
        if claimed.id != "d3":
            assert await store.sent(claimed.id, channel=Channel.SLACK, slack=REF, now=NOW)
    assert dict(await store.sent_by_installation("acme", since=NOW - timedelta(days=7))) == {
        "inst-1": 2
    }
    assert dict(await store.sent_by_installation("acme", since=NOW - timedelta(days=1))) == {
        "inst-1": 1
    }
    assert dict(await store.sent_by_installation("initech", since=NOW)) == {}


async def test_totals_and_the_oldest_waiting_span_every_organization(db: DeliveryDb) -> None:
    store = db.store()
    assert dict(await store.totals()) == {}
    assert await store.oldest_waiting() is None
    store = await expanded(
        db,
        delivery("d1", 0, created_at=NOW - timedelta(hours=2)),
        delivery("d2", 0, created_at=NOW - timedelta(hours=1), organization="globex"),
        delivery("d3", 0, created_at=NOW, status=S.UNREACHABLE, channel=None),
    )
    assert dict(await store.totals()) == {(S.PENDING, Channel.SLACK): 2, (S.UNREACHABLE, None): 1}
    assert await store.oldest_waiting() == NOW - timedelta(hours=2)
    (claimed,) = await store.claim(NOW, 1, LEASE)  # d1, the oldest: now sending
    assert await store.oldest_waiting() == NOW - timedelta(hours=1)
    assert await store.sent(claimed.id, channel=Channel.EMAIL, slack=None, now=NOW)
    assert dict(await store.totals()) == {
        (S.PENDING, Channel.SLACK): 1,
        (S.SENT, Channel.EMAIL): 1,
        (S.UNREACHABLE, None): 1,
    }
