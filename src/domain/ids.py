"""Typed identifiers. Ids are opaque strings so they travel unchanged through JSON and SQL."""

from __future__ import annotations

import uuid
from typing import NewType

OrganizationId = NewType("OrganizationId", str)
ProgramId = NewType("ProgramId", str)
UserId = NewType("UserId", str)
MemberId = NewType("MemberId", str)
ConnectionId = NewType("ConnectionId", str)
TaskId = NewType("TaskId", str)
MessageId = NewType("MessageId", str)
MentorRequestId = NewType("MentorRequestId", str)
MeetingId = NewType("MeetingId", str)
SurveyId = NewType("SurveyId", str)
QuestionId = NewType("QuestionId", str)
AssignmentId = NewType("AssignmentId", str)
InstallationId = NewType("InstallationId", str)


def new_id() -> str:
    """A fresh random identifier (32 hex characters)."""
    return uuid.uuid4().hex
