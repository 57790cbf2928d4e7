"""a member's pending requests by (member, status); a user's API tokens

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 13:40:00

The single-column member indexes gave way to (member, status): with them, SQLite's planner
picked the (status, expires_at) index for "my pending requests" and scanned every pending
request in the database (2.9 ms per read with 6,000 pending; bench/api_load.py).
Listing a user's API tokens (to revoke one) gets an index on their user.
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mentor_requests") as batch_op:
        batch_op.create_index("ix_mentor_requests_mentee_status", ["mentee_id", "status"])
        batch_op.create_index("ix_mentor_requests_mentor_status", ["mentor_id", "status"])
        batch_op.drop_index("ix_mentor_requests_mentee_id")
        batch_op.drop_index("ix_mentor_requests_mentor_id")
    with op.batch_alter_table("api_tokens") as batch_op:
        batch_op.create_index("ix_api_tokens_user_id", ["user_id"])


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch_op:
        batch_op.drop_index("ix_api_tokens_user_id")
    with op.batch_alter_table("mentor_requests") as batch_op:
        batch_op.create_index("ix_mentor_requests_mentor_id", ["mentor_id"])
        batch_op.create_index("ix_mentor_requests_mentee_id", ["mentee_id"])
        batch_op.drop_index("ix_mentor_requests_mentor_status")
        batch_op.drop_index("ix_mentor_requests_mentee_status")
