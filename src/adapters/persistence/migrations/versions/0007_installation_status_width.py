"""installations may need reconnecting

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 15:00:00

An installation whose bot token Slack no longer accepts (outside any removal) has the status
`needs_reconnecting`, longer than the 16 characters `status` held. Its reason and the
workspaces it covers live in the row's `data` like the rest of the aggregate.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


# SQLite does not enforce a VARCHAR's length, and a batch operation would copy
# `installations`, which the Slack identities that refer to it forbid: PostgreSQL only.


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.alter_column(
        "installations", "status",
        existing_type=sa.String(16), type_=sa.String(32), existing_nullable=False,
    )  # fmt: skip


def downgrade() -> None:
    op.execute(
        "UPDATE installations SET status = 'active' WHERE status = 'needs_reconnecting'"
    )
    if op.get_bind().dialect.name == "sqlite":
        return
    op.alter_column(
        "installations", "status",
        existing_type=sa.String(32), type_=sa.String(16), existing_nullable=False,
    )  # fmt: skip
