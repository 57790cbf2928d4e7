"""Recommended mentors, from Slack: View profile (name, expertise, bio, open places, why they
fit) -> Request mentoring (a pushed modal with a note) -> the request is sent, and the mentee
gets a note with a Withdraw button."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_sdk.models.blocks import Block

from adapters.slack.actions.dispatch import Forged
from adapters.slack.actions.modals import metadata_of, modal, note, section, text_input
from adapters.slack.actions.payloads import Click, Submission
from adapters.slack.actions.registry import (
    Acting,
    ClickReply,
    CloseModal,
    NextView,
    OpenModal,
    Registry,
    SubmitReply,
)
from adapters.slack.blocks import actions
from adapters.slack.blocks.parts import button, buttons, esc
from adapters.slack.blocks.parts import section as message_section
from application.usecases.member_profile import (
    MemberProfile,
    ViewMemberProfile,
    view_member_profile,
)
from application.usecases.send_mentor_request import SendMentorRequest, send_mentor_request
from domain.errors import IllegalTransition
from domain.ids import MemberId, ProgramId
from domain.mentor_request import MAX_NOTE

PROFILE = "mentor.profile"
REQUEST = "mentor.request"
NOTE = "note"


def _id(value: str) -> MemberId:
    if not value or len(value) > 64:
        raise Forged()
    return MemberId(value)


async def _profile(acting: Acting, mentor_id: str) -> MemberProfile:
    return await acting.run(view_member_profile, ViewMemberProfile(member_id=_id(mentor_id)))


def _metadata(profile: MemberProfile, response_url: str) -> dict[str, str]:
    member = profile.member
    return {"mentor_id": member.id, "program_id": member.program_id, "name": member.name[:100],
            "response_url": response_url}  # fmt: skip


async def view_profile(click: Click, acting: Acting) -> ClickReply:
    profile = await _profile(acting, click.value)
    mentor = profile.member
    lines = [f"*{esc(mentor.name)}*, mentor in *{esc(profile.program_name)}*"]
    if mentor.profile.expertise:
        lines.append(f"*Expertise:* {esc(', '.join(sorted(mentor.profile.expertise)))}")
    if profile.open_places is not None:
        places = profile.open_places
        lines.append(f"*Open places:* {places}" if places else "*Open places:* none right now")
    blocks: list[Block] = [section("\n".join(lines))]
    if mentor.profile.bio:
        blocks.append(section(esc(mentor.profile.bio)))
    if profile.recommendation is not None:
        blocks.append(note(f"💡 {esc(profile.recommendation.reason)}"))
    elif profile.why_not:
        blocks.append(note(f"\N{INFORMATION SOURCE} {esc(profile.why_not)}"))
    may_ask = profile.recommendation is not None
    metadata = _metadata(profile, click.response_url or "")
    return OpenModal(modal(PROFILE, "Mentor profile", blocks,
                           submit="Request mentoring" if may_ask else None,
                           close="Close", metadata=metadata))  # fmt: skip


def _request_modal(metadata: Mapping[str, str]) -> dict[str, Any]:
    return modal(REQUEST, "Request mentoring", [
        section(f"Ask *{esc(metadata.get('name', 'this mentor'))}* to mentor you."),
        text_input(NOTE, "A note for them (optional)", multiline=True, optional=True,
                   max_length=MAX_NOTE,
                   placeholder="What would you like to work on together?"),
    ], submit="Send request", metadata=dict(metadata))  # fmt: skip


async def open_request(click: Click, acting: Acting) -> ClickReply:
    profile = await _profile(acting, click.value)
    if profile.recommendation is None:
        raise IllegalTransition(profile.why_not or "You can't ask this member for mentoring.")
    return OpenModal(_request_modal(_metadata(profile, click.response_url or "")))


async def push_request(sub: Submission, acting: Acting) -> SubmitReply:
    """Request mentoring from the profile: the note modal goes on top of it."""
    metadata = metadata_of(sub.private_metadata)
    _id(metadata.get("mentor_id") or "")
    return NextView(_request_modal(metadata), push=True)


async def send(sub: Submission, acting: Acting) -> SubmitReply:
    metadata = metadata_of(sub.private_metadata)
    mentor_id, program_id = _id(metadata.get("mentor_id") or ""), metadata.get("program_id")
    if not program_id:
        raise Forged()
    command = SendMentorRequest(program_id=ProgramId(program_id), mentor_id=mentor_id,
                                note=sub.text(NOTE, "value").strip())  # fmt: skip
    request = await acting.run(send_mentor_request, command)
    name = esc(metadata.get("name", "the mentor"))
    text = f"✅ Your request is on its way to *{name}*. You'll hear here when they answer."
    return CloseModal(note=text, clear_all=True, blocks=[
        message_section(text).to_dict(),
        buttons(button("Withdraw request", actions.MENTOR_REQUEST_WITHDRAW, request.id)).to_dict(),
    ])  # fmt: skip


def register(registry: Registry) -> None:
    registry.on_click(actions.MENTOR_VIEW_PROFILE, view_profile)
    registry.on_submit(PROFILE, push_request)
    registry.on_click(actions.MENTOR_REQUEST, open_request)
    registry.on_submit(REQUEST, send, main_block=NOTE)
