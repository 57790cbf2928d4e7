"""Test-side building blocks: a clock the tests move by hand, and a builder that sets up
organizations, programs and people through the real use cases on the in-memory store."""

from __future__ import annotations

import asyncio
import copy
import itertools
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs

from adapters.persistence.memory import MemoryStore, MemoryUnitOfWork
from application.actors import SYSTEM, Actor
from application.running import UseCaseRunner
from application.usecases.access_tokens import IssueToken, authenticate, issue_token
from application.usecases.organization_setup import (
    CreateOrganization,
    CreateProgram,
    EnrollMember,
    create_organization,
    create_program,
    enroll_member,
)
from application.usecases.publish_connection import PublishConnection, publish_connection
from domain.connection import Connection
from domain.errors import DomainError
from domain.ids import MemberId, UserId
from domain.organization import Organization
from domain.people import Member, ProgramRole, Role
from domain.program import Program

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@attrs.define
class FixedClock:
    """Stands still until a test moves it."""

    current: datetime = T0

    def now(self) -> datetime:
        return self.current

    def advance(self, delta: timedelta | None = None, **units: float) -> datetime:
        self.current += (delta or timedelta()) + timedelta(**units)
        return self.current


@attrs.frozen
class Person:
    """A member of a program and the actor they act as."""

    member: Member
    actor: Actor

    @property
    def id(self) -> MemberId:
        return self.member.id


@attrs.frozen
class Tenant:
    organization: Organization
    support: Actor
    admin: Actor
    slug: str


class World:
    """Sets up tenants and people through the use cases, the way the API would."""

    def __init__(self, run: UseCaseRunner) -> None:
        self.run = run
        self._serial = itertools.count(1)

    async def tenant(self, name: str = "Acme") -> Tenant:
        organization = await self.run(create_organization, CreateOrganization(name=name), SYSTEM)
        support = Actor(
            user_id=UserId("support"), organization_id=organization.id, role=Role.SUPPORT
        )
        slug = f"{name.lower().replace(' ', '-')}{next(self._serial)}"
        tenant = Tenant(organization=organization, support=support, admin=support, slug=slug)
        admin = await self.user(tenant, "Admin", Role.GLOBAL_ADMIN)
        return attrs.evolve(tenant, admin=admin)

    async def user(self, tenant: Tenant, name: str, role: Role = Role.MEMBER) -> Actor:
        """A user of the organization (in no program), authenticated by a fresh token."""
        email = f"{name.lower().replace(' ', '.')}{next(self._serial)}@{tenant.slug}.example"
        issued = await self.run(
            issue_token,
            IssueToken(organization_id=tenant.organization.id, email=email, name=name, role=role),
            tenant.support,
        )
        actor = await authenticate(issued.secret, self.run.uow_factory())
        assert actor is not None
        return actor

    async def program(self, tenant: Tenant, name: str = "Pilot", **rules: Any) -> Program:
        return await self.run(create_program, CreateProgram(name=name, **rules), tenant.admin)

    async def enroll(
        self, tenant: Tenant, program: Program, name: str, *roles: ProgramRole, **profile: Any
    ) -> Person:
        email = f"{name.lower().replace(' ', '.')}{next(self._serial)}@{tenant.slug}.example"
        member = await self.run(
            enroll_member,
            EnrollMember(
                program_id=program.id, email=email, name=name, roles=frozenset(roles), **profile
            ),
            tenant.admin,
        )
        actor = Actor(
            user_id=member.user_id, organization_id=member.organization_id, role=Role.MEMBER
        )
        return Person(member=member, actor=actor)

    async def mentor(self, tenant: Tenant, program: Program, name: str, **profile: Any) -> Person:
        return await self.enroll(tenant, program, name, ProgramRole.MENTOR, **profile)

    async def mentee(self, tenant: Tenant, program: Program, name: str, **profile: Any) -> Person:
        return await self.enroll(tenant, program, name, ProgramRole.MENTEE, **profile)


@attrs.frozen
class Scene:
    """Acme runs a pilot program; Globex is another tenant whose people must see nothing of it."""

    acme: Tenant
    program: Program
    maria: Person  # mentor, python + leadership
    omar: Person  # mentor, design
    sam: Person  # mentee, wants python
    lee: Person  # mentee, wants design
    bystander: Actor  # an Acme user who is in no program
    globex: Tenant
    outsider: Person  # a Globex mentee


async def build_scene(world: World) -> Scene:
    acme = await world.tenant("Acme")
    program = await world.program(acme, mentees_per_mentor=2, request_expiry_days=7)
    globex = await world.tenant("Globex")
    globex_program = await world.program(globex, "Elsewhere")
    return Scene(
        acme=acme,
        program=program,
        maria=await world.mentor(acme, program, "Maria", expertise=("Python", "leadership")),
        omar=await world.mentor(acme, program, "Omar", expertise=("design",)),
        sam=await world.mentee(acme, program, "Sam", goals=("python",)),
        lee=await world.mentee(acme, program, "Lee", goals=("design",)),
        bystander=await world.user(acme, "Bystander"),
        globex=globex,
        outsider=await world.mentee(globex, globex_program, "Olga"),
    )


def topics_since(store: MemoryStore, mark: int) -> list[str]:
    """Topics of the outbox rows written after `mark` rows, in order."""
    return [message.topic for message in store.outbox[mark:]]


def snapshot(store: MemoryStore) -> tuple[Any, ...]:
    """Everything a commit could change, copied so later changes show up as a difference.
    (Reading a table the store has never seen creates it empty; that is not a change.)"""
    tables = {name: rows for name, rows in store.tables.items() if rows}
    return copy.deepcopy(tables), list(store.outbox), dict(store.tokens)


def fresh(store: MemoryStore) -> MemoryUnitOfWork:
    """A new unit of work, to read back what was committed."""
    return MemoryUnitOfWork(store)


async def publish(world: World, tenant: Tenant, program: Program, *people: Person) -> Connection:
    """An admin match: the first person mentors the others."""
    mentor, *mentees = people
    return await world.run(
        publish_connection,
        PublishConnection(
            program_id=program.id,
            mentor_ids=(mentor.id,),
            mentee_ids=tuple(m.id for m in mentees),
        ),
        tenant.admin,
    )


class GatedUnitOfWork(MemoryUnitOfWork):
    """A real memory unit of work that waits at `commit()` until the test opens the gate,
    so two handlers can both load their state before either of them commits."""

    def __init__(self, store: MemoryStore) -> None:
        super().__init__(store)
        self.reached = asyncio.Event()
        self.gate = asyncio.Event()

    async def commit(self) -> None:
        self.reached.set()
        await self.gate.wait()
        await super().commit()


async def interleave(
    store: MemoryStore, *starts: Callable[[MemoryUnitOfWork], Awaitable[Any]]
) -> list[Any]:
    """Run each handler on its own gated unit of work until all of them have loaded their
    state and wait at commit (or have already failed), then let them commit one at a time,
    in order. Returns each handler's result, or the DomainError it raised."""
    gates = [GatedUnitOfWork(store) for _ in starts]
    tasks = [asyncio.ensure_future(start(gate)) for start, gate in zip(starts, gates, strict=True)]
    for _ in range(5):  # the memory store never suspends: a few turns of the loop are enough
        await asyncio.sleep(0)
    assert all(t.done() or g.reached.is_set() for t, g in zip(tasks, gates, strict=True))
    results: list[Any] = []
    for task, gate in zip(tasks, gates, strict=True):
        gate.gate.set()
        try:
            results.append(await task)
        except DomainError as refused:
            results.append(refused)
    return results
