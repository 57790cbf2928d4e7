"""The delivery worker obeys each person's preferences (`application.delivery.preferences`):
own notification hours replace the organization's, a daily digest carries low-priority kinds
in one DM (once, even when its first send fails), muted kinds never become deliveries while
requests and meetings always do, and whoever an outbox row concerns gets their Home again."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import time, timedelta
from typing import Any

import attrs
import pytest

from adapters.mail.render import PlainMailRenderer
from adapters.persistence.outbox import MemoryOutbox
from adapters.persistence.preferences import MemoryPreferenceStore
from adapters.slack.blocks.renderer import BlockKitRenderer
from application.delivery.model import (
    Channel,
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationKind,
    Subject,
)
from application.delivery.preferences import FollowingPreferences, PersonalTiming
from application.ports import OutboxMessage
from application.slack.gateway import SlackUnavailable
from domain.ids import OrganizationId, UserId, new_id
from domain.preferences import NotificationPreferences
from domain.working_hours import WorkingWindow
from slack_sandbox.blockkit.validation import check_message
from tests.unit.delivery.test_sender import PlainSlack, Post
from tests.unit.delivery.test_sender import post as post  # the fixture, used by name
from tests.unit.world import T0, fresh

K = NotificationKind
# The fixture's clock starts on Monday 2026-03-02 09:00 UTC, inside the default window.


@pytest.fixture
def prefs() -> MemoryPreferenceStore:
    return MemoryPreferenceStore()


@pytest.fixture
def sending(post: Post, prefs: MemoryPreferenceStore) -> Post:
    post.sender.timing = PersonalTiming(store=prefs)
    return post


async def choose(post: Post, prefs: MemoryPreferenceStore, **choices: Any) -> None:
    p = NotificationPreferences(user_id=UserId(post.scene.maria.actor.user_id),
                                organization_id=OrganizationId(post.scene.acme.organization.id))
    for name, value in choices.items():
        setattr(p, name, value)
    await prefs.save(p)


async def queue(post: Post, kind: NotificationKind, facts: dict[str, Any] | None = None) -> str:
    """A delivery of `kind` to Maria, expanded from its own outbox row."""
    now = post.clock.now()
    row_id = len(post.store.outbox) + 1
    post.store.outbox.append(OutboxMessage(
        id=row_id, topic="connection.task_completed",
        organization_id=post.scene.acme.organization.id, payload={}, created_at=now,
        available_at=now,
    ))  # fmt: skip
    [row] = await MemoryOutbox(post.store).claim(now, 1, timedelta(minutes=1))
    note = Notification(
        kind=kind, organization_id=post.scene.acme.organization.id,
        program_id=post.scene.program.id, recipient_user_id=post.scene.maria.actor.user_id,
        subject=Subject(kind="task", id=new_id()), facts=facts or {"title": "t"},
        outbox_id=row.id, created_at=now, urgent=kind in (K.MENTOR_REQUEST_RECEIVED,),
    )  # fmt: skip
    delivery = Delivery(id=new_id(), notification=note, status=DeliveryStatus.PENDING,
                        next_attempt_at=now)  # fmt: skip
    assert await post.deliveries.expand(row.id, [delivery]), "expanded"
    return delivery.id


def rendered(post: Post) -> list[Notification]:
    renderer = post.sender.slack_renderer
    assert isinstance(renderer, PlainSlack)
    return renderer.rendered


async def test_own_hours_hold_what_the_organizations_would_send(
    sending: Post, prefs: MemoryPreferenceStore
) -> None:
    await choose(sending, prefs, window=WorkingWindow(start=time(10), end=time(12)))
    held = await queue(sending, K.TASK_ASSIGNED)
    await sending.sender.send_due()
    delivery = await sending.status(held)
    assert delivery.status is DeliveryStatus.HELD
    assert delivery.next_attempt_at == sending.clock.now().replace(hour=10)
    sending.clock.advance(hours=1)
    await sending.sender.send_due()
    assert (await sending.status(held)).status is DeliveryStatus.SENT


async def test_own_hours_send_when_the_organizations_would_hold(
    sending: Post, prefs: MemoryPreferenceStore
) -> None:
    await choose(sending, prefs, window=WorkingWindow(start=time(20), end=time(23)))
    sending.clock.advance(hours=12)  # Monday 21:00: the organization's window is closed
    sent = await queue(sending, K.MENTOR_REQUEST_RECEIVED)
    await sending.sender.send_due()
    assert (await sending.status(sent)).status is DeliveryStatus.SENT


async def test_without_preferences_the_organizations_hours_apply(sending: Post) -> None:
    sending.clock.advance(hours=12)
    held = await queue(sending, K.TASK_ASSIGNED)
    await sending.sender.send_due()
    assert (await sending.status(held)).status is DeliveryStatus.HELD


async def test_a_daily_digest_carries_the_days_low_priority_news_in_one_dm(
    sending: Post, prefs: MemoryPreferenceStore
) -> None:
    await choose(sending, prefs, digest=True)
    done = [await queue(sending, K.TASK_COMPLETED, {"title": f"Task {n}", "by": {"name": "Sam"}})
            for n in range(2)]  # fmt: skip
    sending.clock.advance(hours=3)
    news = await queue(sending, K.ANNOUNCEMENT, {"program_name": "Pilot", "text": "Hi all",
                                                 "by_name": "Ada"})  # fmt: skip
    now_message = await queue(sending, K.MESSAGE_RECEIVED)  # not low-priority: at once
    await sending.sender.send_due()
    assert (await sending.status(now_message)).status is DeliveryStatus.SENT
    tuesday_8 = sending.clock.now().replace(hour=8) + timedelta(days=1)
    for held in [*done, news]:
        delivery = await sending.status(held)
        assert (delivery.status, delivery.next_attempt_at) == (DeliveryStatus.HELD, tuesday_8)
    sending.clock.current = tuesday_8
    await sending.sender.send_due()
    digests = [n for n in rendered(sending) if n.kind is K.DIGEST]
    assert len(digests) == 1
    assert [i["kind"] for i in digests[0].facts["items"]] == [
        "task_completed", "task_completed", "announcement"]  # fmt: skip
    assert len(sending.dms_to_maria()) == 2  # the message, then the digest
    for held in [*done, news]:
        delivery = await sending.status(held)
        assert (delivery.status, delivery.channel) == (DeliveryStatus.SENT, Channel.SLACK)
    assert await sending.sender.send_due() == 0


async def test_a_digest_whose_send_fails_goes_out_whole_on_the_retry(
    sending: Post, prefs: MemoryPreferenceStore
) -> None:
    await choose(sending, prefs, digest=True)
    for n in range(3):
        await queue(sending, K.TASK_COMPLETED, {"title": f"Task {n}", "by": {"name": "Sam"}})
    await sending.sender.send_due()
    sending.clock.current = sending.clock.now().replace(hour=8) + timedelta(days=1)
    sending.slack.fail_next("chat.postMessage", SlackUnavailable("down"))
    await sending.sender.send_due()
    assert not sending.dms_to_maria()
    sending.clock.advance(minutes=5)
    await sending.sender.send_due()
    assert len(sending.dms_to_maria()) == 1
    digests = [n for n in rendered(sending) if n.kind is K.DIGEST]
    assert {len(d.facts["items"]) for d in digests} == {3}, "every try carries all three"


async def test_requests_are_never_put_in_a_digest(
    sending: Post, prefs: MemoryPreferenceStore
) -> None:
    await choose(sending, prefs, digest=True)
    request = await queue(sending, K.MENTOR_REQUEST_RECEIVED)
    await sending.sender.send_due()
    assert (await sending.status(request)).status is DeliveryStatus.SENT


class Table:
    """The notification table's stand-in: one notification per (kind, urgent) it is given."""

    def __init__(self, made: Sequence[Notification]) -> None:
        self.made = made

    async def notifications_for(self, row: OutboxMessage, uow: Any) -> Sequence[Notification]:
        return self.made


class Homes:
    def __init__(self) -> None:
        self.stale: set[str] = set()

    def mark_stale(self, user_ids: Iterable[str]) -> None:
        self.stale.update(user_ids)


def _note(kind: NotificationKind, to: str, *, urgent: bool = False,
          refresh: bool = False) -> Notification:  # fmt: skip
    return Notification(
        kind=kind, organization_id="o1", program_id=None, recipient_user_id=to,
        subject=Subject(kind="x", id="1"), facts={}, outbox_id=1, created_at=T0,
        urgent=urgent, refresh=refresh,
    )  # fmt: skip


async def test_muted_kinds_never_become_deliveries_but_requests_always_do(
    post: Post, prefs: MemoryPreferenceStore
) -> None:
    maria = post.scene.maria.actor.user_id
    await choose(post, prefs, muted=frozenset({"message_received", "meeting_proposed"}))
    made = [_note(K.MESSAGE_RECEIVED, maria), _note(K.MESSAGE_RECEIVED, "someone-else"),
            _note(K.MEETING_PROPOSED, maria, urgent=True),
            _note(K.TASK_ASSIGNED, maria, refresh=True)]  # fmt: skip
    policy = FollowingPreferences(inner=Table(made), preferences=prefs)
    row = OutboxMessage(id=1, topic="x", organization_id="o1", payload={},
                        created_at=post.clock.now(), available_at=post.clock.now())  # fmt: skip
    async with fresh(post.store) as uow:
        kept = await policy.notifications_for(row, uow)
    assert [(n.kind, n.recipient_user_id) for n in kept] == [
        (K.MESSAGE_RECEIVED, "someone-else"), (K.MEETING_PROPOSED, maria),
        (K.TASK_ASSIGNED, maria)]  # fmt: skip


async def test_whoever_a_row_concerns_gets_their_home_again(post: Post) -> None:
    scene, homes = post.scene, Homes()
    policy = FollowingPreferences(inner=Table([]), preferences=MemoryPreferenceStore(),
                                  homes=homes)  # fmt: skip
    row = OutboxMessage(
        id=1, topic="mentor_request.sent", organization_id="o1",
        payload={"mentee_id": scene.sam.id, "mentor_id": scene.maria.id, "request_id": "r1"},
        created_at=post.clock.now(), available_at=post.clock.now(),
    )  # fmt: skip
    async with fresh(post.store) as uow:
        await policy.notifications_for(row, uow)
    assert homes.stale == {scene.sam.actor.user_id, scene.maria.actor.user_id}


async def test_news_that_no_home_shows_publishes_no_home(post: Post) -> None:
    homes = Homes()
    policy = FollowingPreferences(inner=Table([_note(K.ANNOUNCEMENT, "u1")]),
                                  preferences=MemoryPreferenceStore(), homes=homes)  # fmt: skip
    row = OutboxMessage(id=1, topic="program.announcement_made", organization_id="o1",
                        payload={"program_id": post.scene.program.id},
                        created_at=post.clock.now(), available_at=post.clock.now())  # fmt: skip
    async with fresh(post.store) as uow:
        assert len(await policy.notifications_for(row, uow)) == 1
    assert homes.stale == set()


def test_the_digest_renders_in_slack_and_by_e_mail() -> None:
    items = [{"kind": "announcement", "facts": {"program_name": "Pilot", "text": "Hi <all>",
                                                "by_name": "Ada"}},
             {"kind": "task_completed", "facts": {"title": "Read", "by": {"name": "Sam"}}}]
    items += [items[1]] * 45  # more than one message shows
    note = attrs.evolve(_note(K.DIGEST, "u1"), facts={"items": items, "timezone": "UTC"})
    content = BlockKitRenderer().render(note, delivery_id="d1")
    check_message(content.text, json.dumps(list(content.blocks)))  # raises on what Slack refuses
    assert content.text == "Your daily digest: 47 items"
    said = json.dumps(list(content.blocks))
    assert "Hi &lt;all&gt;" in said and "Sam finished *Read*" in said and "and 7 more" in said
    mail = PlainMailRenderer("http://x").render(note)
    assert mail.subject == "Your daily digest from mentorlink"
    assert "- Pilot: Hi <all> (Ada)" in mail.text and "- Sam finished: Read" in mail.text
