"""installations may need reconnecting

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 15:00:00

An installation whose bot token Slack no longer accepts (outside any removal) has the status
`needs_reconnecting`, longer than the 16 characters `status` held. Its reason and the
workspaces it covers live in the row's `data` like the rest of the aggregate.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("installations") as table:
        table.alter_column(
            "status", existing_type=sa.String(16), type_=sa.String(32), existing_nullable=False
        )


def downgrade() -> None:
    op.execute(
        "UPDATE installations SET status = 'active' WHERE status = 'needs_reconnecting'"
    )
    with op.batch_alter_table("installations") as table:
        table.alter_column(
            "status", existing_type=sa.String(32), type_=sa.String(16), existing_nullable=False
        )
