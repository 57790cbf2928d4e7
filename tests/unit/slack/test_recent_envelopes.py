"""`RecentEnvelopes`: an envelope Slack sends again is answered with the first answer and
runs nothing again — also while the first is still being handled; a handling that failed is
forgotten so the repeat may try again; the memory is bounded."""

from __future__ import annotations

import asyncio

import pytest

from adapters.slack.inbox import Reply
from adapters.slack.socket_mode import RecentEnvelopes


async def test_a_repeat_gets_the_first_answer_without_running_again() -> None:
    recent, runs = RecentEnvelopes(), []

    async def handle() -> Reply:
        runs.append(1)
        return Reply({"response_action": "clear"})

    first = await recent.once(["envelope:1"], handle)
    again = await recent.once(["envelope:1"], handle)
    assert first == (Reply({"response_action": "clear"}), True)
    assert again == (Reply({"response_action": "clear"}), False)
    assert runs == [1]


async def test_a_repeat_while_the_first_runs_waits_for_it() -> None:
    recent, release, runs = RecentEnvelopes(), asyncio.Event(), []

    async def slow() -> Reply:
        runs.append(1)
        await release.wait()
        return Reply({"ok": 1})

    first = asyncio.create_task(recent.once(["envelope:1"], slow))
    await asyncio.sleep(0)
    second = asyncio.create_task(recent.once(["envelope:1"], slow))
    await asyncio.sleep(0.01)
    assert not second.done()
    release.set()
    assert (await first, await second) == ((Reply({"ok": 1}), True), (Reply({"ok": 1}), False))
    assert runs == [1]


async def test_an_event_sent_again_under_a_new_envelope_id_is_known_by_its_event_id() -> None:
    recent, runs = RecentEnvelopes(), []

    async def handle() -> Reply:
        runs.append(1)
        return Reply()

    await recent.once(["envelope:1", "event:Ev1"], handle)
    _, ran = await recent.once(["envelope:2", "event:Ev1"], handle)
    assert not ran and runs == [1]


async def test_a_failed_handling_is_forgotten() -> None:
    recent, runs = RecentEnvelopes(), []

    async def broken() -> Reply:
        runs.append(1)
        raise RuntimeError("database down")

    with pytest.raises(RuntimeError):
        await recent.once(["envelope:1"], broken)
    with pytest.raises(RuntimeError):
        await recent.once(["envelope:1"], broken)
    assert runs == [1, 1]


async def test_the_memory_is_bounded() -> None:
    recent, runs = RecentEnvelopes(size=2), []

    async def handle() -> Reply:
        runs.append(1)
        return Reply()

    for key in ("a", "b", "c", "a"):
        await recent.once([key], handle)
    assert len(runs) == 4  # "a" was forgotten once "c" came
