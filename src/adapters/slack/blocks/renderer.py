"""The `SlackRenderer`: a notification as a DM, by its kind's renderer, with the delivery id
in the message metadata (to count duplicates) and never more blocks than Slack takes."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from adapters.slack.blocks import connections, digest, meetings, requests, welcome
from adapters.slack.blocks.as_json import as_json
from adapters.slack.blocks.parts import Rendered, note
from application.delivery.model import Notification, NotificationKind
from application.delivery.ports import SlackContent

K = NotificationKind
MAX_BLOCKS = 50
METADATA_EVENT = "mentorlink_delivery"

RENDERERS: Mapping[NotificationKind, Callable[[Notification], Rendered]] = {
    K.MENTOR_REQUEST_RECEIVED: requests.request_received,
    K.MENTOR_REQUEST_ANSWERED: requests.request_answered,
    K.MENTOR_REQUEST_WITHDRAWN: requests.request_withdrawn,
    K.MENTORS_RECOMMENDED: requests.mentors_recommended,
    K.CONNECTION_PUBLISHED: connections.connection_published,
    K.MESSAGE_RECEIVED: connections.message_received,
    K.TASK_ASSIGNED: connections.task_assigned,
    K.TASK_COMPLETED: connections.task_completed,
    K.SURVEY_ASSIGNED: connections.survey_assigned,
    K.MEETING_PROPOSED: meetings.meeting_proposed,
    K.MEETING_ANSWERED: meetings.meeting_answered,
    K.ANNOUNCEMENT: welcome.announcement,
    K.WELCOME: welcome.welcome,
    K.DIGEST: digest.digest,
}


class BlockKitRenderer:
    """Pure: the same notification always renders the same message."""

    def render(self, notification: Notification, *, delivery_id: str) -> SlackContent:
        rendered = RENDERERS[notification.kind](notification)
        blocks = list(rendered.blocks)
        if len(blocks) > MAX_BLOCKS:
            blocks = [*blocks[: MAX_BLOCKS - 1], note("…more on your Home tab.")]
        return SlackContent(
            text=rendered.text,
            blocks=as_json(blocks),
            metadata={"event_type": METADATA_EVENT, "event_payload": {"delivery_id": delivery_id}},
        )
