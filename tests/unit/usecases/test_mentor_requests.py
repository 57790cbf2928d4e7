"""Send, accept, decline and withdraw mentor requests through the use cases."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adapters.persistence.memory import MemoryStore
from application.running import UseCaseRunner
from application.usecases.answer_mentor_request import (
    AcceptMentorRequest,
    DeclineMentorRequest,
    WithdrawMentorRequest,
    accept_mentor_request,
    decline_mentor_request,
    withdraw_mentor_request,
)
from application.usecases.send_mentor_request import SendMentorRequest, send_mentor_request
from domain.errors import IllegalTransition, InvalidInput, NotAllowed, NotFound
from domain.ids import MentorRequestId
from domain.mentor_request import MentorRequest, RequestStatus
from tests.unit.world import FixedClock, Person, Scene, World, fresh, snapshot, topics_since


async def ask(run: UseCaseRunner, scene: Scene, mentee: Person, mentor: Person) -> MentorRequest:
    return await run(
        send_mentor_request,
        SendMentorRequest(program_id=scene.program.id, mentor_id=mentor.id, note=" Hi "),
        mentee.actor,
    )


async def stored(store: MemoryStore, request: MentorRequest) -> MentorRequest:
    async with fresh(store) as uow:
        return await uow.mentor_requests.get(request.id)


async def test_a_mentee_sends_a_request_that_expires_by_the_program_rule(
    run: UseCaseRunner, scene: Scene, store: MemoryStore, clock: FixedClock
) -> None:
    mark = len(store.outbox)
    request = await ask(run, scene, scene.sam, scene.maria)
    saved = await stored(store, request)
    assert (saved.status, saved.note, saved.mentee_id, saved.mentor_id) == (
        RequestStatus.PENDING,
        "Hi",
        scene.sam.id,
        scene.maria.id,
    )
    assert saved.expires_at == clock.now() + timedelta(days=7)
    assert topics_since(store, mark) == ["mentor_request.sent"]
    row = store.outbox[mark]
    assert row.organization_id == scene.acme.organization.id
    assert (row.payload["request_id"], row.payload["mentor_id"]) == (request.id, scene.maria.id)


async def test_sending_refusals_change_nothing(
    run: UseCaseRunner, scene: Scene, store: MemoryStore, world: World
) -> None:
    await ask(run, scene, scene.sam, scene.maria)
    full = await world.mentor(scene.acme, scene.program, "Fay", capacity=0)
    before = snapshot(store)
    program = scene.program.id

    async def send(actor: object, mentor: Person) -> None:
        cmd = SendMentorRequest(program_id=program, mentor_id=mentor.id)
        await run(send_mentor_request, cmd, actor)  # type: ignore[arg-type]

    with pytest.raises(NotFound, match="No such program"):
        await send(scene.outsider.actor, scene.maria)
    with pytest.raises(NotAllowed, match="not a member of this program"):
        await send(scene.bystander, scene.maria)
    with pytest.raises(InvalidInput, match="Only mentees can ask"):
        await send(scene.omar.actor, scene.maria)
    with pytest.raises(InvalidInput, match="not a mentor in this program"):
        await send(scene.sam.actor, scene.lee)
    with pytest.raises(NotFound, match="No such member"):  # never confirm a foreign person
        await send(scene.sam.actor, scene.outsider)
    with pytest.raises(IllegalTransition, match="already have a pending request with Maria"):
        await send(scene.sam.actor, scene.maria)
    with pytest.raises(IllegalTransition, match="Fay has no open places"):
        await send(scene.sam.actor, full)
    assert snapshot(store) == before


async def test_the_mentor_accepts_and_the_connection_is_stored(
    run: UseCaseRunner, scene: Scene, store: MemoryStore, clock: FixedClock
) -> None:
    request = await ask(run, scene, scene.sam, scene.maria)
    clock.advance(hours=3)
    mark = len(store.outbox)
    connection = await run(
        accept_mentor_request, AcceptMentorRequest(request_id=request.id), scene.maria.actor
    )
    saved = await stored(store, request)
    assert (saved.status, saved.decided_at, saved.connection_id) == (
        RequestStatus.ACCEPTED,
        clock.now(),
        connection.id,
    )
    async with fresh(store) as uow:
        kept = await uow.connections.get(connection.id)
        assert (kept.mentor_ids, kept.mentee_ids) == ((scene.maria.id,), (scene.sam.id,))
        assert await uow.connections.active_mentee_counts(scene.program.id) == {scene.maria.id: 1}
    assert topics_since(store, mark) == ["mentor_request.accepted", "connection.published"]
    assert store.outbox[mark].payload["connection_id"] == connection.id
    assert store.outbox[mark + 1].created_at == clock.now()


async def test_only_the_addressed_mentor_accepts_or_declines(
    run: UseCaseRunner, scene: Scene, store: MemoryStore
) -> None:
    request = await ask(run, scene, scene.sam, scene.maria)
    before = snapshot(store)
    for answer in (
        lambda a: run(accept_mentor_request, AcceptMentorRequest(request_id=request.id), a),
        lambda a: run(decline_mentor_request, DeclineMentorRequest(request_id=request.id), a),
    ):
        with pytest.raises(NotFound, match="No such mentor request"):
            await answer(scene.outsider.actor)
        with pytest.raises(NotAllowed, match="not a member of this program"):
            await answer(scene.bystander)
        for other in (scene.omar, scene.sam, scene.lee):
            with pytest.raises(NotAllowed, match="Only the mentor this request was sent to"):
                await answer(other.actor)
    assert snapshot(store) == before


async def test_an_unknown_request_is_not_found(run: UseCaseRunner, scene: Scene) -> None:
    with pytest.raises(NotFound, match="No such mentor request"):
        await run(
            accept_mentor_request,
            AcceptMentorRequest(request_id=MentorRequestId("nope")),
            scene.maria.actor,
        )


async def test_a_full_mentor_cannot_accept_another_request(
    run: UseCaseRunner, scene: Scene, store: MemoryStore, world: World
) -> None:
    kim = await world.mentee(scene.acme, scene.program, "Kim")
    requests = [await ask(run, scene, who, scene.maria) for who in (scene.sam, scene.lee, kim)]
    for request in requests[:2]:
        await run(
            accept_mentor_request, AcceptMentorRequest(request_id=request.id), scene.maria.actor
        )
    before = snapshot(store)
    with pytest.raises(IllegalTransition, match="already mentor 2 of 2 mentees"):
        await run(
            accept_mentor_request, AcceptMentorRequest(request_id=requests[2].id), scene.maria.actor
        )
    assert snapshot(store) == before
    assert (await stored(store, requests[2])).status is RequestStatus.PENDING


async def test_an_overdue_request_can_no_longer_be_accepted(
    run: UseCaseRunner, scene: Scene, store: MemoryStore, clock: FixedClock
) -> None:
    request = await ask(run, scene, scene.sam, scene.maria)
    clock.advance(days=7)
    with pytest.raises(IllegalTransition, match="expired"):
        await run(
            accept_mentor_request, AcceptMentorRequest(request_id=request.id), scene.maria.actor
        )
    assert (await stored(store, request)).status is RequestStatus.PENDING


async def test_the_mentor_declines_with_a_reason(
    run: UseCaseRunner, scene: Scene, store: MemoryStore
) -> None:
    request = await ask(run, scene, scene.sam, scene.maria)
    mark = len(store.outbox)
    await run(
        decline_mentor_request,
        DeclineMentorRequest(request_id=request.id, reason="Full this month"),
        scene.maria.actor,
    )
    saved = await stored(store, request)
    assert (saved.status, saved.decline_reason) == (RequestStatus.DECLINED, "Full this month")
    assert topics_since(store, mark) == ["mentor_request.declined"]
    assert store.outbox[mark].payload["reason"] == "Full this month"
    async with fresh(store) as uow:
        assert await uow.connections.list_for_member(scene.sam.id) == []


async def test_the_mentee_withdraws_and_nobody_else_can(
    run: UseCaseRunner, scene: Scene, store: MemoryStore
) -> None:
    request = await ask(run, scene, scene.sam, scene.maria)
    before = snapshot(store)
    withdraw = WithdrawMentorRequest(request_id=request.id)
    with pytest.raises(NotFound):
        await run(withdraw_mentor_request, withdraw, scene.outsider.actor)
    with pytest.raises(NotAllowed, match="not a member"):
        await run(withdraw_mentor_request, withdraw, scene.bystander)
    for other in (scene.maria, scene.lee):
        with pytest.raises(NotAllowed, match="Only the mentee who sent this request"):
            await run(withdraw_mentor_request, withdraw, other.actor)
    assert snapshot(store) == before

    mark = len(store.outbox)
    await run(withdraw_mentor_request, withdraw, scene.sam.actor)
    assert (await stored(store, request)).status is RequestStatus.WITHDRAWN
    assert topics_since(store, mark) == ["mentor_request.withdrawn"]
    with pytest.raises(IllegalTransition, match="already withdrawn"):
        await run(withdraw_mentor_request, withdraw, scene.sam.actor)
    assert len(store.outbox) == mark + 1


async def test_after_an_answer_the_mentee_may_ask_again(
    run: UseCaseRunner, scene: Scene, store: MemoryStore
) -> None:
    first = await ask(run, scene, scene.sam, scene.maria)
    await run(decline_mentor_request, DeclineMentorRequest(request_id=first.id), scene.maria.actor)
    second = await ask(run, scene, scene.sam, scene.maria)
    assert second.id != first.id
    await run(accept_mentor_request, AcceptMentorRequest(request_id=second.id), scene.maria.actor)
    with pytest.raises(IllegalTransition, match="Maria already mentors you"):
        await ask(run, scene, scene.sam, scene.maria)
