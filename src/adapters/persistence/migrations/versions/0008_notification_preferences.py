"""notification preferences and the daily digest's waiting items

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 15:00:00

Each person may mute notification kinds, set their own notification hours and ask for a daily
digest of low-priority kinds (`application.preferences`); the digest's items wait in
`digest_items` until it goes out.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _document() -> sa.types.TypeEngine[Any]:  # the JSON column of `tables.Document`
    document: sa.types.TypeEngine[Any] = sa.JSON().with_variant(
        postgresql.JSONB(astext_type=sa.Text()), "postgresql"
    )
    return document


def upgrade() -> None:
    op.create_table(
        "notification_preferences",
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("organization_id", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("muted", _document(), nullable=False),
        sa.Column("window_days", sa.String(16), nullable=True),
        sa.Column("window_start", sa.String(5), nullable=True),
        sa.Column("window_end", sa.String(5), nullable=True),
        sa.Column("digest", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name="pk_notification_preferences"),
    )
    op.create_table(
        "digest_items",
        sa.Column("delivery_id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("facts", _document(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("taken_by", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("delivery_id", name="pk_digest_items"),
    )
    op.create_index("ix_digest_items_user_due", "digest_items", ["user_id", "due_at"])


def downgrade() -> None:
    op.drop_table("digest_items")
    op.drop_table("notification_preferences")
