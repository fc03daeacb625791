"""Create the notification tables.

Revision ID: 0001
Revises:
Create Date: 2026-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notify_subscriptions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("module", sa.String(200), nullable=False),
        sa.Column("filter_text", sa.Text, nullable=False),
        sa.Column("events", sa.String(200), nullable=False),
        sa.Column("created_by", sa.String(32), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.UniqueConstraint(
            "channel_id", "module", name="uq_notify_subscriptions_channel_module"
        ),
    )
    op.create_table(
        "notify_threads",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("module", sa.String(200), nullable=False),
        sa.Column("record_id", sa.String(20), nullable=False),
        sa.Column("parent_ts", sa.String(32), nullable=True),
        sa.Column("snapshot", sa.Text, nullable=True),
        sa.Column("updated_ms", sa.BigInteger, nullable=True),
        sa.Column("is_trashed", sa.Boolean, nullable=False),
        sa.Column("is_deleted", sa.Boolean, nullable=False),
        sa.Column("matches", sa.Boolean, nullable=False),
        sa.Column("announced", sa.Boolean, nullable=False),
        sa.UniqueConstraint(
            "channel_id", "module", "record_id", name="uq_notify_threads_channel_module_record"
        ),
    )
    op.create_table(
        "notify_cursors",
        sa.Column("module", sa.String(200), primary_key=True),
        sa.Column("scope", sa.String(16), primary_key=True),
        sa.Column("updated_ms", sa.BigInteger, nullable=False),
        sa.Column("seen_ids", sa.Text, nullable=False),
    )
    op.create_table(
        "notify_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("dedup_key", sa.String(400), nullable=False, unique=True),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("module", sa.String(200), nullable=False),
        sa.Column("record_id", sa.String(20), nullable=False),
        sa.Column("event", sa.String(16), nullable=False),
        sa.Column("updated_ms", sa.BigInteger, nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("claimed_by", sa.String(64), nullable=True),
        sa.Column("claimed_until_ms", sa.BigInteger, nullable=True),
        sa.Column("next_attempt_ms", sa.BigInteger, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("message_ts", sa.String(32), nullable=True),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    )
    op.create_index(
        "ix_notify_events_channel_status", "notify_events", ["channel_id", "status", "id"]
    )
    locks = op.create_table(
        "notify_locks",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("owner", sa.String(64), nullable=True),
        sa.Column("expires_ms", sa.BigInteger, nullable=False),
    )
    # The poll lock row exists from the start, so taking it is a single UPDATE.
    op.bulk_insert(locks, [{"name": "poller", "owner": None, "expires_ms": 0}])


def downgrade() -> None:
    op.drop_table("notify_locks")
    op.drop_index("ix_notify_events_channel_status", table_name="notify_events")
    op.drop_table("notify_events")
    op.drop_table("notify_cursors")
    op.drop_table("notify_threads")
    op.drop_table("notify_subscriptions")
