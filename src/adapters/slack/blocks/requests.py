"""Mentor requests and recommended mentors: the mentor's request DM (and the outcome that
replaces its buttons), the mentee's answer, a withdrawal, and mentors to ask."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from slack_sdk.models.blocks import Block

from adapters.slack.blocks import actions
from adapters.slack.blocks.parts import (
    WHILE_OPEN,
    Rendered,
    button,
    buttons,
    day,
    esc,
    fallback,
    header,
    note,
    outcome,
    quote,
    section,
    when,
    who,
)
from application.delivery.model import Notification

_DONE = {"accepted": ("✅", "Accepted"), "declined": ("✖️", "Declined"),
         "withdrawn": ("↩️", "Withdrawn"), "expired": ("⌛", "Expired")}  # fmt: skip


def request_received(n: Notification) -> Rendered:
    f = n.facts
    mentee = f["mentee"]
    lines = [f"*{esc(mentee['name'])}* asks you to mentor them in *{esc(f['program_name'])}*."]
    if mentee.get("goals"):
        lines.append(f"*Goals:* {esc(', '.join(mentee['goals']))}")
    if mentee.get("expertise"):
        lines.append(f"*Knows:* {esc(', '.join(mentee['expertise']))}")
    blocks: list[Block] = [header("New mentoring request"), section("\n".join(lines))]
    if mentee.get("bio"):
        blocks.append(section(quote(mentee["bio"], 600)))
    if f.get("note"):
        blocks.append(section("*Their note:*\n" + quote(f["note"], 1500)))
    if n.refresh:
        icon, verb = _DONE.get(f["outcome"], ("•", f["outcome"].capitalize()))
        by = f" by {who(f['by'], n)}" if f.get("by") else ""
        blocks.append(outcome(icon, f"{verb}{by}", f["at"]))
        return Rendered(fallback(f"Mentoring request from {mentee['name']}: {verb.lower()}"),
                        blocks)  # fmt: skip
    blocks.append(buttons(
        button("Accept", actions.MENTOR_REQUEST_ACCEPT, f["request_id"], "primary"),
        button("Decline", actions.MENTOR_REQUEST_DECLINE, f["request_id"]),
        button("View profile", actions.MENTOR_REQUEST_VIEW_PROFILE, mentee["member_id"]),
    ))  # fmt: skip
    blocks.append(note(f"Answer by {when(f['expires_at'])}, or the request expires.", WHILE_OPEN))
    return Rendered(fallback(f"{mentee['name']} asks you to mentor them in {f['program_name']}"),
                    blocks)  # fmt: skip


def request_answered(n: Notification) -> Rendered:
    f = n.facts
    mentor = esc(f["mentor"]["name"])
    if f["outcome"] == "accepted":
        blocks: list[Block] = [
            section(f"✅ *{mentor}* accepted your mentoring request in "
                    f"*{esc(f['program_name'])}*. Say hello!"),
            buttons(button("Open connection", actions.CONNECTION_OPEN, f["connection_id"],
                           "primary"),
                    button("Send message", actions.CONNECTION_SEND_MESSAGE, f["connection_id"])),
        ]  # fmt: skip
        return Rendered(fallback(f"{f['mentor']['name']} accepted your mentoring request"), blocks)
    if f["outcome"] == "declined":
        text = f"*{mentor}* can't take on your mentoring request right now."
        if f.get("reason"):
            text += "\n" + quote(f["reason"], 1000)
    else:
        text = f"Your mentoring request to *{mentor}* expired without an answer."
    blocks = [section(text), *recommendation_blocks(f.get("recommended", []))]
    return Rendered(fallback(f"Your mentoring request to {f['mentor']['name']}: {f['outcome']}"),
                    blocks)  # fmt: skip


def request_withdrawn(n: Notification) -> Rendered:
    f = n.facts
    text = (f"↩️ *{esc(f['mentee']['name'])}* withdrew their mentoring request "
            f"in *{esc(f['program_name'])}*, {day(f['at'])}. Nothing to do.")  # fmt: skip
    return Rendered(fallback(f"{f['mentee']['name']} withdrew their mentoring request"),
                    [section(text)])  # fmt: skip


def recommendation_blocks(recommended: Sequence[Mapping[str, Any]]) -> list[Block]:
    """Each mentor with the reason they fit, View profile and Request mentoring."""
    if not recommended:
        return [note("No other mentor has room right now; your Home tab lists them as they do.")]
    blocks: list[Block] = [section("*Mentors you could ask:*")]
    for r in recommended:
        blocks.append(section(f"*{esc(r['name'])}*\n{esc(r['reason'])}"))
        blocks.append(buttons(
            button("Request mentoring", actions.MENTOR_REQUEST, r["mentor_id"], "primary"),
            button("View profile", actions.MENTOR_VIEW_PROFILE, r["mentor_id"]),
        ))  # fmt: skip
    return blocks


def mentors_recommended(n: Notification) -> Rendered:
    f = n.facts
    blocks: list[Block] = [
        header(f"Welcome to {f['program_name']}"),
        section("You don't have a mentor here yet. These could help with your goals:"
                if f.get("recommended") else "You don't have a mentor here yet."),
        *recommendation_blocks(f.get("recommended", [])),
    ]  # fmt: skip
    names = ", ".join(r["name"] for r in f.get("recommended", [])) or "none yet"
    return Rendered(fallback(f"Welcome to {f['program_name']}. Mentors you could ask: {names}"),
                    blocks)  # fmt: skip
