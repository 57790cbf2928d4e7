"""The `MailRenderer`: a notification as an e-mail (subject, plain text, HTML) for people
Slack does not reach. Buttons become one link to the platform (`MENTORLINK_PUBLIC_URL`);
times are written in the organization's timezone (facts' `timezone`); every piece of user
text is HTML-escaped."""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from application.delivery.model import Notification, NotificationKind
from application.delivery.ports import MailContent

K = NotificationKind
Lines = tuple[str, list[str]]  # subject, paragraphs (plain text)


def _at(iso: str | None, facts: Mapping[str, Any]) -> str:
    if not iso:
        return "no date"
    try:
        zone = ZoneInfo(str(facts.get("timezone") or "UTC"))
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return datetime.fromisoformat(iso).astimezone(zone).strftime(f"%a %-d %b %Y, %H:%M ({zone})")


def _name(person: Mapping[str, Any] | None, n: Notification) -> str:
    if person is None:
        return "nobody"
    return "you" if person.get("user_id") == n.recipient_user_id else str(person["name"])


def _recommended(f: Mapping[str, Any]) -> list[str]:
    return [f"- {r['name']}: {r['reason']}" for r in f.get("recommended", [])]


def _request_received(n: Notification) -> Lines:
    f = n.facts
    if n.refresh:
        return (f"Mentoring request from {f['mentee']['name']}: {f['outcome']}",
                [f"The request is now {f['outcome']} ({_at(f['at'], f)})."])  # fmt: skip
    return (f"{f['mentee']['name']} asks you for mentoring", [
        f"{f['mentee']['name']} asks you to mentor them in {f['program_name']}.",
        f"Goals: {', '.join(f['mentee'].get('goals', [])) or '-'}",
        *([f"Their note: {f['note']}"] if f.get("note") else []),
        f"Please answer by {_at(f['expires_at'], f)}, or the request expires.",
    ])  # fmt: skip


def _request_answered(n: Notification) -> Lines:
    f = n.facts
    lines = [f"Your mentoring request to {f['mentor']['name']} was {f['outcome']}."]
    if f.get("reason"):
        lines.append(f"Their reason: {f['reason']}")
    if f.get("recommended"):
        lines += ["Mentors you could ask instead:", *_recommended(f)]
    return f"Your mentoring request: {f['outcome']}", lines


def _simple(
    subject: Callable[[Mapping[str, Any]], str], body: Callable[[Notification], list[str]]
) -> Callable[[Notification], Lines]:
    return lambda n: (subject(n.facts), body(n))


def _meeting_proposed(n: Notification) -> Lines:
    f = n.facts
    if n.refresh:
        return f"Meeting {f['title']}: {f['outcome']}", [f"This meeting is now {f['outcome']}."]
    slots = [f"- {_at(s['start'], f)} ({s['minutes']} min)" for s in f["slots"]]
    return (f"{f['organizer']['name']} proposes a meeting: {f['title']}",
            [f"{f['organizer']['name']} proposes these times:", *slots])  # fmt: skip


def _meeting_answered(n: Notification) -> Lines:
    f = n.facts
    line = f"{f['title']}: {f['outcome']}" + (f" by {_name(f['by'], n)}" if f.get("by") else "")
    if f.get("chosen"):
        line += f", for {_at(f['chosen']['start'], f)}"
    return f"Meeting {f['title']}: {f['outcome']}", [line + "."] + (
        [f"Reason: {f['reason']}"] if f.get("reason") else [])  # fmt: skip


def _welcome(n: Notification) -> Lines:
    f = n.facts
    lines = [f"Hi {f.get('name') or 'there'}! mentorlink now reaches you in Slack too."]
    lines += [f"- {r['mentee_name']} asks you for mentoring" for r in f["requests"]]
    lines += [f"- Meeting to confirm: {m['title']}" for m in f["meetings"]]
    lines += [f"- Survey to answer: {s['title']}" for s in f["surveys"]]
    return "Welcome to mentorlink", lines


def _digest_line(item: Mapping[str, Any]) -> str:
    f = item["facts"]
    if item["kind"] == "announcement":
        return f"- {f['program_name']}: {f['text']} ({f['by_name']})"
    if item["kind"] == "task_completed":
        return f"- {f['by']['name']} finished: {f['title']}"
    return f"- {str(item['kind']).replace('_', ' ')}"


def _others(n: Notification) -> str:
    people = [p["name"] for p in n.facts.get("participants", [])
              if p["user_id"] != n.recipient_user_id]  # fmt: skip
    return ", ".join(people) or "your partner"


RENDERERS: Mapping[NotificationKind, Callable[[Notification], Lines]] = {
    K.MENTOR_REQUEST_RECEIVED: _request_received,
    K.MENTOR_REQUEST_ANSWERED: _request_answered,
    K.MENTOR_REQUEST_WITHDRAWN: _simple(
        lambda f: f"{f['mentee']['name']} withdrew their mentoring request",
        lambda n: ["Nothing to do: the request was withdrawn."]),
    K.MENTORS_RECOMMENDED: _simple(
        lambda f: f"Welcome to {f['program_name']}: mentors you could ask",
        lambda n: ["You don't have a mentor yet. These could help:", *_recommended(n.facts)]),
    K.CONNECTION_PUBLISHED: _simple(
        lambda f: f"You're connected in {f['program_name']}",
        lambda n: [f"You are now connected with {_others(n)}. Say hello!"]),
    K.MESSAGE_RECEIVED: _simple(
        lambda f: f"New message from {f['author']['name']}",
        lambda n: [f"{n.facts['author']['name']} wrote:", n.facts["body"]]),
    K.TASK_ASSIGNED: _simple(
        lambda f: f"Task: {f['title']}",
        lambda n: [f"Task: {n.facts['title']}"
                   + (f", due {_at(n.facts['due'], n.facts)}" if n.facts.get("due") else ""),
                   *(["Done."] if n.refresh else [])]),
    K.TASK_COMPLETED: _simple(
        lambda f: f"{f['by']['name']} finished: {f['title']}",
        lambda n: [f"{n.facts['by']['name']} marked the task done: {n.facts['title']}."]),
    K.SURVEY_ASSIGNED: _simple(
        lambda f: f"Survey: {f['title']}",
        lambda n: [f"Please answer the survey {n.facts['title']}"
                   + (f" by {_at(n.facts['due'], n.facts)}" if n.facts.get("due") else "") + ".",
                   *(["Answered — thank you."] if n.refresh else [])]),
    K.MEETING_PROPOSED: _meeting_proposed,
    K.MEETING_ANSWERED: _meeting_answered,
    K.ANNOUNCEMENT: _simple(
        lambda f: f"{f['program_name']}: an announcement",
        lambda n: [n.facts["text"], f"— {n.facts['by_name']}"]),
    K.WELCOME: _welcome,
    K.DIGEST: _simple(
        lambda f: "Your daily digest from mentorlink",
        lambda n: [_digest_line(i) for i in n.facts["items"]]),
}  # fmt: skip


class PlainMailRenderer:
    """Pure: subject, plain text and HTML from the same paragraphs, with one link to the
    platform where Slack would show buttons."""

    def __init__(self, public_url: str) -> None:
        self.link = public_url.rstrip("/") + "/"

    def render(self, notification: Notification) -> MailContent:
        subject, paragraphs = RENDERERS[notification.kind](notification)
        subject = " ".join(subject.split())[:150]
        action = f"Open mentorlink: {self.link}"
        text = "\n\n".join([*paragraphs, action]) + "\n"
        body = "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)
        link = html.escape(self.link, quote=True)
        page = (f"<!doctype html><html><body>{body}"
                f'<p><a href="{link}">Open mentorlink</a></p></body></html>')  # fmt: skip
        return MailContent(subject=subject, text=text, html=page)
