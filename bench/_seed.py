"""Seed a benchmark database through the use cases, the same way the API would fill it.

Two pieces, both idempotent only in the sense that they always add new data:

* `seed_organization` — one organization, an admin, and a "readers" program whose mentees
  have a realistic connection area (1-3 connections, tasks, messages, a pending meeting, a
  survey due and a pending request of their own). Returns their bearer tokens.
* `seed_pending_requests` — a fresh cohort program with enough mentors (capacity 50) and
  mentees for `count` pending mentor requests, returned in round-robin mentor order so
  consecutive accepts never touch the same mentor (no optimistic-concurrency conflicts that
  the benchmark is not about). A fresh program per cohort keeps the capacity check
  (`active_mentee_counts`, which scans the program) at a realistic size.

Calls run concurrently (bounded) to keep seeding in seconds, except that calls bumping the
same member's version (sending bumps the mentee, accepting the mentor) run in turn.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from application.actors import SYSTEM, Actor
from application.running import UseCaseRunner
from application.usecases.access_tokens import IssueToken, issue_token
from application.usecases.answer_mentor_request import AcceptMentorRequest, accept_mentor_request
from application.usecases.connection_work import AddTask, SendMessage, add_task, send_message
from application.usecases.meetings import ProposeMeeting, propose_meeting
from application.usecases.organization_setup import (
    CreateOrganization,
    CreateProgram,
    EnrollMember,
    create_organization,
    create_program,
    enroll_member,
)
from application.usecases.send_mentor_request import SendMentorRequest, send_mentor_request
from application.usecases.surveys import AssignSurvey, CreateSurvey, assign_survey, create_survey
from bench._server import BENCH_SECRET_KEY
from domain.connection import Connection
from domain.ids import MentorRequestId, OrganizationId, ProgramId
from domain.meeting import Slot
from domain.people import Member, ProgramRole, Role
from domain.survey import Question, QuestionKind

T = TypeVar("T")

MENTOR, MENTEE = frozenset({ProgramRole.MENTOR}), frozenset({ProgramRole.MENTEE})
MAX_CAPACITY = 50  # the domain's ceiling for mentees per mentor
REQUESTS_PER_MENTEE = 5
READER_MENTORS = 50
EXPERTISE = ("python", "architecture", "leadership", "data", "security", "testing", "career")


@dataclass(frozen=True)
class Organization:
    """What later seeding steps and the load generator need to know about the organization."""

    id: OrganizationId
    admin: Actor
    reader_tokens: tuple[str, ...]


@dataclass(frozen=True)
class AcceptTarget:
    """One pending request and the bearer token of the mentor it is addressed to."""

    request_id: str
    mentor_token: str


async def bounded(thunks: Sequence[Callable[[], Awaitable[T]]], limit: int) -> list[T]:
    """Run the calls with at most `limit` in flight; results in the order given."""
    gate = asyncio.Semaphore(max(1, limit))

    async def one(thunk: Callable[[], Awaitable[T]]) -> T:
        async with gate:
            return await thunk()

    return list(await asyncio.gather(*(one(t) for t in thunks)))


def in_turn(thunks: Sequence[Callable[[], Awaitable[T]]]) -> Callable[[], Awaitable[list[T]]]:
    """One call that runs the given ones one after another (they touch the same aggregate)."""

    async def run_all() -> list[T]:
        return [await thunk() for thunk in thunks]

    return run_all


def grouped(
    keys: Sequence[int], thunks: Sequence[Callable[[], Awaitable[T]]]
) -> list[Callable[[], Awaitable[list[T]]]]:
    """Calls with the same key (the member whose version they bump) run in turn."""
    groups: dict[int, list[Callable[[], Awaitable[T]]]] = {}
    for key, thunk in zip(keys, thunks, strict=True):
        groups.setdefault(key, []).append(thunk)
    return [in_turn(group) for group in groups.values()]


def _member_actor(org: OrganizationId, member: Member) -> Actor:
    return Actor(user_id=member.user_id, organization_id=org, role=Role.MEMBER)


async def _enroll(
    run: UseCaseRunner,
    admin: Actor,
    program: ProgramId,
    emails: Sequence[str],
    roles: frozenset[ProgramRole],
    limit: int,
) -> list[Member]:
    def call(i: int, email: str) -> Callable[[], Awaitable[Member]]:
        command = EnrollMember(
            program_id=program,
            email=email,
            name=email.split("@")[0].replace(".", " ").title(),
            roles=roles,
            expertise=(EXPERTISE[i % len(EXPERTISE)], EXPERTISE[(i + 3) % len(EXPERTISE)]),
            goals=(EXPERTISE[(i + 1) % len(EXPERTISE)],),
            bio=f"Benchmark member number {i}.",
        )
        return lambda: run(enroll_member, command, admin)

    return await bounded([call(i, e) for i, e in enumerate(emails)], limit)


async def _tokens(
    run: UseCaseRunner, org: OrganizationId, people: Sequence[tuple[str, str]], limit: int
) -> list[str]:
    support = Actor(user_id=SYSTEM.user_id, organization_id=org, role=Role.SUPPORT)

    def call(email: str, name: str) -> Callable[[], Awaitable[str]]:
        command = IssueToken(
            organization_id=org, email=email, name=name, role=Role.MEMBER, label="bench"
        )

        async def issue() -> str:
            return (await run(issue_token, command, support)).secret

        return issue

    return await bounded([call(e, n) for e, n in people], limit)


async def seed_organization(run: UseCaseRunner, *, readers: int, limit: int) -> Organization:
    """The organization, its admin, and `readers` mentees with a lived-in connection area."""
    org = await run(create_organization, CreateOrganization(name="Bench Robotics"), SYSTEM)
    support = Actor(user_id=SYSTEM.user_id, organization_id=org.id, role=Role.SUPPORT)
    admin_user = (
        await run(
            issue_token,
            IssueToken(
                organization_id=org.id,
                email="admin@bench.example",
                name="Bench Admin",
                role=Role.GLOBAL_ADMIN,
            ),
            support,
        )
    ).user
    admin = Actor(user_id=admin_user.id, organization_id=org.id, role=Role.GLOBAL_ADMIN)
    program = await run(
        create_program, CreateProgram(name="Engineering Mentoring", mentees_per_mentor=20), admin
    )
    mentors = await _enroll(
        run, admin, program.id,
        [f"reader.mentor{i}@bench.example" for i in range(READER_MENTORS)], MENTOR, limit,
    )  # fmt: skip
    mentees = await _enroll(
        run, admin, program.id, [f"reader{i}@bench.example" for i in range(readers)], MENTEE, limit
    )
    survey = await run(create_survey, _check_in_survey(program.id), admin)

    # Reader j is connected to 1-3 mentors and has one more request pending.
    pairs = [(j, (3 * j + k) % READER_MENTORS) for j in range(readers) for k in range(1 + j % 3)]
    pending = [(j, (3 * j + 3) % READER_MENTORS) for j in range(readers)]

    request_ids: dict[tuple[int, int], str] = {}

    def send(j: int, m: int) -> Callable[[], Awaitable[None]]:
        command = SendMentorRequest(
            program_id=program.id, mentor_id=mentors[m].id, note=f"Hello from reader {j}."
        )

        async def call() -> None:
            request = await run(send_mentor_request, command, _member_actor(org.id, mentees[j]))
            request_ids[j, m] = request.id

        return call

    # Sending bumps the mentee's version and accepting the mentor's: one member, one at a time.
    everything = pairs + pending
    await bounded(grouped([j for j, _ in everything], [send(j, m) for j, m in everything]), limit)
    connections: dict[tuple[int, int], Connection] = {}

    def accept(j: int, m: int) -> Callable[[], Awaitable[None]]:
        command = AcceptMentorRequest(request_id=MentorRequestId(request_ids[j, m]))

        async def call() -> None:
            actor = _member_actor(org.id, mentors[m])
            connections[j, m] = await run(accept_mentor_request, command, actor)

        return call

    await bounded(grouped([m for _, m in pairs], [accept(j, m) for j, m in pairs]), limit)

    start = run.clock.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=3)

    def furnish(index: int) -> Callable[[], Awaitable[None]]:
        j, m = pairs[index]
        connection = connections[j, m]
        mentee, mentor = mentees[j], mentors[m]
        as_mentee, as_mentor = _member_actor(org.id, mentee), _member_actor(org.id, mentor)

        async def call() -> None:
            for title, who, actor in (
                ("Share your goals for the quarter", mentee, as_mentor),
                ("Book a code review session", mentor, as_mentee),
            ):
                task = AddTask(connection_id=connection.id, title=title, assignee_id=who.id)
                await run(add_task, task, actor)
            for n, actor in enumerate((as_mentor, as_mentee, as_mentor)):
                body = f"Message {n} about our mentoring plan; see you at the next session."
                await run(send_message, SendMessage(connection_id=connection.id, body=body), actor)
            slots = tuple(
                Slot(start=start + timedelta(days=d, hours=h), minutes=45)
                for d, h in ((0, 0), (0, 3), (1, 1))
            )
            meeting = ProposeMeeting(
                connection_id=connection.id, invitee_id=mentee.id, slots=slots, title="Sync"
            )
            await run(propose_meeting, meeting, as_mentor)
            if index == 0 or pairs[index - 1][0] != j:  # a survey on each reader's first one
                assignment = AssignSurvey(survey_id=survey.id, connection_id=connection.id)
                await run(assign_survey, assignment, admin)

        return call

    furnishing = [furnish(i) for i in range(len(pairs))]
    await bounded(grouped([j for j, _ in pairs], furnishing), limit)
    tokens = await _tokens(
        run, org.id, [(f"reader{j}@bench.example", mentees[j].name) for j in range(readers)], limit
    )
    return Organization(id=org.id, admin=admin, reader_tokens=tuple(tokens))


async def seed_pending_requests(
    run: UseCaseRunner, org: Organization, count: int, *, mentors: int, label: str, limit: int
) -> list[AcceptTarget]:
    """A fresh program with `count` pending requests, ordered round-robin over its mentors."""
    mentors = max(mentors, math.ceil(count / MAX_CAPACITY), REQUESTS_PER_MENTEE)
    mentees = math.ceil(count / REQUESTS_PER_MENTEE)
    program = await run(
        create_program,
        CreateProgram(name=f"Cohort {label}", mentees_per_mentor=MAX_CAPACITY),
        org.admin,
    )
    mentor_emails = [f"{label}.mentor{i}@bench.example" for i in range(mentors)]
    mentor_members = await _enroll(run, org.admin, program.id, mentor_emails, MENTOR, limit)
    mentee_members = await _enroll(
        run, org.admin, program.id,
        [f"{label}.mentee{i}@bench.example" for i in range(mentees)], MENTEE, limit,
    )  # fmt: skip
    tokens = await _tokens(
        run,
        org.id,
        [(e, m.name) for e, m in zip(mentor_emails, mentor_members, strict=True)],
        limit,
    )

    # Request i goes to mentor i % mentors from mentee i // REQUESTS_PER_MENTEE: a mentee's
    # requests go to consecutive, hence different, mentors.
    def send(i: int) -> Callable[[], Awaitable[AcceptTarget]]:
        mentee = mentee_members[i // REQUESTS_PER_MENTEE]
        command = SendMentorRequest(
            program_id=program.id,
            mentor_id=mentor_members[i % mentors].id,
            note="Could you help me grow as an engineer?",
        )

        async def call() -> AcceptTarget:
            request = await run(send_mentor_request, command, _member_actor(org.id, mentee))
            return AcceptTarget(request_id=request.id, mentor_token=tokens[i % mentors])

        return call

    mentee_of = [i // REQUESTS_PER_MENTEE for i in range(count)]
    batches = await bounded(grouped(mentee_of, [send(i) for i in range(count)]), limit)
    return [target for batch in batches for target in batch]


def _check_in_survey(program: ProgramId) -> CreateSurvey:
    return CreateSurvey(
        program_id=program,
        title="Connection check-in",
        questions=(
            Question(id="progress", kind=QuestionKind.RATING, prompt="How useful is it so far?"),
            Question(
                id="frequency",
                kind=QuestionKind.SINGLE_CHOICE,
                prompt="How often do you meet?",
                options=("Weekly", "Every two weeks", "Monthly"),
            ),
            Question(
                id="comments", kind=QuestionKind.TEXT, prompt="Anything else?", required=False
            ),
        ),
    )


async def _last_outbox_id(engine: AsyncEngine) -> int:
    from adapters.persistence import tables as t

    async with engine.connect() as conn:
        return int((await conn.execute(select(func.max(t.outbox.c.id)))).scalar() or 0)


async def _mark_handled_since(engine: AsyncEngine, after_id: int) -> None:
    """The seed's own notifications (thousands of "new request" rows made in seconds, a burst
    no real program makes) are marked handled unless a worker already took them: a step then
    measures the API and the delivery of what *its* requests cause, not a seed draining.
    (`bench/delivery_fanout.py` measures delivery throughput on its own.)"""
    from adapters.persistence import tables as t

    async with engine.begin() as conn:
        await conn.execute(
            update(t.outbox)
            .where(t.outbox.c.id > after_id, t.outbox.c.status == "pending")
            .values(status="handled")
        )


async def _backlog(engine: AsyncEngine) -> int:
    from adapters.persistence import tables as t

    outbox, deliveries = t.outbox.c, t.deliveries.c
    async with engine.connect() as conn:
        rows = (await conn.execute(
            select(func.count()).where(outbox.status.in_(("pending", "sending")))
        )).scalar() or 0  # fmt: skip
        due = (await conn.execute(
            select(func.count()).where(deliveries.status.in_(("pending", "sending", "retrying")))
        )).scalar() or 0  # fmt: skip
    return int(rows) + int(due)


class Seeder:
    """Seeds one benchmark database. Each call gets its own event loop and engine, built by
    the composition root from Settings; `seconds` adds up the time spent seeding."""

    def __init__(
        self, database_url: str, *, concurrency: int, quiet_seed: bool = True
    ) -> None:
        self.database_url = database_url
        self.concurrency = concurrency
        self.quiet_seed = quiet_seed
        self.seconds = 0.0
        self._organization: Organization | None = None

    def _run(self, work: Callable[[UseCaseRunner], Awaitable[T]]) -> T:
        from adapters.settings import Settings
        from bootstrap import create_container

        async def seeded() -> T:
            settings = Settings(database_url=self.database_url, secret_keys=(BENCH_SECRET_KEY,))
            container = create_container(settings)
            engine = container.engine()
            try:
                before = await _last_outbox_id(engine)
                result = await work(container.runner())
                if self.quiet_seed:
                    await _mark_handled_since(engine, before)
                return result
            finally:
                await engine.dispose()

        started = time.perf_counter()
        try:
            return asyncio.run(seeded())
        finally:
            self.seconds += time.perf_counter() - started

    def delivery_backlog(self) -> int:
        """Outbox rows and deliveries the server's worker has not finished yet (held ones,
        waiting for quiet hours to end, are not counted)."""
        from adapters.persistence.database import create_engine

        async def count() -> int:
            engine = create_engine(self.database_url, pool_size=1)
            try:
                return await _backlog(engine)
            finally:
                await engine.dispose()

        return asyncio.run(count())

    def wait_for_worker(self, patience_s: float = 180.0) -> int:
        """Let a step start from a server at rest: its in-process worker has delivered what
        earlier steps caused (it yields to requests, so it falls behind during a step and
        catches up after). Returns the backlog left when patience ran out (else 0)."""
        deadline = time.monotonic() + patience_s
        while (backlog := self.delivery_backlog()) and time.monotonic() < deadline:
            time.sleep(1)
        return backlog

    def organization(self, *, readers: int) -> Organization:
        """Seed the organization and its readers (once); later calls return the same one."""
        if self._organization is None:
            limit = self.concurrency
            self._organization = self._run(
                lambda run: seed_organization(run, readers=readers, limit=limit)
            )
        return self._organization

    def pending_requests(self, count: int, *, mentors: int, label: str) -> list[AcceptTarget]:
        """A fresh cohort program with `count` pending requests (see `seed_pending_requests`)."""
        if self._organization is None:
            raise RuntimeError("Seed the organization first.")
        org, limit = self._organization, self.concurrency
        return self._run(
            lambda run: seed_pending_requests(
                run, org, count, mentors=mentors, label=label, limit=limit
            )
        )
