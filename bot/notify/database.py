"""The engine of the notification store, and its migrations.

The store uses a sync SQLAlchemy engine and runs each transaction in a worker thread
(``asyncio.to_thread``). SQLAlchemy's async engine would need the ``greenlet`` package,
which the project does not install. The transactions are short, and one thread per
transaction keeps a read-decide-write step inside one plain ``with engine.begin()`` block.

SQLite transactions start with ``BEGIN IMMEDIATE``, so each one holds the write lock from its
first statement. Two transactions that read a thread row and then update it can then never
interleave, in one process or in several. PostgreSQL gets the same effect from row locks
(``SELECT ... FOR UPDATE``) in the store's queries.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, event, text
from sqlalchemy import create_engine as sqlalchemy_create_engine
from sqlalchemy.engine import URL, Connection, make_url

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Key of the PostgreSQL advisory lock that lets one process at a time run the migrations.
MIGRATION_LOCK_KEY = 0x5C9B07
SQLITE_BUSY_TIMEOUT_SECONDS = 30.0

SYNC_DRIVERS = {"sqlite": "pysqlite", "postgresql": "psycopg"}


def engine_url(url: str | URL) -> URL:
    """Return ``url`` with the driver the store uses for its database, or raise ValueError.

    ``postgresql://`` and ``postgresql+psycopg2://`` both become ``postgresql+psycopg://``,
    because psycopg 3 is the PostgreSQL driver the project installs.
    """
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    driver = SYNC_DRIVERS.get(backend)
    if driver is None:
        raise ValueError(
            f"unsupported state database {backend!r}: use a sqlite:/// or postgresql:// URL"
        )
    return parsed.set(drivername=f"{backend}+{driver}")


def create_engine(url: str | URL) -> Engine:
    """Create the engine for ``url``, with SQLite set up for serialized writes."""
    target = engine_url(url)
    if target.get_backend_name() != "sqlite":
        return sqlalchemy_create_engine(target, pool_pre_ping=True)

    # Transactions run in worker threads, so a pooled connection is used by more than one
    # thread over its life (never by two at once).
    engine = sqlalchemy_create_engine(
        target,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
    )
    # The driver's own transaction handling would send a plain deferred BEGIN, so it is
    # turned off and SQLAlchemy's "begin" event sends BEGIN IMMEDIATE instead.
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _sqlite_on_connect(dbapi_connection: Any, connection_record: Any) -> None:
    dbapi_connection.isolation_level = None


def _sqlite_on_begin(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def migrate(engine: Engine) -> None:
    """Upgrade the store's tables to the newest revision (blocking; run it in a thread)."""
    with engine.begin() as connection:
        _lock_for_migration(connection)
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    logger.info("notify.store.migrated database=%s", engine.url.get_backend_name())


def _lock_for_migration(connection: Connection) -> None:
    # Two processes starting at once would both try to create the tables. On SQLite the
    # IMMEDIATE transaction already serializes them.
    if connection.dialect.name == "postgresql":
        connection.execute(
            text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
        )
