"""Token rotation under load: the real gateway against the sandbox, whose tokens live two
seconds (time-scaled), while 3 workers send a few hundred DMs; on PostgreSQL the workers are
separate processes, on SQLite separate connections of the one engine a process may have (its
writers take turns; `serve` refuses several SQLite workers), in memory separate units of work.

Every DM arrives exactly once, no refresh token is spent twice (the sandbox would refuse the
second use and the installation would need reconnecting), and renewals come one per token's
life: never two within less than the time a token is used before it is due.

A renewal Slack refuses marks the installation "needs reconnecting"; that delivery, like the
ones after it, goes by e-mail."""

from __future__ import annotations

import asyncio
import itertools
import shutil
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest
from bench import _rotation_fanout as fanout

from adapters.mail.memory import MemoryMailer
from adapters.persistence.database import create_engine
from adapters.persistence.memory import MemoryStore, memory_uow_factory
from adapters.persistence.memory_deliveries import MemoryDeliveryStore
from adapters.persistence.sealing import TokenSealer
from adapters.persistence.sql_deliveries import SqlDeliveryStore
from adapters.persistence.sql_uow import SqlUnitOfWork
from adapters.slack.manifest import BOT_SCOPES
from application.delivery.model import Channel, DeliveryStatus
from application.delivery.ports import DeliveryStore
from application.slack.ports import SlackUnitOfWork
from domain.ids import InstallationId
from tests.contract.conftest import _truncate
from tests.contract.slack_fixtures import (  # noqa: F401 (fixtures)
    CLIENT_ID,
    CLIENT_SECRET,
    ENG,
    SandboxWorld,
    members_of,
    sandbox_server,
    sandbox_world,
)
from tests.support.infra import require
from tests.unit.delivery.test_sender import PlainMail

LIFETIME = 2  # seconds a token lives (Slack's 12 hours, time-scaled)
AHEAD = timedelta(seconds=0.8)  # renewed this long before it expires
DMS = 300
WORKERS = 3
PEOPLE = [u for u in members_of(ENG) if u not in {"W0ROBINLE", "W0BUILDBT"}]


@attrs.define
class Db:
    kind: str
    url: str | None = None
    memory: MemoryStore | None = None

    def engine(self) -> Any:
        assert self.url is not None
        return create_engine(self.url)


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def db(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path,
             postgres_url: str | None) -> AsyncIterator[Db]:
    if request.param == "memory":
        yield Db("memory", memory=MemoryStore())
        return
    if request.param == "sqlite":
        path = tmp_path / "rotation.db"
        shutil.copy(sqlite_template, path)
        yield Db("sqlite", url=f"sqlite:///{path}")
        return
    require(postgres_url is not None, "PostgreSQL at 127.0.0.1:5432")
    assert postgres_url is not None
    await _truncate(postgres_url)
    yield Db("postgres", url=postgres_url)


async def rotating_install(world: SandboxWorld, *, slow_posts: int = 0) -> dict[str, Any]:
    """The sandbox with rotation on, two-second tokens, no rate limits; an install."""
    await world.configure(token_rotation=True, time_scale=43_200 / LIFETIME, rate_limits=False)
    if slow_posts:  # each post takes 20 ms: the fan-out outlives a few tokens
        fault = {"method": "chat.postMessage", "delay": 0.02, "times": slow_posts}
        assert (await world.http.post("/_sandbox/faults", json=fault)).status_code in (200, 201)
    answer = await world.http.post("/_sandbox/installs", json={
        "team_id": ENG, "scopes": list(BOT_SCOPES), "installer": "W0ADALOVE"})
    grant: dict[str, Any] = answer.json()
    assert grant["expires_in"] == LIFETIME and grant["refresh_token"]
    return grant


async def sandbox_dms(world: SandboxWorld) -> list[str]:
    """The delivery ids of every DM the sandbox holds (duplicates kept)."""
    body = (await world.http.get("/_sandbox/messages")).json()
    return [m["metadata"]["event_payload"]["id"] for m in body["messages"]
            if m.get("metadata") and not m.get("visible_to")]


async def refreshes(world: SandboxWorld) -> list[dict[str, Any]]:
    body = (await world.http.get("/_sandbox/calls", params={"method": "oauth.v2.access"})).json()
    calls: list[dict[str, Any]] = body["calls"]
    return calls


async def test_tokens_expiring_during_a_fan_out_lose_nothing_and_renew_once_per_expiry(
    db: Db, sandbox_world: SandboxWorld  # noqa: F811
) -> None:
    world = sandbox_world
    grant = await rotating_install(world, slow_posts=DMS)
    api = world.server.api_url
    sealer = TokenSealer([fanout.SECRET])
    engines: list[Any] = []
    if db.memory is not None:
        store: DeliveryStore = MemoryDeliveryStore(db.memory)
        uow_factory: Any = memory_uow_factory(db.memory, sealer)
        rows = fanout.memory_outbox_rows(db.memory)
    else:
        engines.append(db.engine())
        store = SqlDeliveryStore(engines[0])
        uow_factory = lambda: SqlUnitOfWork(engines[0], sealer)  # noqa: E731
        rows = fanout.sql_outbox_rows(engines[0])
    seeded = await fanout.seed(uow_factory, rows, store, grant, ENG, PEOPLE, DMS)
    try:
        if db.kind == "postgres":
            assert db.url is not None
            renewed = await fanout.in_processes(WORKERS, db.url, api, CLIENT_ID, CLIENT_SECRET,
                                                AHEAD)
        else:
            senders = [
                fanout.memory_sender(db.memory, api, CLIENT_ID, CLIENT_SECRET, AHEAD)
                if db.memory is not None
                else fanout.sql_sender(engines[0], api, CLIENT_ID, CLIENT_SECRET, AHEAD)
                for _ in range(WORKERS)
            ]
            renewed = list(await asyncio.gather(*(fanout.drain(s) for s in senders)))
        outcomes = [await store.get(i) for i in seeded.delivery_ids]
        async with uow_factory() as uow:
            installation = await uow.installations.get(InstallationId(seeded.installation_id))
    finally:
        for engine in engines:
            await engine.dispose()
    assert {(d.status, d.channel) for d in outcomes} == {(DeliveryStatus.SENT, Channel.SLACK)}
    dms = await sandbox_dms(world)
    assert sorted(dms) == sorted(seeded.delivery_ids)  # 0 lost, none twice
    calls = await refreshes(world)
    assert [c["error"] for c in calls if not c["ok"]] == []  # no refresh token spent twice
    assert len(calls) == sum(renewed) >= 1  # tokens did expire during the fan-out
    gaps = [b["at"] - a["at"] for a, b in itertools.pairwise(calls)]
    assert all(gap >= (LIFETIME - AHEAD.total_seconds()) * 0.9 for gap in gaps), gaps
    assert installation.is_active
    assert installation.bot is not None and installation.bot.expires_at is not None


async def test_a_refused_renewal_marks_the_installation_and_the_dm_goes_by_e_mail(
    sandbox_world: SandboxWorld,  # noqa: F811
) -> None:
    world = sandbox_world
    grant = await rotating_install(world)
    # Someone else spends the refresh token (say, a copy of the database elsewhere)
    spent = await world.http.post("/api/oauth.v2.access", data={
        "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
        "grant_type": "refresh_token", "refresh_token": grant["refresh_token"]})
    assert spent.json()["ok"]
    memory = MemoryStore()
    sealer = TokenSealer([fanout.SECRET])
    uow_factory = memory_uow_factory(memory, sealer)
    store = MemoryDeliveryStore(memory)
    seeded = await fanout.seed(uow_factory, fanout.memory_outbox_rows(memory), store, grant,
                               ENG, PEOPLE[:1], 1)
    mail = MemoryMailer()
    sender = fanout.memory_sender(memory, world.server.api_url, CLIENT_ID, CLIENT_SECRET,
                                  timedelta(seconds=LIFETIME))  # due at once
    sender = attrs.evolve(sender, mailer=mail, mail_renderer=PlainMail())
    assert await sender.send_due() == 1
    [delivery_id] = seeded.delivery_ids
    delivery = await store.get(delivery_id)
    assert (delivery.status, delivery.channel) == (DeliveryStatus.SENT, Channel.EMAIL)
    assert [m.to for m in mail.sent] == [f"{PEOPLE[0].lower()}@rotation.example"]
    uow: SlackUnitOfWork
    async with uow_factory() as uow:
        installation = await uow.installations.get(InstallationId(seeded.installation_id))
    assert installation.needs_reconnecting
    assert installation.lost_reason == "invalid_refresh_token"
    assert "renew" in installation.lost_reason_text
    assert await sandbox_dms(world) == []
