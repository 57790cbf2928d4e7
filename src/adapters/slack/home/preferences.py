"""The Home tab's "Your notifications" part: mute kinds, own notification hours, the daily
digest; the `action_id`s its elements send back (handled by `adapters.slack.actions.
preferences`).

| action_id | element | what it sends |
|---|---|---|
| preferences.mute | checkboxes | the selected kinds (option values: notification kinds) |
| preferences.days | checkboxes | the selected days (0 = Monday) |
| preferences.start / preferences.end | static select | `HH:MM` |
| preferences.reset_hours | button | nothing: back to the organization's hours |
| preferences.digest | radio buttons | `each` or `digest` |
"""

from __future__ import annotations

from datetime import time

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    CheckboxesElement,
    DividerBlock,
    InteractiveElement,
    Option,
    RadioButtonsElement,
    StaticSelectElement,
)

from adapters.slack.blocks.parts import button, header, note, section
from application.slack.home import Home
from domain.working_hours import DAY_NAMES, WorkingWindow

MUTE = "preferences.mute"
DAYS = "preferences.days"
START = "preferences.start"
END = "preferences.end"
RESET_HOURS = "preferences.reset_hours"
DIGEST = "preferences.digest"
ALL = frozenset({MUTE, DAYS, START, END, RESET_HOURS, DIGEST})

# (option value, label, description). The first two stand for every request and meeting
# kind; ticking them is refused with the reason, like the domain refuses it.
KINDS = (
    ("mentor_request_received", "Mentoring requests", "Always on: someone waits for you"),
    ("meeting_proposed", "Meeting invitations", "Always on: someone waits for you"),
    ("message_received", "Messages from your partners", None),
    ("task_assigned", "Tasks given to you", None),
    ("task_completed", "Tasks your partners finish", "Can come in the daily digest"),
    ("survey_assigned", "Surveys to answer", None),
    ("connection_published", "New connections", None),
    ("mentors_recommended", "Mentors you could ask", None),
    ("announcement", "Announcements from the program team", "Can come in the daily digest"),
)
EACH, DAILY = "each", "digest"
MIDNIGHT = time(23, 59)


def _time_label(at: time) -> str:
    return "midnight" if at == MIDNIGHT else f"{at:%H:%M}"


def _describe(window: WorkingWindow) -> str:
    """`weekdays, 08:00 to 19:00` as people say it."""
    days = sorted(window.days)
    named = {tuple(range(7)): "every day", tuple(range(5)): "weekdays",
             (5, 6): "weekends"}.get(tuple(days))  # fmt: skip
    if named is None:
        named = window.describe().rsplit(" ", 1)[0]
    return f"{named}, {window.start:%H:%M} to {_time_label(window.end)}"


def _option(value: str, label: str, description: str | None = None) -> Option:
    return Option(value=value, text=label, description=description)


def _times(first: int, last: int) -> list[Option]:
    hours = [time(h) for h in range(first, min(last, 23) + 1)]
    if last == 24:
        hours.append(MIDNIGHT)
    return [_option(f"{h:%H:%M}", _time_label(h)) for h in hours]


def preference_blocks(home: Home) -> list[Block]:
    """At most 11 blocks: kinds, hours, digest, and why the last change was refused."""
    prefs = home.preferences
    window = prefs.window or home.organization_window
    kinds = [_option(v, label, d) for v, label, d in KINDS]
    muted = [o for o in kinds if o.value in prefs.muted]
    days = [_option(str(d), DAY_NAMES[d]) for d in range(7)]
    starts, ends = _times(0, 23), _times(1, 24)
    start = next((o for o in starts if o.value == f"{window.start:%H:%M}"), None)
    end = next((o for o in ends if o.value == f"{window.end:%H:%M}"), None)
    whose = ("your own" if prefs.window is not None
             else "your organization's — change any part to make them yours")  # fmt: skip
    each = _option(EACH, "One message each")
    daily = _option(DAILY, "A daily digest",
                    "Announcements and finished tasks, once a day")  # fmt: skip
    hours: list[InteractiveElement] = [
        CheckboxesElement(action_id=DAYS, options=days,
                          initial_options=[o for o in days if int(o.value) in window.days]),
        StaticSelectElement(action_id=START, placeholder="From", options=starts,
                            initial_option=start),
        StaticSelectElement(action_id=END, placeholder="Until", options=ends, initial_option=end),
    ]  # fmt: skip
    if prefs.window is not None:
        hours.append(button("Use my organization's hours", RESET_HOURS, "reset"))
    blocks: list[Block] = [
        DividerBlock(),
        header("🔔 Your notifications"),
        section("*Mute* — tick what you'd rather not hear about in Slack. Your Home tab "
                "still shows everything."),
        ActionsBlock(block_id="preferences:mute", elements=[
            CheckboxesElement(action_id=MUTE, options=kinds, initial_options=muted or None)]),
        section(f"*Notification hours* — {_describe(window)}, in your own timezone "
                f"({whose}). Outside them, messages wait until your hours begin."),
        ActionsBlock(block_id="preferences:days", elements=hours[:1]),
        ActionsBlock(block_id="preferences:hours", elements=hours[1:]),
        section("*How low-priority news reaches you*"),
        ActionsBlock(block_id="preferences:digest", elements=[
            RadioButtonsElement(action_id=DIGEST, options=[each, daily],
                                initial_option=daily if prefs.digest else each)]),
    ]  # fmt: skip
    if home.notice:
        blocks.append(note(f"⚠️ {home.notice}"))
    return blocks
