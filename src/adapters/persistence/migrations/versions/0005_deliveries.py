"""deliveries and shared Slack pacing

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 12:00:00

Outbox rows are expanded into deliveries (one notification through one channel, leased by a
worker while it is sent), and Slack's rate limits are paced through `slack_pacing` so every
worker process shares one budget per workspace and method.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deliveries",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("organization_id", sa.String(32), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=False),
        sa.Column("recipient_user_id", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("subject_key", sa.String(200), nullable=False),
        sa.Column(
            "notification",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("subject_version", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(16), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("lease_until", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("slack_installation_id", sa.String(64), nullable=True),
        sa.Column("slack_channel_id", sa.String(32), nullable=True),
        sa.Column("slack_ts", sa.String(32), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_deliveries"),
    )
    op.create_index("ix_deliveries_due", "deliveries", ["status", "next_attempt_at"])
    op.create_index("ix_deliveries_subject_key", "deliveries", ["subject_key"])
    op.create_index(
        "ix_deliveries_organization_created", "deliveries", ["organization_id", "created_at"]
    )
    op.create_table(
        "slack_pacing",
        sa.Column("workspace", sa.String(64), nullable=False),
        sa.Column("method", sa.String(100), nullable=False),
        sa.Column("next_slot_at", sa.DateTime(), nullable=False),
        sa.Column("paused_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("workspace", "method", name="pk_slack_pacing"),
    )


def downgrade() -> None:
    op.drop_table("slack_pacing")
    op.drop_table("deliveries")
