"""Every notification kind (and each refresh) as an e-mail: a one-line subject, plain text
and HTML with user text escaped, times in the organization's timezone, and a link to the
platform instead of buttons."""

from __future__ import annotations

import attrs
import pytest

from adapters.mail.render import RENDERERS, PlainMailRenderer
from adapters.persistence.memory import MemoryStore
from application.delivery.model import Notification, NotificationKind
from application.running import UseCaseRunner
from tests.unit.delivery.journey import journey
from tests.unit.world import FixedClock, Scene, World

PUBLIC = "https://mentorlink.example"
renderer = PlainMailRenderer(PUBLIC)


@pytest.fixture
async def told(
    world: World, run: UseCaseRunner, scene: Scene, store: MemoryStore, clock: FixedClock
) -> list[Notification]:
    return await journey(world, run, scene, store, clock)


def test_every_kind_has_a_mail() -> None:
    assert set(RENDERERS) == set(NotificationKind)


async def test_every_notification_reads_as_an_email_with_a_link(told: list[Notification]) -> None:
    for n in told:
        mail = renderer.render(n)
        assert mail.subject and "\n" not in mail.subject and len(mail.subject) <= 150
        assert f"{PUBLIC}/" in mail.text
        assert f'href="{PUBLIC}/"' in mail.html
        assert "<text>" not in mail.html, n.kind


async def test_user_text_is_escaped_in_html_and_kept_in_plain_text(
    told: list[Notification],
) -> None:
    (message, *_) = [n for n in told if n.kind is NotificationKind.MESSAGE_RECEIVED]
    mail = renderer.render(message)
    assert "&lt;text&gt; &amp; *stars*" in mail.html
    assert "<text> & *stars*" in mail.text


async def test_times_are_in_the_organizations_timezone(told: list[Notification]) -> None:
    (proposed, *_) = [
        n for n in told if n.kind is NotificationKind.MEETING_PROPOSED and not n.refresh
    ]
    assert "(UTC)" in renderer.render(proposed).text
    paris = attrs.evolve(proposed, facts={**proposed.facts, "timezone": "Europe/Paris"})
    assert "(Europe/Paris)" in renderer.render(paris).text
