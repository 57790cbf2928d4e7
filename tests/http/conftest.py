"""The JSON API built by the composition root on the in-memory store, with a hand-moved clock,
seeded through the use cases: two organizations, each with a program, mentors and mentees."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
import httpx
import pytest
from dependency_injector import providers

from adapters.persistence.memory import MemoryStore
from adapters.settings import Settings
from application.actors import SYSTEM, Actor
from application.ports import UnitOfWork
from application.running import UseCaseRunner
from application.usecases.access_tokens import IssueToken, issue_token
from application.usecases.organization_setup import (
    CreateOrganization,
    CreateProgram,
    EnrollMember,
    create_organization,
    create_program,
    enroll_member,
)
from bootstrap import create_app, create_container
from domain.ids import UserId
from domain.people import ProgramRole, Role

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
API = "/api/v1"


@attrs.define
class HandClock:
    current: datetime = T0

    def now(self) -> datetime:
        return self.current

    def advance(self, **units: float) -> None:
        self.current += timedelta(**units)


@attrs.define
class Gate:
    """While a barrier is set, every commit waits at it: concurrent requests then all load
    the same version before any of them writes, as they would on a busy database."""

    barrier: asyncio.Barrier | None = None

    async def wait(self) -> None:
        if self.barrier is not None:
            await self.barrier.wait()


class GatedUnitOfWork:
    """The container's own unit of work, with a commit that first waits at the gate."""

    def __init__(self, inner: UnitOfWork, gate: Gate) -> None:
        self._inner = inner
        self._gate = gate

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    async def __aenter__(self) -> GatedUnitOfWork:
        await self._inner.__aenter__()
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self._inner.__aexit__(*exc_info)

    async def commit(self) -> None:
        await self._gate.wait()
        await self._inner.commit()


@attrs.define
class Org:
    id: str
    program_id: str
    tokens: dict[str, str]  # who -> bearer secret
    members: dict[str, str]  # who -> member id
    users: dict[str, str]  # who -> user id


@attrs.define
class Api:
    """The app under test, its store and clock, and two seeded organizations."""

    client: httpx.AsyncClient
    store: MemoryStore
    clock: HandClock
    gate: Gate
    acme: Org
    globex: Org
    seeded: int = 0  # outbox rows the seeding wrote (mentees joining...): not under test

    def headers(self, who: str | None, org: Org | None = None) -> dict[str, str]:
        if who is None:
            return {}
        return {"Authorization": f"Bearer {(org or self.acme).tokens[who]}"}

    async def call(
        self, method: str, path: str, who: str | None = None, org: Org | None = None, **kw: Any
    ) -> httpx.Response:
        url = path if path.startswith(("/healthz", "/schema", API)) else API + path
        headers = {**self.headers(who, org), **kw.pop("headers", {})}
        return await self.client.request(method, url, headers=headers, **kw)

    async def get(self, path: str, who: str | None = None, **kw: Any) -> httpx.Response:
        return await self.call("GET", path, who, **kw)

    async def post(self, path: str, who: str | None = None, **kw: Any) -> httpx.Response:
        return await self.call("POST", path, who, **kw)

    async def put(self, path: str, who: str | None = None, **kw: Any) -> httpx.Response:
        return await self.call("PUT", path, who, **kw)

    # Shortcuts through the API itself, for tests that need a subject to act on.

    async def mentor_request(
        self, mentee: str = "sam", mentor: str = "maria", org: Org | None = None
    ) -> str:
        org = org or self.acme
        body = {"program_id": org.program_id, "mentor_id": org.members[mentor], "note": "Hi!"}
        response = await self.post("/mentor-requests", mentee, org=org, json=body)
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    async def connection(
        self, mentor: str = "maria", mentee: str = "sam", org: Org | None = None
    ) -> str:
        org = org or self.acme
        body = {"mentor_ids": [org.members[mentor]], "mentee_ids": [org.members[mentee]]}
        response = await self.post(
            f"/programs/{org.program_id}/connections", "admin", org=org, json=body
        )
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    def slot(self, hours: float, minutes: int = 30) -> dict[str, Any]:
        return {
            "start": (self.clock.now() + timedelta(hours=hours)).isoformat(),
            "minutes": minutes,
        }

    async def meeting(
        self,
        connection_id: str,
        organizer: str = "sam",
        invitee: str = "maria",
        org: Org | None = None,
    ) -> dict[str, Any]:
        org = org or self.acme
        body = {
            "invitee_id": org.members[invitee],
            "title": "First chat",
            "slots": [self.slot(24), self.slot(48), self.slot(72)],
        }
        response = await self.post(
            f"/connections/{connection_id}/meetings", organizer, org=org, json=body
        )
        assert response.status_code == 201, response.text
        result: dict[str, Any] = response.json()
        return result

    async def survey(self, org: Org | None = None) -> str:
        org = org or self.acme
        body = {"title": "Check-in", "questions": QUESTIONS}
        response = await self.post(
            f"/programs/{org.program_id}/surveys", "admin", org=org, json=body
        )
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    async def assignment(self, connection_id: str, org: Org | None = None) -> str:
        org = org or self.acme
        survey_id = await self.survey(org)
        body = {"connection_id": connection_id}
        response = await self.post(f"/surveys/{survey_id}/assignments", "admin", org=org, json=body)
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    def snapshot(self) -> tuple[Any, ...]:
        return (copy.deepcopy(self.store.tables), len(self.store.outbox), len(self.store.tokens))

    @contextmanager
    def unchanged(self) -> Iterator[None]:
        """Asserts that whatever runs inside changes no row, outbox message or token."""
        before = self.snapshot()
        yield
        after = self.snapshot()
        changed = [
            f"{table}/{key}"
            for table in {*before[0], *after[0]}
            for key in {*before[0].get(table, {}), *after[0].get(table, {})}
            if before[0].get(table, {}).get(key) != after[0].get(table, {}).get(key)
        ]
        assert not changed, f"a refused request changed rows: {changed}"
        assert after[1:] == before[1:], "a refused request wrote to the outbox or token table"

    def topics(self) -> list[str]:
        """Topics written since the organizations were seeded."""
        return [m.topic for m in self.store.outbox[self.seeded :]]


QUESTIONS: list[dict[str, Any]] = [
    {"id": "mood", "kind": "rating", "prompt": "How is it going?", "scale": 5},
    {
        "id": "pace",
        "kind": "single_choice",
        "prompt": "Pace?",
        "options": ["slow", "right", "fast"],
    },
    {"id": "topics", "kind": "multiple_choice", "prompt": "Topics?", "options": ["code", "career"]},
    {"id": "notes", "kind": "text", "prompt": "Anything else?", "required": False},
]

PEOPLE = {
    # who: (role in program, expertise, goals)
    "maria": ({ProgramRole.MENTOR}, ("python", "leadership"), ()),
    "otto": ({ProgramRole.MENTOR}, ("design",), ()),
    "sam": ({ProgramRole.MENTEE}, (), ("python",)),
    "tess": ({ProgramRole.MENTEE}, (), ("design",)),
}


async def _seed(run: UseCaseRunner, name: str) -> Org:
    organization = await run(create_organization, CreateOrganization(name=name), SYSTEM)
    support = Actor(user_id=UserId("support"), organization_id=organization.id, role=Role.SUPPORT)
    slug = name.lower()
    tokens: dict[str, str] = {}
    users: dict[str, str] = {}
    roles = {"support": Role.SUPPORT, "admin": Role.GLOBAL_ADMIN, "padmin": Role.PROGRAM_ADMIN}
    roles |= dict.fromkeys((*PEOPLE, "outsider"), Role.MEMBER)
    for who, role in roles.items():
        issued = await run(
            issue_token,
            IssueToken(
                organization_id=organization.id,
                email=f"{who}@{slug}.example",
                name=who.capitalize(),
                role=role,
            ),
            support,
        )
        tokens[who], users[who] = issued.secret, issued.user.id
    admin = Actor(
        user_id=UserId(users["admin"]), organization_id=organization.id, role=Role.GLOBAL_ADMIN
    )
    program = await run(create_program, CreateProgram(name=f"{name} Pathways"), admin)
    members: dict[str, str] = {}
    for who, (program_roles, expertise, goals) in PEOPLE.items():
        member = await run(
            enroll_member,
            EnrollMember(
                program_id=program.id,
                email=f"{who}@{slug}.example",
                name=who.capitalize(),
                roles=frozenset(program_roles),
                expertise=expertise,
                goals=goals,
            ),
            admin,
        )
        members[who] = member.id
    return Org(
        id=organization.id, program_id=program.id, tokens=tokens, members=members, users=users
    )


@pytest.fixture
async def api() -> AsyncIterator[Api]:
    store, clock, gate = MemoryStore(), HandClock(), Gate()
    container = create_container(Settings(database_url="memory://"))
    container.clock.override(providers.Object(clock))
    container.memory_store.override(providers.Object(store))
    make_uow = container.uow_factory()
    container.uow_factory.override(providers.Object(lambda: GatedUnitOfWork(make_uow(), gate)))
    runner = container.runner()
    acme, globex = await _seed(runner, "Acme"), await _seed(runner, "Globex")
    app = create_app(container=container)
    # httpx's ASGI transport runs requests on this event loop, so asyncio.gather really
    # interleaves them (Litestar's AsyncTestClient serializes requests through a thread portal).
    transport = httpx.ASGITransport(app=app)
    # No lifespan events: on the memory store there is nothing to start or dispose.
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield Api(client=client, store=store, clock=clock, gate=gate, acme=acme, globex=globex,
                  seeded=len(store.outbox))  # fmt: skip
