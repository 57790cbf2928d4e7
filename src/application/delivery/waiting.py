"""Facts shared by several stories: a person as renderers see them, the mentors a mentee
could ask next, and the welcome of someone first found in Slack with what already waits
for them (requests to answer, meetings to confirm, surveys due)."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import Any

from application.delivery.model import Subject
from application.delivery.story import Audience, Story
from application.slack.ports import SlackUnitOfWork
from domain.errors import NotFound
from domain.ids import MemberId, UserId
from domain.matching import Ties
from domain.people import Member
from domain.program import Program
from domain.recommendations import recommend_mentors
from domain.slack.identity import SlackIdentityFound

RECOMMENDED = 3  # mentors offered in a DM
WAITING = 5  # items of each sort listed in a welcome (the Home tab has them all)


def person(member: Member) -> dict[str, str]:
    return {"member_id": member.id, "user_id": member.user_id, "name": member.name}


async def recommendations_for(
    uow: SlackUnitOfWork,
    mentee: Member,
    program: Program,
    *,
    besides: AbstractSet[str] = frozenset(),
    limit: int = RECOMMENDED,
) -> list[dict[str, Any]]:
    """The best mentors the mentee could ask now, each with its reason; never one of
    `besides` (the mentor who just declined, or let the request expire)."""
    ties = Ties.of(
        mentee.id,
        connections=await uow.connections.list_for_member(mentee.id),
        pending=await uow.mentor_requests.list_pending_for_member(mentee.id),
    )
    ranked = recommend_mentors(
        mentee,
        await uow.members.list_mentors(program.id),
        loads=await uow.connections.active_mentee_counts(program.id),
        default_capacity=program.mentees_per_mentor,
        excluded=ties.connected | ties.requested | {MemberId(m) for m in besides},
        limit=limit,
    )
    return [
        {"mentor_id": r.mentor_id, "name": r.name, "reason": r.reason, "program_id": program.id}
        for r in ranked
    ]


async def welcome_story(event: SlackIdentityFound, uow: SlackUnitOfWork, version: int) -> Story:
    """Who the bot is for this person, and what waits for them in each of their programs."""
    try:
        user = await uow.users.get(UserId(event.user_id))
        name = user.name
    except NotFound:
        name = ""
    requests: list[dict[str, Any]] = []
    meetings: list[dict[str, Any]] = []
    surveys: list[dict[str, Any]] = []
    now = event.occurred_at
    for member in await uow.members.list_for_user(UserId(event.user_id)):
        program = await uow.programs.get(member.program_id)
        for request in await uow.mentor_requests.list_pending_for_member(member.id):
            if request.mentor_id == member.id and not request.is_overdue(now):
                mentees = await uow.members.get_many([request.mentee_id])
                requests.append({
                    "request_id": request.id, "program_name": program.name,
                    "mentee_name": mentees[0].name if mentees else "", "note": request.note,
                    "expires_at": request.expires_at.isoformat(),
                })  # fmt: skip
        connections = await uow.connections.list_for_member(member.id)
        ids = [c.id for c in connections]
        partners = {c.id: c.partners_of(member.id) for c in connections}
        names = {m.id: m.name for m in await uow.members.get_many(
            [p for ps in partners.values() for p in ps])}  # fmt: skip
        for meeting in await uow.meetings.list_for_connections(ids):
            if meeting.is_pending and meeting.invitee_id == member.id and meeting.open_slots(now):
                meetings.append({
                    "meeting_id": meeting.id, "title": meeting.title,
                    "organizer_name": names.get(meeting.organizer_id, ""),
                    "slots": [{"start": s.start.isoformat(), "minutes": s.minutes}
                              for s in meeting.open_slots(now)],
                })  # fmt: skip
        for assignment in await uow.survey_assignments.list_for_connections(ids):
            if assignment.is_due_for(member.id):
                survey = await uow.surveys.get(assignment.survey_id)
                surveys.append({
                    "assignment_id": assignment.id, "title": survey.title,
                    "due": None if assignment.due is None else assignment.due.isoformat(),
                })  # fmt: skip
    return Story(
        subject=Subject(kind="welcome", id=event.identity_id), program_id=None, version=version,
        facts={"name": name, "requests": requests[:WAITING], "meetings": meetings[:WAITING],
               "surveys": surveys[:WAITING],
               "more": max(0, len(requests) + len(meetings) + len(surveys) - 3 * WAITING),
               "at": now.isoformat()},
        audiences={Audience.THE_PERSON: (event.user_id,)},
    )  # fmt: skip
