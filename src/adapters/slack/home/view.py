"""The Home tab as Block Kit: per program, what waits for the person's answer first (requests,
meetings, surveys), then their connections, the requests they sent and, for mentees, mentors
they could ask; "Your notifications" last. Never more than Slack's 100 blocks: each list
shows its most recent items and says how many more there are, with a link to the platform.

Buttons carry the same `action_id`s and values as the DMs (`adapters.slack.blocks.actions`),
so the same handlers serve both."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

import attrs
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    DividerBlock,
    Option,
    SectionBlock,
    StaticSelectElement,
)

from adapters.slack.blocks import actions
from adapters.slack.blocks.as_json import as_json
from adapters.slack.blocks.parts import (
    button,
    buttons,
    clip,
    esc,
    header,
    note,
    plain_when,
    quote,
    section,
    when,
)
from adapters.slack.home.preferences import preference_blocks
from application.slack.home import (
    Home,
    HomeConnection,
    HomeMeeting,
    HomeMentor,
    HomeRequest,
    HomeSurvey,
    ProgramHome,
    Stranger,
)

MAX_BLOCKS = 100
CAP = 5  # items of one list shown per program before "N more"
TASKS = 3  # open tasks shown per connection


def _iso(at: datetime) -> str:
    return at.isoformat()


def _day(at: datetime | None) -> str:
    return when(None if at is None else _iso(at), "{date_short_pretty}")


@attrs.define
class _Budget:
    """Blocks left for the programs; what did not fit is counted for the closing note."""

    left: int
    hidden: int = 0

    def take(self, out: list[Block], items: Sequence[list[Block]], what: str, more: str) -> None:
        shown = 0
        for item in items[:CAP]:
            if len(item) + 1 > self.left:  # keep room for the "more" note
                break
            out.extend(item)
            self.left -= len(item)
            shown += 1
        rest = len(items) - shown
        if rest and self.left >= 1:
            out.append(note(f"…and {rest} more {what} — {more}"))
            self.left -= 1
        elif rest:
            self.hidden += rest


class HomeView:
    """The `HomeRenderer`: pure, the same Home always renders the same view."""

    def __init__(self, public_url: str) -> None:
        self.link = public_url.rstrip("/") + "/"

    def render(self, page: Home | Stranger) -> Mapping[str, Any]:
        return {"type": "home", "blocks": as_json(self.blocks(page))}

    def blocks(self, page: Home | Stranger) -> list[Block]:
        """The Home's blocks, as Block Kit objects."""
        return self._stranger(page) if isinstance(page, Stranger) else self._home(page)

    @property
    def _more(self) -> str:
        return f"<{self.link}|see them all on mentorlink>"

    def _stranger(self, page: Stranger) -> list[Block]:
        where = f" in *{esc(page.workspace)}*" if page.workspace else ""
        return [
            header("👋 Welcome to mentorlink"),
            section(f"mentorlink brings your mentoring program into Slack{where}, but it "
                    "doesn't know you yet: nobody in a connected program uses the e-mail "
                    "address of your Slack profile."),
            section("*How to get matched*\n"
                    "1. Ask your program team to invite you, with the e-mail address your "
                    "Slack profile shows.\n"
                    "2. If they already did, make sure that address is the one in your Slack "
                    "profile — mentorlink finds you by it within the day.\n"
                    "3. Come back here: your requests, connections and meetings will show "
                    "up, and you'll get a welcome message."),
            note(f"Questions? Your program team can help, or sign in at <{self.link}|mentorlink>."),
        ]  # fmt: skip

    def _home(self, home: Home) -> list[Block]:
        first = home.name.split()[0] if home.name.strip() else "there"
        intro: list[Block] = [
            header(f"👋 Hi {first}, here's your mentoring"),
            note(f"Everything mentorlink has for you, as of {when(_iso(home.now))}. "
                 f"Also on <{self.link}|mentorlink>."),
        ]  # fmt: skip
        prefs = preference_blocks(home)
        budget = _Budget(left=MAX_BLOCKS - len(intro) - len(prefs) - 1)
        body: list[Block] = []
        if not home.programs:
            body = [section("You're not in a mentoring program yet. When your program team "
                            "adds you, your connections, requests and meetings appear here.")]
        for program in home.programs:
            if budget.left < 3:
                budget.hidden += _count(program)
                continue
            body += self._program(program, budget)
        if budget.hidden:
            body.append(note(f"…and {budget.hidden} more things — <{self.link}|open mentorlink>"
                             " to see everything."))  # fmt: skip
        return [*intro, *body, *prefs]

    def _program(self, p: ProgramHome, budget: _Budget) -> list[Block]:
        roles = " and ".join(r for r, on in (("mentor", p.is_mentor), ("mentee", p.is_mentee))
                             if on)  # fmt: skip
        out: list[Block] = [DividerBlock(), header(p.name)]
        budget.left -= 2
        lists: list[tuple[Sequence[Any], Callable[[Any], list[Block]], str]] = [
            (p.received, self._received, "requests to answer"),
            ([m for m in p.meetings if m.mine_to_answer], self._to_answer, "meetings to answer"),
            (p.surveys, self._survey, "surveys to take"),
            (p.connections, self._connection, "connections"),
            ([m for m in p.meetings if not m.mine_to_answer], self._waiting, "meetings"),
            (p.sent, self._sent, "requests you sent"),
        ]
        if p.is_mentee and not p.connections:
            lists.append((p.recommended, self._mentor, "mentors"))
        if not any(items for items, _, _ in lists):
            out.append(section(self._empty(p, roles)))
            budget.left -= 1
            return out
        out.append(note(f"You're a {roles} here."))
        budget.left -= 1
        for items, render, what in lists:
            budget.take(out, [render(i) for i in items], what, self._more)
        return out

    def _empty(self, p: ProgramHome, roles: str) -> str:
        if p.is_mentee:
            return ("You're a mentee here, without a mentor yet — and no mentor has room right "
                    "now. Your program team can match you with someone: reply to their "
                    "welcome, or ask them. New mentors appear here as soon as they have room.")
        return (f"You're a {roles} here. Nothing needs you right now: when a mentee asks you "
                "for mentoring, you'll be able to accept right here.")

    def _received(self, r: HomeRequest) -> list[Block]:
        text = f"🙋 *{esc(r.other)}* asks you to mentor them."
        if r.note:
            text += "\n" + quote(r.note, 600)
        return [
            section(text + f"\nAnswer by {when(_iso(r.expires_at))}, or it expires."),
            buttons(
                button("Accept", actions.MENTOR_REQUEST_ACCEPT, r.request_id, "primary"),
                button("Decline", actions.MENTOR_REQUEST_DECLINE, r.request_id),
                button("View profile", actions.MENTOR_REQUEST_VIEW_PROFILE, r.other_member_id),
                block_id=f"request:{r.request_id}",
            ),
        ]

    def _to_answer(self, m: HomeMeeting) -> list[Block]:
        slots = m.slots[:25]
        lines = "\n".join(f"• {when(_iso(s))} ({minutes} min)" for s, minutes in slots)
        options = [Option(text=plain_when(_iso(s)), value=_iso(s)) for s, _ in slots]
        picker = StaticSelectElement(
            action_id=actions.MEETING_PICK_SLOT, placeholder="Pick a time", options=options,
            initial_option=options[0] if len(options) == 1 else None,
        )  # fmt: skip
        return [
            section(f"📅 *{esc(m.title)}* — {esc(m.other)} proposes a meeting. Pick a time:\n"
                    + lines),
            ActionsBlock(block_id=f"meeting:{m.meeting_id}", elements=[
                picker,
                button("Accept", actions.MEETING_ACCEPT, m.meeting_id, "primary"),
                button("Decline", actions.MEETING_DECLINE, m.meeting_id),
            ]),
        ]  # fmt: skip

    def _waiting(self, m: HomeMeeting) -> list[Block]:
        count = len(m.slots)
        times = "1 time" if count == 1 else f"{count} times"
        return [_with_button(
            f"📅 *{esc(m.title)}*: waiting for {esc(m.other)} to pick one of {times}.",
            button("Cancel meeting", actions.MEETING_CANCEL, m.meeting_id),
        )]  # fmt: skip

    def _survey(self, s: HomeSurvey) -> list[Block]:
        due = f" — please answer by {_day(s.due)}" if s.due else ""
        return [_with_button(
            f"📋 *{esc(s.title)}*: a short survey about your mentoring with "
            f"{esc(s.with_whom)}{due}.",
            button("Take survey", actions.SURVEY_TAKE, s.assignment_id, "primary"),
        )]  # fmt: skip

    def _connection(self, c: HomeConnection) -> list[Block]:
        who = ", ".join(f"*{esc(name)}* (your {role})" for name, role in c.partners)
        lines = [f"🤝 {who or 'Your connection'}, since {_day(c.started)}"]
        if c.next_meeting is not None:
            lines.append(f"📅 Next: *{esc(c.next_meeting.title)}*, "
                         f"{when(_iso(c.next_meeting.start))} ({c.next_meeting.minutes} min)")
        else:
            lines.append("📅 No meeting planned yet.")
        blocks: list[Block] = [section("\n".join(lines))]
        for t in c.tasks[:TASKS]:
            due = f" — due {_day(t.due)}" if t.due else ""
            whose = f" — for {esc(t.assignee)}" if t.assignee else ""
            blocks.append(_with_button(
                f"☐ *{esc(t.title)}*{whose}{due}",
                button("Mark done", actions.TASK_MARK_DONE, f"{t.connection_id}:{t.task_id}"),
            ))  # fmt: skip
        if len(c.tasks) > TASKS:
            blocks.append(note(f"…and {len(c.tasks) - TASKS} more open tasks — {self._more}"))
        if c.messages:
            said = "\n".join(f"*{esc(m.author.capitalize() if m.author == 'you' else m.author)}*"
                             f" ({_day(m.sent_at)}): {esc(clip(m.body.strip(), 200))}"
                             for m in c.messages)  # fmt: skip
            blocks.append(section("💬 *Recent messages*\n" + said))
        else:
            blocks.append(section("💬 No messages yet — say hello!"))
        blocks.append(buttons(
            button("Send message", actions.CONNECTION_SEND_MESSAGE, c.connection_id, "primary"),
            button("Add a task", actions.TASK_ADD, c.connection_id),
            block_id=f"connection:{c.connection_id}",
        ))  # fmt: skip
        return blocks

    def _sent(self, r: HomeRequest) -> list[Block]:
        return [_with_button(
            f"⏳ You asked *{esc(r.other)}* to mentor you, {_day(r.sent_at)}. Waiting for "
            f"their answer (until {_day(r.expires_at)}).",
            button("Withdraw", actions.MENTOR_REQUEST_WITHDRAW, r.request_id),
        )]  # fmt: skip

    def _mentor(self, m: HomeMentor) -> list[Block]:
        return [_with_button(  # the reason says how many places are open
            f"🧭 You could ask *{esc(m.name)}* — {esc(m.reason)}",
            button("View profile", actions.MENTOR_VIEW_PROFILE, m.mentor_id),
        )]  # fmt: skip


def _with_button(text: str, accessory: Any) -> SectionBlock:
    block = section(text)
    block.accessory = accessory
    return block


def _count(p: ProgramHome) -> int:
    return len(p.received) + len(p.meetings) + len(p.surveys) + len(p.connections) + len(p.sent)
