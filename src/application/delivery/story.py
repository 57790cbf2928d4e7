"""The words the notification table speaks: whom a rule addresses (`Audience`), and what one
event turned out to be about once read from the store (`Story`)."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence

import attrs

from application.delivery.model import Subject


class Audience(enum.StrEnum):
    """Whom a rule addresses, in the words of the mentoring world."""

    MENTOR = "the mentor"  # the one a request was sent to
    MENTEE = "the mentee"  # who sent the request; who just joined
    PARTICIPANTS = "every participant"
    OTHER_PARTY = "the other party"  # of a meeting: not the one who answered or cancelled
    INVITEE = "the invitee"
    PARTNERS = "the partner(s), never the sender"
    ASSIGNEE = "the assignee"
    OTHER_PARTICIPANTS = "the other participants"  # all but the one who completed the task
    RESPONDENTS = "each respondent"
    RESPONDENT = "the respondent"
    PROGRAM_AUDIENCE = "the program audience"
    THE_PERSON = "that person"


@attrs.frozen(kw_only=True)
class Story:
    """What one event is about, as gathered from the store: the subject, the facts every
    renderer of its notifications needs, and the user ids behind each audience."""

    subject: Subject
    program_id: str | None
    version: int  # increases with every change of the subject: the event time in µs
    facts: Mapping[str, object]
    audiences: Mapping[Audience, Sequence[str]]
    subject_per_recipient: bool = False  # each person's DM is its own subject (`id:user`)
