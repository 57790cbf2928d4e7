"""The relational schema. Each aggregate is one row: its encoded state in `data` (the codec's
JSON), its `version` for optimistic concurrency, and the columns queries filter on."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.dialects.postgresql import JSONB


class UtcDateTime(TypeDecorator[datetime]):
    """Stores UTC without a zone (SQLite has none), always returns an aware UTC datetime."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


Document = JSON().with_variant(JSONB(), "postgresql")
Id = String(32)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def _aggregate(name: str, *columns: Any) -> Table:
    return Table(
        name,
        metadata,
        Column("id", Id, primary_key=True),
        Column("version", Integer, nullable=False),
        Column("data", Document, nullable=False),
        *columns,
    )


organizations = _aggregate("organizations")
programs = _aggregate(
    "programs",
    Column("organization_id", Id, ForeignKey("organizations.id"), nullable=False, index=True),
)
users = _aggregate(
    "users",
    Column("organization_id", Id, ForeignKey("organizations.id"), nullable=False),
    Column("email", String(320), nullable=False),
    UniqueConstraint("organization_id", "email", name="uq_users_organization_email"),
)
members = _aggregate(
    "members",
    Column("program_id", Id, ForeignKey("programs.id"), nullable=False, index=True),
    Column("user_id", Id, ForeignKey("users.id"), nullable=False, index=True),
    Column("is_mentor", Boolean, nullable=False, server_default=false()),
    UniqueConstraint("program_id", "user_id", name="uq_members_program_user"),
    Index("ix_members_program_mentor", "program_id", "is_mentor"),
)
connections = _aggregate(
    "connections",
    Column("program_id", Id, ForeignKey("programs.id"), nullable=False, index=True),
    Column("status", String(16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)
connection_participants = Table(
    "connection_participants",
    metadata,
    Column("connection_id", Id, ForeignKey("connections.id"), primary_key=True),
    Column("member_id", Id, ForeignKey("members.id"), primary_key=True),
    Column("role", String(8), nullable=False),
    Index("ix_connection_participants_member", "member_id"),
)
mentor_requests = _aggregate(
    "mentor_requests",
    Column("program_id", Id, ForeignKey("programs.id"), nullable=False),
    Column("mentee_id", Id, ForeignKey("members.id"), nullable=False),
    Column("mentor_id", Id, ForeignKey("members.id"), nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Index("ix_mentor_requests_due", "status", "expires_at"),
    # A member's pending requests: without the status beside the member, SQLite's planner
    # prefers the "due" index and scans every pending request in the organization.
    Index("ix_mentor_requests_mentee_status", "mentee_id", "status"),
    Index("ix_mentor_requests_mentor_status", "mentor_id", "status"),
)
meetings = _aggregate(
    "meetings",
    Column("connection_id", Id, ForeignKey("connections.id"), nullable=False, index=True),
    Column("status", String(16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_slot_start", UtcDateTime, nullable=False),
    Index("ix_meetings_due", "status", "last_slot_start"),
)
surveys = _aggregate(
    "surveys", Column("program_id", Id, ForeignKey("programs.id"), nullable=False, index=True)
)
survey_assignments = _aggregate(
    "survey_assignments",
    Column("survey_id", Id, ForeignKey("surveys.id"), nullable=False),
    Column("connection_id", Id, ForeignKey("connections.id"), nullable=False, index=True),
    Column("assigned_at", UtcDateTime, nullable=False),
    UniqueConstraint("survey_id", "connection_id", name="uq_survey_assignments_survey_connection"),
)
installations = _aggregate(
    "installations",
    Column("organization_id", Id, ForeignKey("organizations.id"), nullable=False, index=True),
    Column("slack_key", String(80), nullable=False, unique=True),
    Column("status", String(32), nullable=False),
    # Token rotation: when the bot token expires (None: it does not). The tokens themselves
    # stay sealed in `data`.
    Column("token_expires_at", UtcDateTime, nullable=True),
)
slack_identities = Table(
    "slack_identities",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("data", Document, nullable=False),
    Column("organization_id", Id, ForeignKey("organizations.id"), nullable=False),
    Column("user_id", Id, ForeignKey("users.id"), nullable=False, index=True),
    Column("directory_key", String(32), nullable=False),
    Column("slack_user_id", String(32), nullable=False),
    UniqueConstraint(
        "organization_id", "directory_key", "slack_user_id", name="uq_slack_identities_person"
    ),
)
install_attempts = Table(
    "install_attempts",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("data", Document, nullable=False),
    Column("created_at", UtcDateTime, nullable=False, index=True),
)
# Messages are written once and read newest first, so they are plain rows, not documents.
connection_messages = Table(
    "connection_messages",
    metadata,
    Column("id", Id, primary_key=True),
    Column("connection_id", Id, ForeignKey("connections.id"), nullable=False),
    Column("author_id", Id, ForeignKey("members.id"), nullable=False),
    Column("body", Text, nullable=False),
    Column("sent_at", UtcDateTime, nullable=False),
    Index("ix_connection_messages_connection_sent", "connection_id", "sent_at", "id"),
)
slack_events = Table(
    "slack_events",
    metadata,
    Column("event_id", String(64), primary_key=True),
    Column("received_at", UtcDateTime, nullable=False, index=True),
)
api_tokens = Table(
    "api_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("id", Id, nullable=False, unique=True),
    Column("user_id", Id, ForeignKey("users.id"), nullable=False, index=True),
    Column("organization_id", Id, ForeignKey("organizations.id"), nullable=False),
    Column("label", String(200), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("revoked", Boolean, nullable=False, default=False),
)
outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("topic", String(100), nullable=False),
    Column("organization_id", String(32), nullable=False),
    Column("payload", Document, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("status", String(16), nullable=False, default="pending"),
    Column("attempts", Integer, nullable=False, default=0),
    Column("available_at", UtcDateTime, nullable=False),
    Column("last_error", Text, nullable=True),
    Index("ix_outbox_pending", "status", "available_at"),
)
# Admin page sessions (application.browser_sessions): the key is the SHA-256 of the cookie.
browser_sessions = Table(
    "browser_sessions",
    metadata,
    Column("key_hash", String(64), primary_key=True),
    Column("data", LargeBinary, nullable=False),
    Column("user_id", Id, nullable=True, index=True),
    Column("token_id", Id, nullable=True, index=True),
    Column("started_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False, index=True),
    Column("ends_at", UtcDateTime, nullable=False),
)
# Delivery (application.delivery): one row per notification through one channel. A claimed
# row is `sending` with `next_attempt_at` = `lease_until`, so one index serves "what is due".
deliveries = Table(
    "deliveries",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("organization_id", Id, nullable=False),
    Column("outbox_id", Integer, nullable=False),
    Column("recipient_user_id", Id, nullable=False),
    Column("kind", String(40), nullable=False),
    Column("subject_key", String(200), nullable=False),
    Column("notification", Document, nullable=False),  # program, subject, facts, flags
    # what its message shows: the event time in microseconds (needs 64 bits)
    Column("subject_version", BigInteger, nullable=False),
    Column("status", String(16), nullable=False),
    Column("channel", String(16), nullable=True),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UtcDateTime, nullable=False),
    Column("lease_until", UtcDateTime, nullable=True),
    Column("last_error", Text, nullable=True),
    Column("slack_installation_id", String(64), nullable=True),
    Column("slack_channel_id", String(32), nullable=True),
    Column("slack_ts", String(32), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime, nullable=True),
    Index("ix_deliveries_due", "status", "next_attempt_at"),
    Index("ix_deliveries_subject_key", "subject_key"),
    Index("ix_deliveries_organization_created", "organization_id", "created_at"),
)
# Slack pacing (application.delivery.SlackPacing), shared by every worker process: per
# workspace and method (or `method/channel`), the steady-rate slot after every reserved call
# (a generic cell rate algorithm: a token bucket in one column) and a 429's pause.
slack_pacing = Table(
    "slack_pacing",
    metadata,
    Column("workspace", String(64), primary_key=True),
    Column("method", String(100), primary_key=True),
    Column("next_slot_at", UtcDateTime, nullable=False),
    Column("paused_until", UtcDateTime, nullable=True),
)
# Notification preferences (application.preferences), one row per person who chose any: the
# muted kinds, their own notification hours (NULL days: the organization's), the digest.
notification_preferences = Table(
    "notification_preferences",
    metadata,
    Column("user_id", Id, primary_key=True),
    Column("organization_id", Id, nullable=False),
    Column("version", Integer, nullable=False),
    Column("muted", Document, nullable=False),  # sorted kind names
    Column("window_days", String(16), nullable=True),  # "0,1,2,3,4"
    Column("window_start", String(5), nullable=True),  # "08:00"
    Column("window_end", String(5), nullable=True),
    Column("digest", Boolean, nullable=False),
)
# Low-priority notifications waiting for their recipient's daily digest (one per delivery);
# `taken_by`: the delivery whose digest message carries it.
digest_items = Table(
    "digest_items",
    metadata,
    Column("delivery_id", String(64), primary_key=True),
    Column("user_id", Id, nullable=False),
    Column("due_at", UtcDateTime, nullable=False),
    Column("kind", String(40), nullable=False),
    Column("facts", Document, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("taken_by", String(64), nullable=True),
    Index("ix_digest_items_user_due", "user_id", "due_at"),
)
