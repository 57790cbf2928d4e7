"""installations with token rotation: when the bot token expires

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27 19:15:00

An installation made with Slack's token rotation on keeps a refresh token beside its bot
token, both sealed in the row's `data` like the bot token always was (`sealing.py`), and the
token's expiry, also kept in `token_expires_at` so operators (and a later sweep renewing ahead
of time) can find the tokens about to expire without opening every row. Existing rows hold
lasting tokens: NULL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("installations", sa.Column("token_expires_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    op.drop_column("installations", "token_expires_at")
