"""Meetings: the invitee's proposal (each slot in the reader's own timezone, a slot picker,
Accept, Decline; the outcome once answered elsewhere) and the other party's outcome."""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, Block, Option, StaticSelectElement

from adapters.slack.blocks import actions
from adapters.slack.blocks.parts import (
    Rendered,
    button,
    esc,
    fallback,
    header,
    outcome,
    plain_when,
    quote,
    section,
    when,
    who,
)
from application.delivery.model import Notification

MAX_OPTIONS = 25  # a meeting has at most 5 slots; Slack's select takes 100
_DONE = {"accepted": ("✅", "Accepted"), "declined": ("✖️", "Declined"),
         "cancelled": ("🚫", "Cancelled"), "expired": ("⌛", "Expired")}  # fmt: skip


def _slot_line(slot: dict[str, object]) -> str:
    return f"• {when(str(slot['start']))} ({slot['minutes']} min)"


def meeting_proposed(n: Notification) -> Rendered:
    f = n.facts
    organizer = esc(f["organizer"]["name"])
    slots = f["slots"][:MAX_OPTIONS]
    blocks: list[Block] = [
        header(f["title"]),
        section(f"*{organizer}* proposes a meeting. Pick the time that suits you:\n"
                + "\n".join(_slot_line(s) for s in slots)),
    ]  # fmt: skip
    if n.refresh:
        icon, verb = _DONE.get(f["outcome"], ("•", f["outcome"].capitalize()))
        by = f" by {who(f['by'], n)}" if f.get("by") else ""
        chosen = f" for {when(f['chosen']['start'])}" if f.get("chosen") else ""
        blocks.append(outcome(icon, f"{verb}{by}{chosen}", f["at"]))
        return Rendered(fallback(f"Meeting {f['title']}: {verb.lower()}"), blocks)
    picker = StaticSelectElement(
        action_id=actions.MEETING_PICK_SLOT,
        placeholder="Pick a time",
        options=[Option(text=plain_when(s["start"]), value=s["start"]) for s in slots],
        initial_option=(Option(text=plain_when(slots[0]["start"]), value=slots[0]["start"])
                        if len(slots) == 1 else None),
    )  # fmt: skip
    blocks.append(ActionsBlock(block_id=f"meeting:{f['meeting_id']}", elements=[
        picker,
        button("Accept", actions.MEETING_ACCEPT, f["meeting_id"], "primary"),
        button("Decline", actions.MEETING_DECLINE, f["meeting_id"]),
    ]))  # fmt: skip
    return Rendered(fallback(f"{f['organizer']['name']} proposes a meeting: {f['title']}"),
                    blocks)  # fmt: skip


def meeting_answered(n: Notification) -> Rendered:
    f = n.facts
    icon, verb = _DONE.get(f["outcome"], ("•", f["outcome"].capitalize()))
    title = esc(f["title"])
    if f["outcome"] == "expired":
        text = f"{icon} *{title}*: no time was picked before every proposed slot passed."
    else:
        text = f"{icon} *{title}*: {verb.lower()} by {who(f['by'], n)}"
        if f.get("chosen"):
            text += f" for {when(f['chosen']['start'])} ({f['chosen']['minutes']} min)"
        text += "."
        if f.get("reason"):
            text += "\n" + quote(f["reason"], 1000)
    return Rendered(fallback(f"Meeting {f['title']}: {verb.lower()}"), [section(text)])
