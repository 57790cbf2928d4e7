"""Mentor requests from Slack: the addressed mentor accepts, or declines with an optional
reason (a modal); the mentee withdraws; the mentor looks at the mentee's profile."""

from __future__ import annotations

from adapters.slack.actions.dispatch import Forged
from adapters.slack.actions.modals import (
    metadata_of,
    modal,
    note,
    origin_of,
    section,
    text_input,
)
from adapters.slack.actions.payloads import Click, Submission
from adapters.slack.actions.registry import (
    Acting,
    ClickReply,
    CloseModal,
    OpenModal,
    Outcome,
    Registry,
    SubmitReply,
)
from adapters.slack.blocks import actions
from adapters.slack.blocks.parts import esc
from application.usecases.answer_mentor_request import (
    AcceptMentorRequest,
    DeclineMentorRequest,
    WithdrawMentorRequest,
    accept_mentor_request,
    decline_mentor_request,
    withdraw_mentor_request,
)
from application.usecases.member_profile import ViewMemberProfile, view_member_profile
from domain.ids import MemberId, MentorRequestId
from domain.mentor_request import MAX_NOTE

DECLINE = "mentor_request.decline"
REASON = "reason"


def _id(value: str) -> str:
    if not value or len(value) > 64:
        raise Forged()
    return value


async def accept(click: Click, acting: Acting) -> ClickReply:
    command = AcceptMentorRequest(request_id=MentorRequestId(_id(click.value)))
    await acting.run(accept_mentor_request, command)
    return Outcome("✅ Accepted by you. You're connected now: say hello!")


async def open_decline(click: Click, acting: Acting) -> ClickReply:
    metadata = {"request_id": _id(click.value), **origin_of(click)}
    return OpenModal(modal(DECLINE, "Decline request", [
        section("No problem: the mentee will be told kindly and pointed to other mentors."),
        text_input(REASON, "Reason (optional)", multiline=True, optional=True,
                   max_length=MAX_NOTE, placeholder="e.g. I'm fully booked until June."),
        note("Only the mentee sees your reason."),
    ], submit="Decline", metadata=metadata))  # fmt: skip


async def decline(sub: Submission, acting: Acting) -> SubmitReply:
    request_id = metadata_of(sub.private_metadata).get("request_id") or ""
    command = DeclineMentorRequest(
        request_id=MentorRequestId(_id(request_id)), reason=sub.text(REASON, "value").strip()
    )
    await acting.run(decline_mentor_request, command)
    return CloseModal(note="You declined the mentoring request. The mentee will be told.",
                      line="✖️ Declined by you.")


async def withdraw(click: Click, acting: Acting) -> ClickReply:
    command = WithdrawMentorRequest(request_id=MentorRequestId(_id(click.value)))
    await acting.run(withdraw_mentor_request, command)
    return Outcome("↩️ Withdrawn by you. The mentor will be told.")


async def view_mentee(click: Click, acting: Acting) -> ClickReply:
    profile = await acting.run(view_member_profile,
                               ViewMemberProfile(member_id=MemberId(_id(click.value))))  # fmt: skip
    member = profile.member
    lines = [f"*{esc(member.name)}* in *{esc(profile.program_name)}*"]
    if member.profile.goals:
        lines.append(f"*Goals:* {esc(', '.join(sorted(member.profile.goals)))}")
    if member.profile.expertise:
        lines.append(f"*Knows:* {esc(', '.join(sorted(member.profile.expertise)))}")
    blocks = [section("\n".join(lines))]
    if member.profile.bio:
        blocks.append(section(esc(member.profile.bio)))
    return OpenModal(modal("mentorlink.profile", "Mentee profile", blocks, close="Close"))


def register(registry: Registry) -> None:
    registry.on_click(actions.MENTOR_REQUEST_ACCEPT, accept)
    registry.on_click(actions.MENTOR_REQUEST_DECLINE, open_decline)
    registry.on_submit(DECLINE, decline, main_block=REASON)
    registry.on_click(actions.MENTOR_REQUEST_WITHDRAW, withdraw)
    registry.on_click(actions.MENTOR_REQUEST_VIEW_PROFILE, view_mentee)
