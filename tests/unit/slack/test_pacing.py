"""Learned pacing: after a 429, calls of that method for that token are spaced by Retry-After."""

from __future__ import annotations

from adapters.slack.pacing import RatePacer, pace_key


class Clock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


async def test_no_pacing_until_slack_says_so() -> None:
    clock = Clock()
    pacer = RatePacer(clock, clock.sleep)
    for _ in range(5):
        await pacer.wait_turn("k")
    assert clock.slept == []


async def test_after_a_429_calls_are_spaced_by_the_wait_slack_asked_for() -> None:
    clock = Clock()
    pacer = RatePacer(clock, clock.sleep)
    pacer.slow_down("k", 3.0)  # a 429 at t=100; slack-sdk retries at t=103
    clock.now += 3.5  # the retry, answered half a second later
    await pacer.wait_turn("k")  # the next page waits for the slot after the retry's
    clock.now += 0.5
    await pacer.wait_turn("k")
    await pacer.wait_turn("k")
    assert clock.slept == [2.5, 2.5, 3.0]
    assert clock.now == 112.0
    await pacer.wait_turn("other")
    assert len(clock.slept) == 3


def test_keys_separate_tokens_and_methods_and_hide_the_token() -> None:
    a = pace_key("Bearer xoxb-1", "users.list")
    assert a != pace_key("Bearer xoxb-2", "users.list")
    assert a != pace_key("Bearer xoxb-1", "users.lookupByEmail")
    assert "xoxb" not in a
