"""The addressed mentor accepts (publishing a connection) or declines; the mentee withdraws."""

from __future__ import annotations

import attrs

from application.actors import Actor, ensure_same_organization, member_of
from application.ports import Clock, UnitOfWork
from domain.connection import Connection
from domain.ids import ConnectionId, MentorRequestId, new_id
from domain.matching import Places
from domain.mentor_request import MentorRequest


@attrs.frozen(kw_only=True)
class AcceptMentorRequest:
    request_id: MentorRequestId


@attrs.frozen(kw_only=True)
class DeclineMentorRequest:
    request_id: MentorRequestId
    reason: str = ""


@attrs.frozen(kw_only=True)
class WithdrawMentorRequest:
    request_id: MentorRequestId


async def _request_of(uow: UnitOfWork, actor: Actor, request_id: MentorRequestId) -> MentorRequest:
    request = await uow.mentor_requests.get(request_id)
    ensure_same_organization(actor, request.organization_id, "mentor request")
    return request


async def accept_mentor_request(
    cmd: AcceptMentorRequest, actor: Actor, uow: UnitOfWork, clock: Clock
) -> Connection:
    async with uow:
        request = await _request_of(uow, actor, cmd.request_id)
        mentor = await member_of(uow, actor, request.program_id)
        program = await uow.programs.get(request.program_id)
        places = Places.of(
            mentor,
            default_capacity=program.mentees_per_mentor,
            taken=await uow.connections.active_mentee_count(mentor.id),
        )
        connection = request.accept(
            by=mentor.id,
            now=clock.now(),
            mentor_load=places.taken,
            mentor_capacity=places.capacity,
            connection_id=ConnectionId(new_id()),
        )
        # Two different requests accepted at once must not overfill the mentor: both
        # transactions bump the mentor's version, so the second commit is a conflict.
        uow.members.guard(mentor)
        await uow.connections.add(connection)
        await uow.commit()
        return connection


async def decline_mentor_request(
    cmd: DeclineMentorRequest, actor: Actor, uow: UnitOfWork, clock: Clock
) -> MentorRequest:
    async with uow:
        request = await _request_of(uow, actor, cmd.request_id)
        mentor = await member_of(uow, actor, request.program_id)
        request.decline(by=mentor.id, now=clock.now(), reason=cmd.reason)
        await uow.commit()
        return request


async def withdraw_mentor_request(
    cmd: WithdrawMentorRequest, actor: Actor, uow: UnitOfWork, clock: Clock
) -> MentorRequest:
    async with uow:
        request = await _request_of(uow, actor, cmd.request_id)
        mentee = await member_of(uow, actor, request.program_id)
        request.withdraw(by=mentee.id, now=clock.now())
        await uow.commit()
        return request
