"""who mentors in a program, as a column

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 15:20:00

Recommendations rank a program's mentors; reading every member of the program (mentees
included) to find them cost the delivery worker most of its time when many mentees joined
(bench/api_load.py with the in-process worker). `is_mentor` mirrors the member's roles (written
with every save of a member) and is indexed with the program.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_BACKFILL = {
    "sqlite": "UPDATE members SET is_mentor = EXISTS("
    "SELECT 1 FROM json_each(members.data, '$.roles') WHERE json_each.value = 'mentor')",
    "postgresql": "UPDATE members SET is_mentor = (data -> 'roles') ? 'mentor'",
}


# Plain ALTER TABLE on both databases (SQLite >= 3.35 drops columns in place): a batch
# operation would copy `members`, which the rows that refer to it forbid.


def upgrade() -> None:
    op.add_column(
        "members", sa.Column("is_mentor", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.create_index("ix_members_program_mentor", "members", ["program_id", "is_mentor"])
    op.execute(_BACKFILL[op.get_bind().dialect.name])


def downgrade() -> None:
    op.drop_index("ix_members_program_mentor", table_name="members")
    op.drop_column("members", "is_mentor")
