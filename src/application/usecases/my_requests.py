"""The actor's pending mentor requests: the ones they sent as a mentee and the ones they
received as a mentor, each with the two people involved."""

from __future__ import annotations

import attrs

from application.actors import Actor
from application.ports import Clock, UnitOfWork
from domain.mentor_request import MentorRequest
from domain.people import Member


@attrs.frozen(kw_only=True)
class MyPendingRequests:
    pass


@attrs.frozen(kw_only=True)
class RequestListing:
    request: MentorRequest
    mentee: Member
    mentor: Member


@attrs.frozen(kw_only=True)
class PendingRequests:
    sent: tuple[RequestListing, ...]
    received: tuple[RequestListing, ...]


async def my_pending_requests(
    query: MyPendingRequests, actor: Actor, uow: UnitOfWork, clock: Clock
) -> PendingRequests:
    async with uow:
        sent: list[RequestListing] = []
        received: list[RequestListing] = []
        for me in await uow.members.list_for_user(actor.user_id):
            for request in await uow.mentor_requests.list_pending_for_member(me.id):
                listing = RequestListing(
                    request=request,
                    mentee=await uow.members.get(request.mentee_id),
                    mentor=await uow.members.get(request.mentor_id),
                )
                (sent if request.mentee_id == me.id else received).append(listing)
        return PendingRequests(sent=tuple(sent), received=tuple(received))
