"""Admin matches: publishing a connection directly, within the mentors' capacity."""

from __future__ import annotations

import pytest

from adapters.persistence.memory import MemoryStore
from application.running import UseCaseRunner
from application.usecases.publish_connection import PublishConnection, publish_connection
from domain.errors import IllegalTransition, InvalidInput, NotAllowed, NotFound
from domain.ids import MemberId
from tests.unit.world import Person, Scene, World, fresh, snapshot, topics_since


def match(scene: Scene, mentor: Person, *mentees: Person) -> PublishConnection:
    return PublishConnection(
        program_id=scene.program.id,
        mentor_ids=(mentor.id,),
        mentee_ids=tuple(m.id for m in mentees),
    )


async def test_an_admin_publishes_a_group_connection(
    run: UseCaseRunner, scene: Scene, store: MemoryStore
) -> None:
    mark = len(store.outbox)
    made = await run(
        publish_connection, match(scene, scene.maria, scene.sam, scene.lee), scene.acme.admin
    )
    async with fresh(store) as uow:
        saved = await uow.connections.get(made.id)
        assert (saved.mentor_ids, saved.mentee_ids) == (
            (scene.maria.id,),
            (scene.sam.id, scene.lee.id),
        )
        assert await uow.connections.active_mentee_counts(scene.program.id) == {scene.maria.id: 2}
    assert topics_since(store, mark) == ["connection.published"]
    assert list(store.outbox[mark].payload["mentee_ids"]) == [scene.sam.id, scene.lee.id]


async def test_a_match_may_not_overfill_a_mentor(
    run: UseCaseRunner, world: World, scene: Scene, store: MemoryStore
) -> None:
    await run(publish_connection, match(scene, scene.maria, scene.sam), scene.acme.admin)
    kim = await world.mentee(scene.acme, scene.program, "Kim")
    before = snapshot(store)
    with pytest.raises(IllegalTransition, match="Maria has 1 open places left"):
        await run(publish_connection, match(scene, scene.maria, scene.lee, kim), scene.acme.admin)
    assert snapshot(store) == before
    await run(publish_connection, match(scene, scene.maria, scene.lee), scene.acme.admin)
    with pytest.raises(IllegalTransition, match="Maria has 0 open places left"):
        await run(publish_connection, match(scene, scene.maria, kim), scene.acme.admin)


async def test_a_match_needs_mentors_and_mentees_of_the_program(
    run: UseCaseRunner, world: World, scene: Scene, store: MemoryStore
) -> None:
    before = snapshot(store)
    admin = scene.acme.admin
    with pytest.raises(InvalidInput, match="Sam is not a mentor in Pilot"):
        await run(publish_connection, match(scene, scene.sam, scene.lee), admin)
    with pytest.raises(InvalidInput, match="Omar is not a mentee in Pilot"):
        await run(publish_connection, match(scene, scene.maria, scene.omar), admin)
    with pytest.raises(NotFound, match="No such member") as refused:
        await run(publish_connection, match(scene, scene.maria, scene.outsider), admin)
    assert "Olga" not in refused.value.message  # nothing about another organization's people
    with pytest.raises(NotFound, match="No such member"):
        await run(publish_connection, match(scene, scene.outsider, scene.sam), admin)
    with pytest.raises(NotFound, match="No such member"):
        cmd = PublishConnection(
            program_id=scene.program.id, mentor_ids=(MemberId("ghost"),), mentee_ids=(scene.sam.id,)
        )
        await run(publish_connection, cmd, admin)
    assert snapshot(store) == before


async def test_matching_is_for_admins_of_the_organization(
    run: UseCaseRunner, scene: Scene, store: MemoryStore
) -> None:
    before = snapshot(store)
    with pytest.raises(NotAllowed, match="Only a global administrator or a program administrator"):
        await run(publish_connection, match(scene, scene.maria, scene.sam), scene.maria.actor)
    with pytest.raises(NotFound, match="No such program"):
        await run(publish_connection, match(scene, scene.maria, scene.sam), scene.globex.admin)
    assert snapshot(store) == before
