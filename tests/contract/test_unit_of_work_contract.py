"""The unit-of-work contract: atomic commits, rollback by default, outbox in the same
transaction, optimistic concurrency. Runs on the in-memory fake, SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from adapters.persistence.codec import dump
from application.ports import UnitOfWork
from domain.errors import ConcurrencyConflict, NotFound
from domain.ids import ConnectionId, UserId, new_id
from domain.people import User
from tests.contract.builders import NOW, Graph, connection, graph, request

Factory = Callable[[], UnitOfWork]


async def save_graph(uow_factory: Factory) -> Graph:
    g = graph()
    async with uow_factory() as uow:
        await uow.organizations.add(g.organization)
        await uow.programs.add(g.program)
        for user in g.users:
            await uow.users.add(user)
        for member in (g.mentor, g.mentor2, g.mentee):
            await uow.members.add(member)
        await uow.commit()
    return g


async def test_committed_aggregates_read_back_equal_with_version_one(uow_factory: Factory) -> None:
    g = await save_graph(uow_factory)
    async with uow_factory() as uow:
        program = await uow.programs.get(g.program.id)
        member = await uow.members.get(g.mentee.id)
    assert dump(program) == dump(g.program)
    assert dump(member) == dump(g.mentee)
    assert (program.version, member.version) == (1, 1)


async def test_leaving_without_commit_stores_nothing(uow_factory: Factory) -> None:
    g = graph()
    async with uow_factory() as uow:
        await uow.organizations.add(g.organization)
    async with uow_factory() as uow:
        with pytest.raises(NotFound):
            await uow.organizations.get(g.organization.id)


async def test_an_error_inside_rolls_back_changes_and_outbox(uow_factory: Factory) -> None:
    g = await save_graph(uow_factory)
    r = request(g)
    with pytest.raises(RuntimeError):
        async with uow_factory() as uow:
            await uow.mentor_requests.add(r)
            raise RuntimeError("boom")
    async with uow_factory() as uow:
        assert await uow.outbox.list_pending() == []
        with pytest.raises(NotFound, match="No such mentor request"):
            await uow.mentor_requests.get(r.id)


async def test_commit_writes_events_to_the_outbox_in_order(uow_factory: Factory) -> None:
    g = await save_graph(uow_factory)
    r = request(g)
    async with uow_factory() as uow:
        await uow.mentor_requests.add(r)
        await uow.commit()
    async with uow_factory() as uow:
        loaded = await uow.mentor_requests.get(r.id)
        c = loaded.accept(
            by=g.mentor.id,
            now=NOW + timedelta(hours=1),
            mentor_load=0,
            mentor_capacity=3,
            connection_id=ConnectionId(new_id()),
        )
        await uow.connections.add(c)
        await uow.commit()
    async with uow_factory() as uow:
        rows = await uow.outbox.list_pending()
    assert [row.topic for row in rows] == [
        "mentor_request.sent",
        "mentor_request.accepted",
        "connection.published",
    ]
    assert rows[1].payload["request_id"] == r.id
    assert rows[1].payload["connection_id"] == c.id
    assert rows[0].organization_id == g.organization.id
    assert [row.id for row in rows] == sorted(row.id for row in rows)


async def test_unchanged_aggregates_are_not_rewritten(uow_factory: Factory) -> None:
    g = await save_graph(uow_factory)
    async with uow_factory() as uow:
        await uow.programs.get(g.program.id)
        await uow.commit()
    async with uow_factory() as uow:
        assert (await uow.programs.get(g.program.id)).version == 1


async def test_a_change_bumps_the_version_and_persists(uow_factory: Factory) -> None:
    g = await save_graph(uow_factory)
    async with uow_factory() as uow:
        program = await uow.programs.get(g.program.id)
        program.set_slack_opt_in(False, now=NOW)
        await uow.commit()
    assert program.version == 2
    async with uow_factory() as uow:
        again = await uow.programs.get(g.program.id)
        assert (again.slack_opt_in, again.version) == (False, 2)
        assert [r.topic for r in await uow.outbox.list_pending()] == [
            "program.slack_opt_in_changed"
        ]


async def test_two_concurrent_changes_one_wins_one_conflicts(uow_factory: Factory) -> None:
    g = await save_graph(uow_factory)
    r = request(g)
    async with uow_factory() as uow:
        await uow.mentor_requests.add(r)
        await uow.commit()
    first, second = uow_factory(), uow_factory()
    async with first, second:
        a = await first.mentor_requests.get(r.id)
        b = await second.mentor_requests.get(r.id)
        a.decline(by=g.mentor.id, now=NOW, reason="busy")
        b.withdraw(by=g.mentee.id, now=NOW)
        await first.commit()
        with pytest.raises(ConcurrencyConflict):
            await second.commit()
    async with uow_factory() as uow:
        final = await uow.mentor_requests.get(r.id)
        topics = [row.topic for row in await uow.outbox.list_pending()]
    assert final.status.value == "declined"
    assert topics == ["mentor_request.sent", "mentor_request.declined"]


async def test_guard_makes_concurrent_use_of_one_member_conflict(uow_factory: Factory) -> None:
    g = await save_graph(uow_factory)
    first, second = uow_factory(), uow_factory()
    async with first, second:
        first.members.guard(await first.members.get(g.mentor.id))
        second.members.guard(await second.members.get(g.mentor.id))
        await first.connections.add(connection(g))
        await second.connections.add(connection(g))
        await first.commit()
        with pytest.raises(ConcurrencyConflict):
            await second.commit()
    async with uow_factory() as uow:
        assert (await uow.members.get(g.mentor.id)).version == 2
        assert len(await uow.connections.list_for_member(g.mentee.id)) == 1


async def test_duplicate_email_in_one_organization_is_refused(uow_factory: Factory) -> None:
    g = await save_graph(uow_factory)
    twin = User(
        id=UserId(new_id()), organization_id=g.organization.id, email="MARIA@acme.example", name="M"
    )
    with pytest.raises(ConcurrencyConflict):
        async with uow_factory() as uow:
            await uow.users.add(twin)
            await uow.commit()
    async with uow_factory() as uow:
        assert len(await uow.users.list_for_organization(g.organization.id)) == 3


async def test_loading_twice_gives_the_same_object(uow_factory: Factory) -> None:
    g = await save_graph(uow_factory)
    async with uow_factory() as uow:
        one = await uow.members.get(g.mentor.id)
        (two,) = list(await uow.members.list_for_user(g.mentor.user_id))
        assert one is two
