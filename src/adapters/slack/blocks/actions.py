"""Every `action_id` a mentorlink DM or Home tab can send back to us, in one place.

Buttons carry only ids in their `value` (never names or text); the handler of the in-Slack
actions issue reads the id, checks who clicked, and acts. Until then a click is answered
"coming soon" (`adapters.http.slack.interactivity`).

| action_id | element | value |
|---|---|---|
| mentor_request.accept | button | mentor request id |
| mentor_request.decline | button | mentor request id (opens a modal for the reason) |
| mentor_request.view_profile | button | the mentee's member id |
| mentor_request.withdraw | button | mentor request id (the mentee's own, from App Home) |
| meeting.pick_slot | static select | option: the slot's ISO start; block_id `meeting:<id>` |
| meeting.accept | button | meeting id (the picked slot comes with the block's state) |
| meeting.decline | button | meeting id |
| meeting.cancel | button | meeting id (the proposer's, from App Home) |
| connection.open | button | connection id (App Home's connection area) |
| connection.send_message | button | connection id (opens a modal) |
| task.mark_done | button | `connection_id:task_id` |
| survey.take | button | survey assignment id (opens the survey modal) |
| mentor.request | button | the mentor's member id (opens a modal with a note) |
| mentor.view_profile | button | the mentor's member id |
"""

from __future__ import annotations

MENTOR_REQUEST_ACCEPT = "mentor_request.accept"
MENTOR_REQUEST_DECLINE = "mentor_request.decline"
MENTOR_REQUEST_VIEW_PROFILE = "mentor_request.view_profile"
MENTOR_REQUEST_WITHDRAW = "mentor_request.withdraw"
MEETING_PICK_SLOT = "meeting.pick_slot"
MEETING_ACCEPT = "meeting.accept"
MEETING_DECLINE = "meeting.decline"
MEETING_CANCEL = "meeting.cancel"
CONNECTION_OPEN = "connection.open"
CONNECTION_SEND_MESSAGE = "connection.send_message"
TASK_MARK_DONE = "task.mark_done"
SURVEY_TAKE = "survey.take"
MENTOR_REQUEST = "mentor.request"
MENTOR_VIEW_PROFILE = "mentor.view_profile"

ALL = frozenset({
    MENTOR_REQUEST_ACCEPT, MENTOR_REQUEST_DECLINE, MENTOR_REQUEST_VIEW_PROFILE,
    MEETING_PICK_SLOT, MEETING_ACCEPT, MEETING_DECLINE, CONNECTION_OPEN, CONNECTION_SEND_MESSAGE,
    TASK_MARK_DONE, SURVEY_TAKE, MENTOR_REQUEST, MENTOR_VIEW_PROFILE,
    MENTOR_REQUEST_WITHDRAW, MEETING_CANCEL,
})  # fmt: skip
