"""PostgreSQL: an insert into the outbox notifies the delivery workers itself

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28 05:00:00

Until now every commit that wrote outbox rows also sent `NOTIFY mentorlink_outbox` as a
statement of its own: one more round trip on each Slack click. A statement-level trigger
does the same inside the insert (PostgreSQL delivers it at commit, once per transaction and
channel, never for a rolled-back one), whoever writes the rows. SQLite has no NOTIFY: its
workers are rung in process (`outbox_bell.py`).
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """
        CREATE FUNCTION mentorlink_outbox_written() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('mentorlink_outbox', '');
            RETURN NULL;
        END $$
        """
    )
    op.execute(
        "CREATE TRIGGER outbox_written AFTER INSERT ON outbox"
        " FOR EACH STATEMENT EXECUTE FUNCTION mentorlink_outbox_written()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER outbox_written ON outbox")
    op.execute("DROP FUNCTION mentorlink_outbox_written()")
