"""Mentor requests driven at random through the use cases on the in-memory store, checked
against a small model: who may act, final end states, expiry, and mentor capacity (several
mentees competing for a mentor's last places, also in interleaved transactions)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime, timedelta
from typing import Any

import attrs
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
)

from adapters.persistence.memory import MemoryStore, MemoryUnitOfWork, memory_uow_factory
from application.actors import SYSTEM, Actor
from application.running import UseCaseRunner
from application.usecases.answer_mentor_request import (
    AcceptMentorRequest,
    DeclineMentorRequest,
    WithdrawMentorRequest,
    accept_mentor_request,
    decline_mentor_request,
    withdraw_mentor_request,
)
from application.usecases.expire_overdue import ExpireOverdue, expire_overdue
from application.usecases.send_mentor_request import SendMentorRequest, send_mentor_request
from domain.errors import ConcurrencyConflict, DomainError, IllegalTransition, NotAllowed, NotFound
from domain.ids import MentorRequestId
from tests.unit.world import FixedClock, GatedUnitOfWork, Person, World, build_scene

EXPIRY_DAYS = 7  # the scene's program rule
SENT = "mentor_request.sent"
ENDS = {
    "accepted": "mentor_request.accepted",
    "declined": "mentor_request.declined",
    "withdrawn": "mentor_request.withdrawn",
    "expired": "mentor_request.expired",
}
ACTORS = ["mentor", "other_mentor", "mentee", "other_mentee", "bystander", "outsider"]
Outcome = type[DomainError] | None
MENTEE = st.integers(0, 3)  # index into the machine's four mentees
MENTOR = st.integers(0, 2)  # ... and its three mentors (capacities 2, 2 and 1)


@attrs.define
class Modelled:
    """What the model believes about one request."""

    mentee: Person
    mentor: Person
    expires_at: datetime
    status: str = "pending"
    decided_at: datetime | None = None


class MentorRequestMachine(RuleBasedStateMachine):
    requests = Bundle("requests")

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.store = MemoryStore()
        self.clock = FixedClock()
        self.run = UseCaseRunner(memory_uow_factory(self.store), self.clock)
        world = World(self.run)
        scene = self.sync(build_scene(world))
        program = scene.program
        self.program = program
        self.bystander: Actor = scene.bystander
        self.outsider: Actor = scene.outsider.actor
        extra = [world.mentee(scene.acme, program, n) for n in ("Kim", "Ada")]
        self.mentees = [scene.sam, scene.lee, *[self.sync(e) for e in extra]]
        cy = self.sync(world.mentor(scene.acme, program, "Cy", capacity=1))
        self.mentors = [scene.maria, scene.omar, cy]
        self.capacity = {scene.maria.id: 2, scene.omar.id: 2, cy.id: 1}
        self.model: dict[MentorRequestId, Modelled] = {}
        self.pairs: set[tuple[str, str]] = set()

    def teardown(self) -> None:
        self.loop.close()

    def sync(self, work: Coroutine[Any, Any, Any]) -> Any:
        return self.loop.run_until_complete(work)

    def attempt(self, work: Awaitable[Any]) -> Outcome:
        async def wrapped() -> DomainError | None:
            try:
                await work
            except DomainError as refused:
                return refused
            return None

        refused = self.sync(wrapped())
        if refused is None:
            return None
        assert refused.message, "a refusal says why"
        return type(refused)

    def load(self, mentor: Person) -> int:
        return sum(1 for m, _ in self.pairs if m == mentor.id)

    # --- what the model expects -------------------------------------------------------------

    def expect_send(self, mentee: Person, mentor: Person) -> Outcome:
        pending = any(
            r.status == "pending" and r.mentee is mentee and r.mentor is mentor
            for r in self.model.values()
        )
        partnered = (mentor.id, mentee.id) in self.pairs
        full = self.load(mentor) >= self.capacity[mentor.id]
        return IllegalTransition if pending or partnered or full else None

    def who(self, request: Modelled, kind: str) -> tuple[Actor, bool, bool]:
        """The actor for `kind`, whether they are the request's mentor, and its mentee."""
        if kind == "bystander":
            return self.bystander, False, False
        if kind == "outsider":
            return self.outsider, False, False
        if kind in ("mentor", "mentee"):
            person = request.mentor if kind == "mentor" else request.mentee
        elif kind == "other_mentor":
            person = next(m for m in self.mentors if m is not request.mentor)
        else:
            person = next(m for m in self.mentees if m is not request.mentee)
        return person.actor, person is request.mentor, person is request.mentee

    def expect_answer(self, request: Modelled, action: str, kind: str) -> Outcome:
        _, is_mentor, is_mentee = self.who(request, kind)
        if kind == "outsider":
            return NotFound
        if action == "withdraw":
            if not is_mentee:
                return NotAllowed
            return IllegalTransition if request.status != "pending" else None
        if not is_mentor:
            return NotAllowed
        if request.status != "pending" or self.clock.now() >= request.expires_at:
            return IllegalTransition
        full = self.load(request.mentor) >= self.capacity[request.mentor.id]
        return IllegalTransition if action == "accept" and full else None

    def apply(self, request: Modelled, action: str) -> None:
        request.status = {"accept": "accepted", "decline": "declined"}.get(action, "withdrawn")
        request.decided_at = self.clock.now()
        if action == "accept":
            self.pairs.add((request.mentor.id, request.mentee.id))

    # --- rules ---------------------------------------------------------------------------------

    def send_one(self, mentee: int, mentor: int) -> MentorRequestId | None:
        who, to = self.mentees[mentee], self.mentors[mentor]
        expected = self.expect_send(who, to)
        cmd = SendMentorRequest(program_id=self.program.id, mentor_id=to.id)
        sent: list[Any] = []

        async def go() -> None:
            sent.append(await self.run(send_mentor_request, cmd, who.actor))

        assert self.attempt(go()) is expected
        if expected is not None:
            return None
        (request,) = sent
        deadline = self.clock.now() + timedelta(days=EXPIRY_DAYS)
        assert request.expires_at == deadline
        self.model[request.id] = Modelled(mentee=who, mentor=to, expires_at=deadline)
        return MentorRequestId(request.id)

    @initialize(target=requests, asks=st.lists(st.tuples(MENTEE, MENTOR), min_size=1, max_size=6))
    def mentees_ask(self, asks: list[tuple[int, int]]) -> Any:
        """Start with several requests competing for the same few places."""
        sent = [self.send_one(mentee, mentor) for mentee, mentor in asks]
        return multiple(*[r for r in sent if r is not None])

    @rule(target=requests, mentee=MENTEE, mentor=MENTOR)
    def send(self, mentee: int, mentor: int) -> Any:
        sent = self.send_one(mentee, mentor)
        return multiple() if sent is None else sent

    @rule(
        request=requests,
        action=st.sampled_from(["accept", "decline", "withdraw"]),
        kind=st.sampled_from(ACTORS),
    )
    def answer(self, request: MentorRequestId, action: str, kind: str) -> None:
        modelled = self.model[request]
        expected = self.expect_answer(modelled, action, kind)
        actor, _, _ = self.who(modelled, kind)
        handler, cmd = {
            "accept": (accept_mentor_request, AcceptMentorRequest(request_id=request)),
            "decline": (decline_mentor_request, DeclineMentorRequest(request_id=request)),
            "withdraw": (withdraw_mentor_request, WithdrawMentorRequest(request_id=request)),
        }[action]
        assert self.attempt(self.run(handler, cmd, actor)) is expected  # type: ignore[arg-type]
        event(f"{action} by {kind}: {getattr(expected, '__name__', 'ok')}")
        if expected is None:
            self.apply(modelled, action)

    def pending(self) -> list[MentorRequestId]:
        # In sending order: ids are random, so sorting them would make draws unrepeatable.
        return [i for i, r in self.model.items() if r.status == "pending"]

    @precondition(lambda self: self.pending())
    @rule(data=st.data())
    def the_mentor_accepts_a_pending_request(self, data: st.DataObject) -> None:
        """Steer towards acceptances, so mentors fill up and capacity is contested."""
        self.answer(data.draw(st.sampled_from(self.pending())), "accept", "mentor")

    @rule(first=requests, second=requests)
    def two_mentors_accept_at_once(self, first: MentorRequestId, second: MentorRequestId) -> None:
        """Both transactions load before either commits; the first one commits first."""
        a, b = self.model[first], self.model[second]
        expected_a = self.expect_answer(a, "accept", "mentor")
        expected_b = self.expect_answer(b, "accept", "mentor")
        if expected_a is None and expected_b is None and (first == second or a.mentor is b.mentor):
            expected_b = ConcurrencyConflict
        outcomes = self.sync(self.race(self.accepting(first, a), self.accepting(second, b)))
        assert outcomes == [expected_a, expected_b]
        event(f"race: {[getattr(o, '__name__', 'ok') for o in outcomes]}")
        if expected_a is None:
            self.apply(a, "accept")
        if expected_b is None:
            self.apply(b, "accept")

    def accepting(self, request: MentorRequestId, modelled: Modelled) -> Callable[[Any], Any]:
        cmd = AcceptMentorRequest(request_id=request)
        return lambda uow: accept_mentor_request(cmd, modelled.mentor.actor, uow, self.clock)

    async def race(self, *starts: Callable[[Any], Awaitable[Any]]) -> list[Outcome]:
        gates = [GatedUnitOfWork(self.store) for _ in starts]
        tasks = [asyncio.ensure_future(s(g)) for s, g in zip(starts, gates, strict=True)]
        for _ in range(5):  # the memory store never suspends: both reach commit or fail by now
            await asyncio.sleep(0)
        assert all(t.done() or g.reached.is_set() for t, g in zip(tasks, gates, strict=True))
        outcomes: list[Outcome] = []
        for task, gate in zip(tasks, gates, strict=True):
            gate.gate.set()
            try:
                await task
                outcomes.append(None)
            except DomainError as refused:
                outcomes.append(type(refused))
        return outcomes

    @rule(request=requests)
    def expire_one_directly(self, request: MentorRequestId) -> None:
        modelled = self.model[request]
        overdue = modelled.status == "pending" and self.clock.now() >= modelled.expires_at

        async def go() -> None:
            async with MemoryUnitOfWork(self.store) as uow:
                (await uow.mentor_requests.get(request)).expire(now=self.clock.now())
                await uow.commit()

        assert self.attempt(go()) is (None if overdue else IllegalTransition)
        if overdue:
            modelled.status, modelled.decided_at = "expired", self.clock.now()

    @rule()
    def housekeeping_expires_overdue(self) -> None:
        now = self.clock.now()
        due = [r for r in self.model.values() if r.status == "pending" and now >= r.expires_at]
        expired = self.sync(self.run(expire_overdue, ExpireOverdue(), SYSTEM))
        assert (expired.requests, expired.meetings) == (len(due), 0)
        for modelled in due:
            modelled.status, modelled.decided_at = "expired", now

    @rule(hours=st.sampled_from([1, 24, 72]))
    def time_passes(self, hours: int) -> None:
        self.clock.advance(hours=hours)

    @rule(request=requests, early=st.sampled_from([timedelta(minutes=1), timedelta(0)]))
    def time_reaches_a_deadline(self, request: MentorRequestId, early: timedelta) -> None:
        """Jump to a request's deadline, or just before it: where expiry rules bite."""
        target = self.model[request].expires_at - early
        if target > self.clock.now():
            self.clock.current = target

    # --- invariants ------------------------------------------------------------------------------

    @invariant()
    def stored_requests_match_the_model(self) -> None:
        async def stored() -> dict[str, Any]:
            async with MemoryUnitOfWork(self.store) as uow:
                return {i: await uow.mentor_requests.get(i) for i in self.model}

        for request_id, saved in self.sync(stored()).items():
            modelled = self.model[request_id]
            assert (saved.status.value, saved.decided_at) == (modelled.status, modelled.decided_at)
            if saved.status.value == "expired":
                assert saved.decided_at is not None
                assert saved.decided_at >= saved.expires_at
            assert (saved.connection_id is not None) == (modelled.status == "accepted")

    @invariant()
    def every_acceptance_made_exactly_one_connection_within_capacity(self) -> None:
        rows = self.store.table("connections").values()
        stored = sorted((r["mentor_ids"][0], r["mentee_ids"][0]) for _, r in rows)
        assert stored == sorted(self.pairs)
        for mentor in self.mentors:
            assert self.load(mentor) <= self.capacity[mentor.id]
        accepted = [r for r in self.model.values() if r.status == "accepted"]
        assert len(accepted) == len(self.pairs)

    @invariant()
    def each_request_has_one_sent_event_and_at_most_one_ending(self) -> None:
        topics: dict[str, list[str]] = {}
        published = 0
        for message in self.store.outbox:
            if message.topic == "connection.published":
                published += 1
            elif message.topic.startswith("mentor_request."):
                topics.setdefault(message.payload["request_id"], []).append(message.topic)
        assert published == len(self.pairs)
        for request_id, modelled in self.model.items():
            ending = [ENDS[modelled.status]] if modelled.status in ENDS else []
            assert topics.pop(request_id) == [SENT, *ending]
        assert topics == {}


MentorRequestMachine.TestCase.settings = settings(
    max_examples=200,
    stateful_step_count=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_mentor_requests_follow_the_model = MentorRequestMachine.TestCase
