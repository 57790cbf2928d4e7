"""Meetings from Slack: the invitee picks one of the proposed slots (in their own timezone)
and accepts, or declines with an optional reason; the proposer cancels. Accepting without a
pick (or from a message without a picker) opens a modal listing the slots still open."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import InputBlock, Option, RadioButtonsElement

from adapters.slack.actions.dispatch import Forged
from adapters.slack.actions.modals import (
    local_time,
    metadata_of,
    modal,
    origin_of,
    section,
    text_input,
)
from adapters.slack.actions.payloads import Click, Submission
from adapters.slack.actions.registry import (
    Acting,
    ClickReply,
    CloseModal,
    ModalErrors,
    Nothing,
    OpenModal,
    Outcome,
    Registry,
    SubmitReply,
)
from adapters.slack.blocks import actions
from adapters.slack.blocks.parts import esc, when
from application.usecases.meetings import (
    AcceptMeeting,
    CancelMeeting,
    DeclineMeeting,
    MeetingToAnswer,
    accept_meeting,
    cancel_meeting,
    decline_meeting,
    meeting_to_answer,
)
from domain.errors import DomainError, IllegalTransition
from domain.ids import MeetingId
from domain.meeting import MeetingProposal

PICK = "meeting.pick"
DECLINE = "meeting.decline"
SLOT = "slot"
REASON = "reason"


def _meeting_id(value: str) -> MeetingId:
    if not value or len(value) > 64:
        raise Forged()
    return MeetingId(value)


def _start(iso: str) -> datetime:
    try:
        start = datetime.fromisoformat(iso)
    except ValueError:
        raise Forged() from None
    if start.tzinfo is None:
        raise Forged()
    return start


async def picked(click: Click, acting: Acting) -> ClickReply:
    """A slot picked in the DM's menu: Slack keeps it in the message's state for Accept."""
    return Nothing()


async def accept(click: Click, acting: Acting) -> ClickReply:
    meeting_id = _meeting_id(click.value)
    chosen = click.picked(click.block_id, actions.MEETING_PICK_SLOT)
    meeting = await acting.run(meeting_to_answer, MeetingToAnswer(meeting_id=meeting_id))
    if chosen is None and len(meeting.slots) == 1:
        chosen = meeting.slots[0].start.isoformat()
    if chosen is None:
        return OpenModal(_pick_modal(meeting, acting, origin_of(click)))
    start = _start(chosen)
    await acting.run(accept_meeting, AcceptMeeting(meeting_id=meeting_id, slot_start=start))
    return Outcome(f"✅ Accepted by you for {when(start.isoformat())}.")


def _pick_modal(
    meeting: MeetingProposal, acting: Acting, origin: dict[str, str]
) -> dict[str, object]:
    if not meeting.is_pending:
        raise IllegalTransition(f"This meeting was already {meeting.status.value}.")
    slots = meeting.open_slots(acting.now())
    if not slots:
        raise IllegalTransition("Every proposed time has passed; ask for new ones.")
    tz = acting.caller.tz
    options = [Option(text=f"{local_time(s.start, tz)} ({s.minutes} min)",
                      value=s.start.isoformat()) for s in slots]  # fmt: skip
    return modal(PICK, "Choose a time", [
        section(f"*{esc(meeting.title)}*: pick the time that suits you."),
        InputBlock(block_id=SLOT, label="Proposed times (your timezone)",
                   element=RadioButtonsElement(action_id="value", options=options[:10])),
    ], submit="Accept", metadata={"meeting_id": meeting.id, **origin})  # fmt: skip


async def accept_picked(sub: Submission, acting: Acting) -> SubmitReply:
    meeting_id = _meeting_id(metadata_of(sub.private_metadata).get("meeting_id") or "")
    chosen = sub.picked(SLOT, "value")
    if chosen is None:
        return ModalErrors({SLOT: "Please pick one of the times."})
    try:
        command = AcceptMeeting(meeting_id=meeting_id, slot_start=_start(chosen))
        await acting.run(accept_meeting, command)
    except DomainError as refused:
        return ModalErrors({SLOT: refused.message})
    return CloseModal(note=f"✅ You accepted the meeting for {when(chosen)}.",
                      line=f"✅ Accepted by you for {when(chosen)}.")


async def open_decline(click: Click, acting: Acting) -> ClickReply:
    meeting = await acting.run(meeting_to_answer,
                               MeetingToAnswer(meeting_id=_meeting_id(click.value)))  # fmt: skip
    metadata = {"meeting_id": meeting.id, **origin_of(click)}
    return OpenModal(modal(DECLINE, "Decline meeting", [
        section(f"*{esc(meeting.title)}*: none of the times work for you?"),
        text_input(REASON, "Reason (optional)", multiline=True, optional=True, max_length=1000,
                   placeholder="e.g. I'm travelling that week; could we try the week after?"),
    ], submit="Decline", metadata=metadata))  # fmt: skip


async def decline(sub: Submission, acting: Acting) -> SubmitReply:
    meeting_id = _meeting_id(metadata_of(sub.private_metadata).get("meeting_id") or "")
    reason = sub.text(REASON, "value").strip()
    await acting.run(decline_meeting, DeclineMeeting(meeting_id=meeting_id, reason=reason))
    return CloseModal(note="You declined the meeting. The other person will be told.",
                      line="✖️ Declined by you.")


async def cancel(click: Click, acting: Acting) -> ClickReply:
    await acting.run(cancel_meeting, CancelMeeting(meeting_id=_meeting_id(click.value)))
    return Outcome("🚫 Cancelled by you. The other person will be told.")


def register(registry: Registry) -> None:
    registry.on_click(actions.MEETING_PICK_SLOT, picked)
    registry.on_click(actions.MEETING_ACCEPT, accept)
    registry.on_submit(PICK, accept_picked, main_block=SLOT)
    registry.on_click(actions.MEETING_DECLINE, open_decline)
    registry.on_submit(DECLINE, decline, main_block=REASON)
    registry.on_click(actions.MEETING_CANCEL, cancel)
