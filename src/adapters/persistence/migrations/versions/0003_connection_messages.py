"""messages in their own table

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 14:30:00

A connection's messages used to live inside its document: every new message rewrote the whole
history, two partners writing at the same moment conflicted, and every read of the connection
area decoded all of it. They move to `connection_messages`, one row each; the documents lose
their "messages" key. The downgrade moves them back.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_connections = sa.table("connections", sa.column("id", sa.String), sa.column("data", _DOCUMENT))
_messages = sa.table(
    "connection_messages",
    sa.column("id", sa.String),
    sa.column("connection_id", sa.String),
    sa.column("author_id", sa.String),
    sa.column("body", sa.Text),
    sa.column("sent_at", sa.DateTime),
)


def _document(value: Any) -> dict[str, Any]:
    return dict(json.loads(value) if isinstance(value, str) else value)


def _stored_time(iso: str) -> datetime:
    """What the UtcDateTime column stores: UTC without a zone."""
    return datetime.fromisoformat(iso).astimezone(UTC).replace(tzinfo=None)


def upgrade() -> None:
    op.create_table(
        "connection_messages",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("connection_id", sa.String(length=32), nullable=False),
        sa.Column("author_id", sa.String(length=32), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["members.id"], name=op.f("fk_connection_messages_author_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connections.id"],
            name=op.f("fk_connection_messages_connection_id_connections"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_connection_messages")),
    )
    with op.batch_alter_table("connection_messages") as batch_op:
        batch_op.create_index(
            "ix_connection_messages_connection_sent", ["connection_id", "sent_at", "id"]
        )
    bind = op.get_bind()
    for row in bind.execute(sa.select(_connections.c.id, _connections.c.data)).all():
        data = _document(row.data)
        history = data.pop("messages", None)
        if history is None:
            continue
        if history:
            bind.execute(
                _messages.insert(),
                [
                    {
                        "id": m["id"],
                        "connection_id": row.id,
                        "author_id": m["author_id"],
                        "body": m["body"],
                        "sent_at": _stored_time(m["sent_at"]),
                    }
                    for m in history
                ],
            )
        bind.execute(_connections.update().where(_connections.c.id == row.id).values(data=data))


def downgrade() -> None:
    bind = op.get_bind()
    history: dict[str, list[dict[str, str]]] = {}
    query = sa.select(_messages).order_by(_messages.c.sent_at, _messages.c.id)
    for m in bind.execute(query).all():
        history.setdefault(m.connection_id, []).append(
            {
                "id": m.id,
                "author_id": m.author_id,
                "body": m.body,
                "sent_at": m.sent_at.replace(tzinfo=UTC).isoformat(),
            }
        )
    for row in bind.execute(sa.select(_connections.c.id, _connections.c.data)).all():
        data = _document(row.data)
        data["messages"] = history.get(row.id, [])
        bind.execute(_connections.update().where(_connections.c.id == row.id).values(data=data))
    with op.batch_alter_table("connection_messages") as batch_op:
        batch_op.drop_index("ix_connection_messages_connection_sent")
    op.drop_table("connection_messages")
