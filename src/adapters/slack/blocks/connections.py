"""Inside a connection: it was published, a message came, a task was given or done, a survey
is due (and the outcome lines that replace the task's and the survey's buttons)."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from adapters.slack.blocks import actions
from adapters.slack.blocks.parts import (
    WHILE_OPEN,
    Rendered,
    button,
    buttons,
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


def _others(n: Notification) -> list[dict[str, object]]:
    return [p for p in n.facts.get("participants", []) if p["user_id"] != n.recipient_user_id]


def connection_published(n: Notification) -> Rendered:
    f = n.facts
    lines = []
    for p in _others(n)[:10]:
        tags = p.get("goals") if p["role"] == "mentee" else p.get("expertise")
        about = f" — {esc(', '.join(tags))}" if tags else ""  # type: ignore[arg-type]
        lines.append(f"• *{esc(str(p['name']))}*, your {p['role']}{about}")
    names = ", ".join(str(p["name"]) for p in _others(n)) or "your partner"
    blocks: list[Block] = [
        header(f"You're connected in {f['program_name']}"),
        section("\n".join(lines) or "Your connection is ready."),
        buttons(button("Open connection", actions.CONNECTION_OPEN, f["connection_id"], "primary"),
                button("Send message", actions.CONNECTION_SEND_MESSAGE, f["connection_id"])),
    ]  # fmt: skip
    return Rendered(fallback(f"You're connected with {names} in {f['program_name']}"), blocks)


def message_received(n: Notification) -> Rendered:
    f = n.facts
    author = esc(f["author"]["name"])
    blocks: list[Block] = [
        section(f"*{author}* wrote:\n" + quote(f["body"] or "(empty)", 2800)),
        buttons(button("Reply", actions.CONNECTION_SEND_MESSAGE, f["connection_id"], "primary"),
                button("Open connection", actions.CONNECTION_OPEN, f["connection_id"])),
    ]  # fmt: skip
    return Rendered(fallback(f"{f['author']['name']}: {f['body']}"), blocks)


def _task_line(n: Notification) -> str:
    f = n.facts
    due = f" — due {when(f['due'], '{date_short_pretty}')}" if f.get("due") else ""
    return f"*{esc(f['title'])}*{due}"


def task_assigned(n: Notification) -> Rendered:
    f = n.facts
    value = f"{f['connection_id']}:{f['task_id']}"
    if n.refresh:  # `by` is now whoever marked it done, not who gave it
        blocks: list[Block] = [section(f"📝 Your task:\n{_task_line(n)}"),
                               outcome("✅", f"Done — marked by {who(f['by'], n)}", f["at"])]
        return Rendered(fallback(f"Task done: {f['title']}"), blocks)
    blocks = [section(f"📝 {who(f['by'], n).capitalize()} gave you a task:\n{_task_line(n)}")]
    opened = button("Open connection", actions.CONNECTION_OPEN, f["connection_id"])
    blocks.append(buttons(button("Mark done", actions.TASK_MARK_DONE, value, "primary"), opened))
    return Rendered(fallback(f"New task: {f['title']}"), blocks)


def task_completed(n: Notification) -> Rendered:
    f = n.facts
    text = f"✅ {who(f['by'], n).capitalize()} finished a task: {_task_line(n)}"
    return Rendered(fallback(f"{f['by']['name']} finished: {f['title']}"), [section(text)])


SURVEY_ANSWERED = "Thanks, answered"  # the DM's words once answered, wherever it is shown


def survey_assigned(n: Notification) -> Rendered:
    f = n.facts
    with_whom = ", ".join(esc(str(p["name"])) for p in _others(n)) or "your connection"
    due = f"\nPlease answer by {when(f['due'])}." if f.get("due") else ""
    blocks: list[Block] = [section(f"📋 *{esc(f['title'])}*: a short survey about your "
                                   f"mentoring with {with_whom}.{due}")]  # fmt: skip
    if n.refresh:
        blocks.append(outcome("✅", SURVEY_ANSWERED, f["at"]))
        return Rendered(fallback(f"Survey answered: {f['title']}"), blocks)
    blocks.append(buttons(button("Take survey", actions.SURVEY_TAKE, f["assignment_id"],
                                 "primary")))  # fmt: skip
    blocks.append(note("It takes a couple of minutes; your answers go to the program team.",
                       WHILE_OPEN))  # fmt: skip
    return Rendered(fallback(f"Survey to answer: {f['title']}"), blocks)
