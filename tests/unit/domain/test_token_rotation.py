"""A rotating bot token: its refresh token and expiry go together, it is due ahead of its
expiry, and a renewal keeps the new pair only while the installation is connected."""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest

from domain.errors import IllegalTransition, InvalidInput
from domain.slack.installation import BotCredentials, RemovedBy
from tests.unit.domain.test_installation import bot, installation
from tests.unit.world import T0

EXPIRES = T0 + timedelta(hours=12)


def rotating(token: str = "xoxe.xoxb-1") -> BotCredentials:
    return attrs.evolve(bot(token), refresh_token="xoxe-1-r1", expires_at=EXPIRES)


def test_a_refresh_token_and_an_expiry_come_together() -> None:
    with pytest.raises(InvalidInput):
        attrs.evolve(bot(), refresh_token="xoxe-1-r1")
    with pytest.raises(InvalidInput):
        attrs.evolve(bot(), expires_at=EXPIRES)
    assert rotating().rotates and not bot().rotates


def test_due_ahead_of_expiry_and_a_lasting_token_never() -> None:
    ahead = timedelta(hours=2)
    assert not rotating().due_for_renewal(EXPIRES - ahead - timedelta(seconds=1), ahead=ahead)
    assert rotating().due_for_renewal(EXPIRES - ahead, ahead=ahead)
    assert not bot().due_for_renewal(EXPIRES + timedelta(days=99), ahead=ahead)


def test_the_refresh_token_never_shows_in_a_repr() -> None:
    assert "xoxe-1-r1" not in repr(rotating()) and "xoxe.xoxb-1" not in repr(rotating())


def test_token_rotated_keeps_the_new_pair_and_changes_nothing_else() -> None:
    subject = installation()
    subject.bot = rotating()
    subject.pull_events()
    later = EXPIRES + timedelta(hours=10)
    subject.token_rotated(token="xoxe.xoxb-2", refresh_token="xoxe-1-r2", expires_at=later,
                          now=EXPIRES - timedelta(hours=2))
    assert subject.bot is not None
    assert (subject.bot.token, subject.bot.refresh_token, subject.bot.expires_at) == (
        "xoxe.xoxb-2", "xoxe-1-r2", later)
    assert (subject.bot.bot_user_id, subject.bot.scopes) == ("U0BOT", ("chat:write",))
    assert subject.is_active and subject.events == []


def test_a_renewal_is_refused_when_it_makes_no_sense() -> None:
    subject = installation()
    with pytest.raises(IllegalTransition):  # a lasting token
        subject.token_rotated(token="t", refresh_token="r", expires_at=EXPIRES, now=T0)
    subject.bot = rotating()
    with pytest.raises(InvalidInput):  # already expired
        subject.token_rotated(token="t", refresh_token="r", expires_at=T0, now=T0)
    with pytest.raises(InvalidInput):  # no next refresh token
        subject.token_rotated(token="t", refresh_token="", expires_at=EXPIRES, now=T0)
    subject.remove(by=RemovedBy.ADMIN, now=T0)
    with pytest.raises(IllegalTransition):
        subject.token_rotated(token="t", refresh_token="r", expires_at=EXPIRES, now=T0)
    assert subject.bot is None


def test_a_refused_renewal_says_so_in_words() -> None:
    subject = installation()
    subject.bot = rotating()
    assert subject.token_refused(reason="invalid_refresh_token", now=T0)
    assert subject.needs_reconnecting
    assert subject.lost_reason_text == (
        "Slack refused to renew its expiring token (invalid_refresh_token).")
