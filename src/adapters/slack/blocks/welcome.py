"""An announcement from a program's administrators, and the welcome of someone the bot has
just found in Slack: who the bot is and what already waits for them, each with its buttons."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, DividerBlock

from adapters.slack.blocks import actions
from adapters.slack.blocks.parts import (
    Rendered,
    button,
    buttons,
    esc,
    fallback,
    header,
    note,
    quote,
    section,
    when,
)
from application.delivery.model import Notification


def announcement(n: Notification) -> Rendered:
    f = n.facts
    blocks: list[Block] = [
        header(f"📣 {f['program_name']}"),
        section(quote(f["text"], 2900)),
        note(f"From {esc(f['by_name'])}, to the {_audience(f['audience'])} of the program."),
    ]
    return Rendered(fallback(f"{f['program_name']}: {f['text']}"), blocks)


def _audience(audience: str) -> str:
    return {"mentors": "mentors", "mentees": "mentees"}.get(audience, "members")


def welcome(n: Notification) -> Rendered:
    f = n.facts
    name = str(f.get("name") or "").split()
    hello = f"Hi {esc(name[0])}! " if name else "Hi! "  # the first name, as the Home says it
    blocks: list[Block] = [
        section(hello + "I'm *mentorlink*, your mentoring program's assistant. I'll tell you "
                "here when someone asks you for mentoring, proposes a meeting, or sends you a "
                "task or a survey — and your Home tab is your connection area."),
    ]  # fmt: skip
    waiting = len(f["requests"]) + len(f["meetings"]) + len(f["surveys"])
    if not waiting:
        blocks.append(note("Nothing is waiting for you right now."))
        return Rendered(fallback("Welcome to mentorlink"), blocks)
    blocks += [DividerBlock(), section("*Already waiting for you:*")]
    for r in f["requests"]:
        said = "\n" + quote(r["note"], 500) if r.get("note") else ""
        blocks.append(section(f"🙋 *{esc(r['mentee_name'])}* asks you for mentoring in "
                              f"{esc(r['program_name'])}{said}"))  # fmt: skip
        blocks.append(buttons(
            button("Accept", actions.MENTOR_REQUEST_ACCEPT, r["request_id"], "primary"),
            button("Decline", actions.MENTOR_REQUEST_DECLINE, r["request_id"]),
            block_id=f"request:{r['request_id']}",
        ))  # fmt: skip
    for m in f["meetings"]:
        slots = ", ".join(when(s["start"]) for s in m["slots"][:5])
        blocks.append(section(f"📅 *{esc(m['title'])}* with {esc(m['organizer_name'])}: "
                              f"{slots}"))  # fmt: skip
        blocks.append(buttons(
            button("Choose a time", actions.MEETING_ACCEPT, m["meeting_id"], "primary"),
            button("Decline", actions.MEETING_DECLINE, m["meeting_id"]),
            block_id=f"meeting:{m['meeting_id']}",
        ))  # fmt: skip
    for s in f["surveys"]:
        due = f", due {when(s['due'], '{date_short_pretty}')}" if s.get("due") else ""
        blocks.append(section(f"📋 *{esc(s['title'])}*{due}"))
        blocks.append(buttons(button("Take survey", actions.SURVEY_TAKE, s["assignment_id"]),
                              block_id=f"survey:{s['assignment_id']}"))  # fmt: skip
    if f.get("more"):
        blocks.append(note(f"…and {f['more']} more on your Home tab."))
    waits = "1 thing waits" if waiting == 1 else f"{waiting} things wait"
    return Rendered(fallback(f"Welcome to mentorlink: {waits} for you"), blocks)
