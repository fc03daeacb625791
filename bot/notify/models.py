"""Tables of the notification state store.

Every table name starts with ``notify_`` and the migrations keep their own version table,
so the store can share a database with other parts of the bot.

Times the code compares (leases, retry times, poll lock expiry) are epoch milliseconds taken
from the bot's clock; record times (``updated_ms``) are SupportCenter Plus's own.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)

metadata = MetaData()

# One row per channel and module that a channel follows.
subscriptions = Table(
    "notify_subscriptions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("team_id", String(32), nullable=False),
    Column("channel_id", String(32), nullable=False),
    Column("module", String(200), nullable=False),
    Column("filter_text", Text, nullable=False, default=""),
    # Comma-separated event names, in the order of EVENTS.
    Column("events", String(200), nullable=False),
    Column("created_by", String(32), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # The Slack error that paused the subscription (the bot was removed from the channel, or
    # it was archived); NULL while it is active. Subscribing again clears it.
    Column("paused_error", String(64), nullable=True),
    UniqueConstraint("channel_id", "module", name="uq_notify_subscriptions_channel_module"),
)

# What a channel last knew of a record: the parent message and the values used for diffs.
# A row may exist without a parent message: a record that changed while outside the filter
# keeps its snapshot here, so the line that brings it into the channel can list its changes.
threads = Table(
    "notify_threads",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("channel_id", String(32), nullable=False),
    Column("module", String(200), nullable=False),
    Column("record_id", String(20), nullable=False),
    Column("parent_ts", String(32), nullable=True),
    # JSON object of normalized field values (see bot.notify.diff.snapshot_of); NULL until
    # the first change is seen.
    Column("snapshot", Text, nullable=True),
    Column("updated_ms", BigInteger, nullable=True),
    Column("is_trashed", Boolean, nullable=False, default=False),
    Column("is_deleted", Boolean, nullable=False, default=False),
    Column("matches", Boolean, nullable=False, default=False),
    # True once a parent card is posted or queued for the record in this channel. Before
    # that, a change that shows no line has no card to refresh, so it needs no outbox row.
    Column("announced", Boolean, nullable=False, default=False),
    UniqueConstraint(
        "channel_id", "module", "record_id", name="uq_notify_threads_channel_module_record"
    ),
)

# The poller's position in each list of a module: ``scope`` is "records" or "trash".
# ``seen_ids`` is a JSON object of the records already handled at ``updated_ms``: record id ->
# version (``bot.notify.diff.version_of``). Several records, or two saves of one record, can
# share one millisecond, and the next read starts at that millisecond.
cursors = Table(
    "notify_cursors",
    metadata,
    Column("module", String(200), primary_key=True),
    Column("scope", String(16), primary_key=True),
    Column("updated_ms", BigInteger, nullable=False),
    Column("seen_ids", Text, nullable=False, default="[]"),
)

# The outbox: one row per notification of one channel. ``dedup_key`` is unique, so inserting
# a row is how a change claims its notification. A second path or process that reports the
# same change finds the key taken and drops its copy.
events = Table(
    "notify_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("dedup_key", String(400), nullable=False, unique=True),
    Column("channel_id", String(32), nullable=False),
    Column("module", String(200), nullable=False),
    Column("record_id", String(20), nullable=False),
    Column("event", String(16), nullable=False),
    Column("updated_ms", BigInteger, nullable=False),
    # JSON: actor, changes, record, filter transition and whether a line is shown.
    Column("payload", Text, nullable=False),
    # pending -> posting (claimed) -> done; failed when Slack rejects it for good;
    # cancelled when the channel unsubscribed before delivery.
    Column("status", String(16), nullable=False, default="pending"),
    Column("claimed_by", String(64), nullable=True),
    Column("claimed_until_ms", BigInteger, nullable=True),
    Column("next_attempt_ms", BigInteger, nullable=False, default=0),
    Column("attempts", Integer, nullable=False, default=0),
    # ts of the message this row posted: the parent card or the thread line. Stored right
    # after the post, so a restart never posts it again.
    Column("message_ts", String(32), nullable=True),
    Column("error", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_notify_events_channel_status", "channel_id", "status", "id"),
)

# One row per lock name; the holder renews ``expires_ms`` while it polls.
locks = Table(
    "notify_locks",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("owner", String(64), nullable=True),
    Column("expires_ms", BigInteger, nullable=False, default=0),
)

POLL_LOCK = "poller"
