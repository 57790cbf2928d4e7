"""Mentor requests driven at random through the use cases on the in-memory store, checked
against a small model: who may act, final end states, expiry, and mentor capacity (several
mentees competing for a mentor's last places, also in interleaved transactions)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Coroutine
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
from application.actors import SYSTEM
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
from tests.unit.world import FixedClock, Person, World, build_scene, interleave

EXPIRY_DAYS = 7  # the scene's program rule
ENDS = {"accept": "accepted", "decline": "declined", "withdraw": "withdrawn"}
HANDLERS: dict[str, Any] = {
    "accept": (accept_mentor_request, AcceptMentorRequest),
    "decline": (decline_mentor_request, DeclineMentorRequest),
    "withdraw": (withdraw_mentor_request, WithdrawMentorRequest),
}
ACTORS = ["mentor", "other_mentor", "mentee", "other_mentee", "bystander", "outsider"]
MENTEE = st.integers(0, 3)  # index into the machine's four mentees
MENTOR = st.integers(0, 2)  # ... and its three mentors (capacities 2, 2 and 1)
Outcome = type[DomainError] | None


def name(outcome: Outcome) -> str:
    return "ok" if outcome is None else outcome.__name__


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
        self.program, self.bystander, self.outsider = scene.program, scene.bystander, scene.outsider
        extra = [self.sync(world.mentee(scene.acme, scene.program, n)) for n in ("Kim", "Ada")]
        self.mentees = [scene.sam, scene.lee, *extra]
        cy = self.sync(world.mentor(scene.acme, scene.program, "Cy", capacity=1))
        self.mentors = [scene.maria, scene.omar, cy]
        self.capacity = {scene.maria.id: 2, scene.omar.id: 2, cy.id: 1}
        self.model: dict[MentorRequestId, Modelled] = {}
        self.pairs: set[tuple[str, str]] = set()  # (mentor, mentee) of every connection

    def teardown(self) -> None:
        self.loop.close()

    def sync(self, work: Coroutine[Any, Any, Any]) -> Any:
        return self.loop.run_until_complete(work)

    def attempt(self, work: Awaitable[Any]) -> tuple[Any, Outcome]:
        """Run a use case; return its result, or the class of the refusal it raised."""

        async def wrapped() -> Any:
            try:
                return await work
            except DomainError as refused:
                return refused

        result = self.sync(wrapped())
        if not isinstance(result, DomainError):
            return result, None
        assert result.message, "a refusal says why"
        return None, type(result)

    def full(self, mentor: Person) -> bool:
        load = sum(1 for m, _ in self.pairs if m == mentor.id)
        return load >= self.capacity[mentor.id]

    def who(self, request: Modelled, kind: str) -> Any:
        others = {
            "other_mentor": next(m for m in self.mentors if m is not request.mentor),
            "other_mentee": next(m for m in self.mentees if m is not request.mentee),
        }
        person = {"mentor": request.mentor, "mentee": request.mentee, "outsider": self.outsider}
        return {**others, **person}.get(kind)

    def expect(self, request: Modelled, action: str, kind: str) -> Outcome:
        person = self.who(request, kind)
        if kind == "outsider":
            return NotFound
        if action == "withdraw":
            if person is not request.mentee:
                return NotAllowed
            return None if request.status == "pending" else IllegalTransition
        if person is not request.mentor:
            return NotAllowed
        if request.status != "pending" or self.clock.now() >= request.expires_at:
            return IllegalTransition
        return IllegalTransition if action == "accept" and self.full(request.mentor) else None

    def end(self, request: Modelled, status: str) -> None:
        request.status, request.decided_at = status, self.clock.now()
        if status == "accepted":
            self.pairs.add((request.mentor.id, request.mentee.id))

    def send_one(self, mentee: int, mentor: int) -> MentorRequestId | None:
        who, to = self.mentees[mentee], self.mentors[mentor]
        pending = any(
            r.status == "pending" and (r.mentee, r.mentor) == (who, to) for r in self.model.values()
        )
        refused = pending or (to.id, who.id) in self.pairs or self.full(to)
        cmd = SendMentorRequest(program_id=self.program.id, mentor_id=to.id)
        request, outcome = self.attempt(self.run(send_mentor_request, cmd, who.actor))
        assert outcome is (IllegalTransition if refused else None)
        if request is None:
            return None
        deadline = self.clock.now() + timedelta(days=EXPIRY_DAYS)
        assert request.expires_at == deadline
        self.model[request.id] = Modelled(mentee=who, mentor=to, expires_at=deadline)
        return MentorRequestId(request.id)

    def pending(self) -> list[MentorRequestId]:
        # In sending order: ids are random, so sorting them would make draws unrepeatable.
        return [i for i, r in self.model.items() if r.status == "pending"]

    # --- rules ---------------------------------------------------------------------------------

    @initialize(target=requests, asks=st.lists(st.tuples(MENTEE, MENTOR), min_size=1, max_size=6))
    def mentees_ask(self, asks: list[tuple[int, int]]) -> Any:
        """Start with several requests competing for the same few places."""
        sent = [self.send_one(mentee, mentor) for mentee, mentor in asks]
        return multiple(*[r for r in sent if r is not None])

    @rule(target=requests, mentee=MENTEE, mentor=MENTOR)
    def send(self, mentee: int, mentor: int) -> Any:
        sent = self.send_one(mentee, mentor)
        return multiple() if sent is None else sent

    @rule(request=requests, action=st.sampled_from(list(ENDS)), kind=st.sampled_from(ACTORS))
    def answer(self, request: MentorRequestId, action: str, kind: str) -> None:
        modelled = self.model[request]
        expected = self.expect(modelled, action, kind)
        person = self.who(modelled, kind)
        actor = self.bystander if person is None else person.actor
        handler, command = HANDLERS[action]
        _, outcome = self.attempt(self.run(handler, command(request_id=request), actor))
        event(f"{action} by {kind}: {name(outcome)}")
        assert outcome is expected
        if outcome is None:
            self.end(modelled, ENDS[action])

    @precondition(lambda self: self.pending())
    @rule(data=st.data(), action=st.sampled_from(["accept", "accept", "decline", "withdraw"]))
    def the_right_person_answers_a_pending_request(self, data: st.DataObject, action: str) -> None:
        """Steer towards answers that succeed, mostly acceptances, so mentors fill up."""
        request = data.draw(st.sampled_from(self.pending()))
        self.answer(request, action, "mentee" if action == "withdraw" else "mentor")

    @rule(first=requests, second=requests)
    def two_mentors_accept_at_once(self, first: MentorRequestId, second: MentorRequestId) -> None:
        """Both transactions load before either commits; the first one commits first."""
        a, b = self.model[first], self.model[second]
        expected = [self.expect(a, "accept", "mentor"), self.expect(b, "accept", "mentor")]
        if expected == [None, None] and a.mentor is b.mentor:  # also when a is b
            expected[1] = ConcurrencyConflict

        def accepting(request: MentorRequestId, mentor: Person) -> Any:
            cmd = AcceptMentorRequest(request_id=request)
            return lambda uow: accept_mentor_request(cmd, mentor.actor, uow, self.clock)

        results = self.sync(
            interleave(self.store, accepting(first, a.mentor), accepting(second, b.mentor))
        )
        outcomes = [type(r) if isinstance(r, DomainError) else None for r in results]
        event(f"race: {[name(o) for o in outcomes]}")
        assert outcomes == expected
        for modelled, outcome in ((a, outcomes[0]), (b, outcomes[1])):
            if outcome is None:
                self.end(modelled, "accepted")

    @rule(request=requests)
    def expire_one_directly(self, request: MentorRequestId) -> None:
        modelled = self.model[request]
        overdue = modelled.status == "pending" and self.clock.now() >= modelled.expires_at

        async def expire() -> None:
            async with MemoryUnitOfWork(self.store) as uow:
                (await uow.mentor_requests.get(request)).expire(now=self.clock.now())
                await uow.commit()

        assert self.attempt(expire())[1] is (None if overdue else IllegalTransition)
        if overdue:
            self.end(modelled, "expired")

    @rule()
    def housekeeping_expires_overdue(self) -> None:
        now = self.clock.now()
        due = [r for r in self.model.values() if r.status == "pending" and now >= r.expires_at]
        expired = self.sync(self.run(expire_overdue, ExpireOverdue(), SYSTEM))
        assert (expired.requests, expired.meetings) == (len(due), 0)
        for modelled in due:
            self.end(modelled, "expired")

    @rule(hours=st.sampled_from([1, 24, 72]))
    def time_passes(self, hours: int) -> None:
        self.clock.advance(hours=hours)

    @rule(request=requests, early=st.sampled_from([timedelta(microseconds=1), timedelta(0)]))
    def time_reaches_a_deadline(self, request: MentorRequestId, early: timedelta) -> None:
        """Jump to a request's deadline, or a microsecond before it: where expiry rules bite."""
        self.clock.current = max(self.clock.current, self.model[request].expires_at - early)

    # --- invariants ------------------------------------------------------------------------------

    @invariant()
    def stored_requests_and_connections_match_the_model(self) -> None:
        async def stored() -> dict[str, Any]:
            async with MemoryUnitOfWork(self.store) as uow:
                return {i: await uow.mentor_requests.get(i) for i in self.model}

        connections = {k: row for k, (_, row) in self.store.table("connections").items()}
        for request_id, saved in self.sync(stored()).items():
            modelled = self.model[request_id]
            assert (saved.status.value, saved.decided_at) == (modelled.status, modelled.decided_at)
            if modelled.status == "expired":
                assert modelled.decided_at >= saved.expires_at  # type: ignore[operator]
            if modelled.status == "accepted":
                made = connections[saved.connection_id]  # type: ignore[index]
                assert (made["mentor_ids"], made["mentee_ids"]) == (
                    [saved.mentor_id],
                    [saved.mentee_id],
                )
            else:
                assert saved.connection_id is None
        # Exactly one connection per acceptance, and no mentor beyond capacity.
        assert sorted((c["mentor_ids"][0], c["mentee_ids"][0]) for c in connections.values()) == (
            sorted(self.pairs)
        )
        assert len(self.pairs) == sum(r.status == "accepted" for r in self.model.values())
        for mentor in self.mentors:
            assert sum(m == mentor.id for m, _ in self.pairs) <= self.capacity[mentor.id]

    @invariant()
    def each_request_has_one_sent_event_and_at_most_one_ending(self) -> None:
        topics: dict[str, list[str]] = {}
        for message in self.store.outbox:
            if message.topic.startswith("mentor_request."):
                topics.setdefault(message.payload["request_id"], []).append(message.topic)
        published = [m for m in self.store.outbox if m.topic == "connection.published"]
        assert len(published) == len(self.pairs)
        for request_id, modelled in self.model.items():
            ending = [] if modelled.status == "pending" else [f"mentor_request.{modelled.status}"]
            assert topics.pop(request_id) == ["mentor_request.sent", *ending]
        assert topics == {}


MentorRequestMachine.TestCase.settings = settings(
    max_examples=200,
    stateful_step_count=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_mentor_requests_follow_the_model = MentorRequestMachine.TestCase
