"""Who is told what: the one table a newcomer reads to learn which outbox topic reaches whom,
as which notification kind. Pure; the facts each notification carries are gathered in
`application.delivery.stories`.

A rule either TELLS an audience something new (a DM, or an e-mail), or REFRESHES what an
audience was already shown about the subject: every Slack message about it is re-rendered
with the outcome in place of its buttons (the sender's `chat.update`), latest state first.

| topic | tells | refreshes |
|---|---|---|
| mentor_request.sent | the mentor: request received | |
| mentor_request.accepted / declined / expired | the mentee: the answer | the mentor's request DM |
| mentor_request.withdrawn | the mentor: withdrawn | the mentor's request DM |
| connection.published | every participant: the connection | |
| member.mentee_joined | the mentee: recommended mentors | |
| meeting.proposed | the invitee: the proposal | |
| meeting.accepted / declined / cancelled / expired | the other party: outcome | the invitee's DM |
| connection.message_sent | the partner(s), never the sender: the message | |
| connection.task_added | the assignee (unless they added it): the task | |
| connection.task_completed | the other participants: done | the assignee's task DM |
| survey.assigned | each respondent: take the survey | |
| survey.answered | | the respondent's survey DM |
| program.announcement_made | the program audience (all / mentors / mentees): the text | |
| slack_identity.found | that person: welcome, and what is waiting | |

`SILENT` lists every other topic with the reason nobody is told; a topic in neither table
fails the tests.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from application.delivery.model import Notification, NotificationKind, Subject
from application.delivery.stories import gather
from application.delivery.story import Audience, Story
from application.event_registry import UnknownTopic, event_from
from application.ports import OutboxMessage
from application.slack.ports import SlackUnitOfWork
from domain.ids import OrganizationId

K = NotificationKind


@attrs.frozen
class Rule:
    kind: NotificationKind
    audience: Audience
    refresh: bool = False  # update what `audience` was shown (as `kind`) about the subject


def tell(kind: NotificationKind, audience: Audience) -> Rule:
    return Rule(kind, audience)


def refresh(kind: NotificationKind, audience: Audience) -> Rule:
    return Rule(kind, audience, refresh=True)


A = Audience
_REQUEST_ANSWERED = (tell(K.MENTOR_REQUEST_ANSWERED, A.MENTEE),
                     refresh(K.MENTOR_REQUEST_RECEIVED, A.MENTOR))  # fmt: skip
_MEETING_ANSWERED = (tell(K.MEETING_ANSWERED, A.OTHER_PARTY),
                     refresh(K.MEETING_PROPOSED, A.INVITEE))  # fmt: skip

RULES: Mapping[str, tuple[Rule, ...]] = {
    "mentor_request.sent": (tell(K.MENTOR_REQUEST_RECEIVED, A.MENTOR),),
    "mentor_request.accepted": _REQUEST_ANSWERED,
    "mentor_request.declined": _REQUEST_ANSWERED,
    "mentor_request.expired": _REQUEST_ANSWERED,
    "mentor_request.withdrawn": (
        tell(K.MENTOR_REQUEST_WITHDRAWN, A.MENTOR),
        refresh(K.MENTOR_REQUEST_RECEIVED, A.MENTOR),
    ),
    "connection.published": (tell(K.CONNECTION_PUBLISHED, A.PARTICIPANTS),),
    "member.mentee_joined": (tell(K.MENTORS_RECOMMENDED, A.MENTEE),),
    "meeting.proposed": (tell(K.MEETING_PROPOSED, A.INVITEE),),
    "meeting.accepted": _MEETING_ANSWERED,
    "meeting.declined": _MEETING_ANSWERED,
    "meeting.cancelled": _MEETING_ANSWERED,
    "meeting.expired": _MEETING_ANSWERED,
    "connection.message_sent": (tell(K.MESSAGE_RECEIVED, A.PARTNERS),),
    "connection.task_added": (tell(K.TASK_ASSIGNED, A.ASSIGNEE),),
    "connection.task_completed": (
        tell(K.TASK_COMPLETED, A.OTHER_PARTICIPANTS),
        refresh(K.TASK_ASSIGNED, A.ASSIGNEE),
    ),
    "survey.assigned": (tell(K.SURVEY_ASSIGNED, A.RESPONDENTS),),
    "survey.answered": (refresh(K.SURVEY_ASSIGNED, A.RESPONDENT),),
    "program.announcement_made": (tell(K.ANNOUNCEMENT, A.PROGRAM_AUDIENCE),),
    "slack_identity.found": (tell(K.WELCOME, A.THE_PERSON),),
}

SILENT: Mapping[str, str] = {
    "connection.closed": "the connection area shows it; nothing is asked of anyone",
    "installation.added": "administrators see it on the Slack page",
    "installation.refreshed": "administrators see it on the Slack page",
    "installation.reactivated": "administrators see it on the Slack page",
    "installation.removed": "administrators see it on the Slack page",
    "installation.needs_reconnecting": "administrators see it (and Reconnect) on the Slack page",
    "organization.slack_switched": "an operator's switch, not news for members",
    "user.deactivated": "the person can no longer act; nobody needs a DM",
    "program.slack_opt_in_changed": "administrators see it on the Slack page",
}

# Requests and meetings addressed to the person: never muted, never put in a digest.
URGENT = frozenset({
    K.MENTOR_REQUEST_RECEIVED, K.MENTOR_REQUEST_ANSWERED, K.MENTOR_REQUEST_WITHDRAWN,
    K.MEETING_PROPOSED, K.MEETING_ANSWERED,
})  # fmt: skip


def notifications_of(row: OutboxMessage, rules: Sequence[Rule], story: Story) -> list[Notification]:
    """The table applied to one gathered story: one notification per rule and person (a
    person in an audience twice hears it once)."""
    made: list[Notification] = []
    seen: set[tuple[NotificationKind, bool, str]] = set()
    for rule in rules:
        for user_id in story.audiences.get(rule.audience, ()):
            if (rule.kind, rule.refresh, user_id) in seen:
                continue
            seen.add((rule.kind, rule.refresh, user_id))
            subject = story.subject
            if story.subject_per_recipient:
                subject = Subject(kind=subject.kind, id=f"{subject.id}:{user_id}")
            made.append(
                Notification(
                    kind=rule.kind, organization_id=row.organization_id,
                    program_id=story.program_id, recipient_user_id=user_id, subject=subject,
                    facts=dict(story.facts), outbox_id=row.id, created_at=row.created_at,
                    urgent=rule.kind in URGENT, refresh=rule.refresh,
                    subject_version=story.version,
                )
            )  # fmt: skip
    return made


@attrs.frozen
class MentoringNotifications:
    """The `NotificationPolicy`: the table above, with the facts read in the caller's unit of
    work. A topic in neither table is refused (the row is retried and its error shown)."""

    async def notifications_for(
        self, row: OutboxMessage, uow: SlackUnitOfWork
    ) -> Sequence[Notification]:
        rules = RULES.get(row.topic)
        if rules is None:
            if row.topic in SILENT:
                return []
            raise UnknownTopic(f"No notification rule decides about {row.topic!r}.")
        story = await gather(event_from(row.topic, row.payload), uow)
        organization = await uow.organizations.get(OrganizationId(row.organization_id))
        story = attrs.evolve(story, facts={**story.facts, "timezone": organization.timezone})
        return notifications_of(row, rules, story)
