"""Meetings inside a connection: propose slots, accept one, decline, or cancel."""

from __future__ import annotations

from datetime import datetime

import attrs

from application.actors import Actor, connection_of, ensure_same_organization
from application.ports import Clock, UnitOfWork
from domain.errors import InvalidInput
from domain.ids import ConnectionId, MeetingId, MemberId, new_id
from domain.meeting import MeetingProposal, Slot


@attrs.frozen(kw_only=True)
class ProposeMeeting:
    connection_id: ConnectionId
    invitee_id: MemberId
    slots: tuple[Slot, ...]
    title: str = ""


@attrs.frozen(kw_only=True)
class AcceptMeeting:
    meeting_id: MeetingId
    slot_start: datetime


@attrs.frozen(kw_only=True)
class DeclineMeeting:
    meeting_id: MeetingId
    reason: str = ""


@attrs.frozen(kw_only=True)
class CancelMeeting:
    meeting_id: MeetingId


@attrs.frozen(kw_only=True)
class MeetingToAnswer:
    """A meeting proposal as one of its two people sees it (to pick a slot, say)."""

    meeting_id: MeetingId


async def propose_meeting(
    cmd: ProposeMeeting, actor: Actor, uow: UnitOfWork, clock: Clock
) -> MeetingProposal:
    async with uow:
        connection, organizer = await connection_of(uow, actor, cmd.connection_id)
        connection.ensure_may_meet(cmd.invitee_id, by=organizer.id)
        meeting = MeetingProposal.propose(
            id=MeetingId(new_id()),
            organization_id=connection.organization_id,
            connection_id=connection.id,
            organizer_id=organizer.id,
            invitee_id=cmd.invitee_id,
            title=cmd.title,
            slots=list(cmd.slots),
            now=clock.now(),
        )
        await uow.meetings.add(meeting)
        await uow.commit()
        return meeting


async def _meeting_and_member(
    uow: UnitOfWork, actor: Actor, meeting_id: MeetingId
) -> tuple[MeetingProposal, MemberId]:
    meeting = await uow.meetings.get(meeting_id)
    ensure_same_organization(actor, meeting.organization_id, "meeting")
    _, member = await connection_of(uow, actor, meeting.connection_id)
    return meeting, member.id


async def accept_meeting(
    cmd: AcceptMeeting, actor: Actor, uow: UnitOfWork, clock: Clock
) -> MeetingProposal:
    async with uow:
        meeting, member = await _meeting_and_member(uow, actor, cmd.meeting_id)
        slot = next((s for s in meeting.slots if s.start == cmd.slot_start), None)
        if slot is None:
            raise InvalidInput("That time was not one of the proposed slots.")
        meeting.accept(slot, by=member, now=clock.now())
        await uow.commit()
        return meeting


async def decline_meeting(
    cmd: DeclineMeeting, actor: Actor, uow: UnitOfWork, clock: Clock
) -> MeetingProposal:
    async with uow:
        meeting, member = await _meeting_and_member(uow, actor, cmd.meeting_id)
        meeting.decline(by=member, now=clock.now(), reason=cmd.reason)
        await uow.commit()
        return meeting


async def cancel_meeting(
    cmd: CancelMeeting, actor: Actor, uow: UnitOfWork, clock: Clock
) -> MeetingProposal:
    async with uow:
        meeting, member = await _meeting_and_member(uow, actor, cmd.meeting_id)
        meeting.cancel(by=member, now=clock.now())
        await uow.commit()
        return meeting


async def meeting_to_answer(
    query: MeetingToAnswer, actor: Actor, uow: UnitOfWork, clock: Clock
) -> MeetingProposal:
    async with uow:
        meeting, _ = await _meeting_and_member(uow, actor, query.meeting_id)
        return meeting
