"""Rules at the edges of the use cases: two simultaneous sends leave one pending request, support
stays in its organization, an admin cannot publish the same pair twice, `messages=0` means none."""

from __future__ import annotations

import pytest

from adapters.persistence.memory import MemoryStore
from application.running import UseCaseRunner
from application.usecases.access_tokens import IssueToken, issue_token
from application.usecases.connection_area import MyConnectionArea, my_connection_area
from application.usecases.connection_work import SendMessage, send_message
from application.usecases.publish_connection import PublishConnection, publish_connection
from application.usecases.send_mentor_request import SendMentorRequest, send_mentor_request
from domain.errors import ConcurrencyConflict, IllegalTransition, NotFound
from domain.people import Role
from tests.unit.world import FixedClock, Scene, World, fresh, interleave, publish, snapshot


async def test_two_simultaneous_sends_for_one_pair_leave_one_pending_request(
    scene: Scene, store: MemoryStore, clock: FixedClock
) -> None:
    cmd = SendMentorRequest(program_id=scene.program.id, mentor_id=scene.maria.id)
    send = lambda uow: send_mentor_request(cmd, scene.sam.actor, uow, clock)  # noqa: E731
    won, lost = await interleave(store, send, send)
    assert isinstance(lost, ConcurrencyConflict)
    async with fresh(store) as uow:
        pending = await uow.mentor_requests.list_pending_for_member(scene.sam.id)
    assert [r.id for r in pending] == [won.id]


async def test_support_cannot_issue_tokens_for_another_organization(
    run: UseCaseRunner, world: World, scene: Scene, store: MemoryStore
) -> None:
    other = await world.tenant("Globex")
    before = snapshot(store)
    with pytest.raises(NotFound):
        await run(
            issue_token,
            IssueToken(
                organization_id=other.organization.id,
                email="mallory@globex.example",
                name="Mallory",
                role=Role.GLOBAL_ADMIN,
            ),
            scene.acme.support,
        )
    assert snapshot(store) == before


async def test_an_admin_cannot_publish_a_pair_that_is_already_connected(
    run: UseCaseRunner, world: World, scene: Scene, store: MemoryStore
) -> None:
    await publish(world, scene.acme, scene.program, scene.maria, scene.sam)
    before = snapshot(store)
    cmd = PublishConnection(
        program_id=scene.program.id, mentor_ids=(scene.maria.id,), mentee_ids=(scene.sam.id,)
    )
    with pytest.raises(IllegalTransition, match="already connected"):
        await run(publish_connection, cmd, scene.acme.admin)
    assert snapshot(store) == before


async def test_duplicated_ids_in_an_admin_match_count_once(
    run: UseCaseRunner, scene: Scene
) -> None:
    cmd = PublishConnection(
        program_id=scene.program.id,
        mentor_ids=(scene.maria.id, scene.maria.id),
        mentee_ids=(scene.sam.id, scene.sam.id),
    )
    connection = await run(publish_connection, cmd, scene.acme.admin)
    assert (connection.mentor_ids, connection.mentee_ids) == ((scene.maria.id,), (scene.sam.id,))


async def test_asking_for_zero_messages_returns_none(
    run: UseCaseRunner, world: World, scene: Scene
) -> None:
    connection = await publish(world, scene.acme, scene.program, scene.maria, scene.sam)
    await run(send_message, SendMessage(connection_id=connection.id, body="Hi"), scene.sam.actor)
    none = await run(my_connection_area, MyConnectionArea(messages=0), scene.sam.actor)
    one = await run(my_connection_area, MyConnectionArea(messages=1), scene.sam.actor)
    assert none.connections[0].latest_messages == ()
    assert [m.body for m in one.connections[0].latest_messages] == ["Hi"]
