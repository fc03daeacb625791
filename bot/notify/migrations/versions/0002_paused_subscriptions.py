"""Let a subscription be paused when Slack rejects its channel.

Revision ID: 0002
Revises: 0001
Create Date: 2026-02-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "notify_subscriptions", sa.Column("paused_error", sa.String(64), nullable=True)
    )


def downgrade() -> None:
    with op.batch_alter_table("notify_subscriptions") as batch:
        batch.drop_column("paused_error")
