"""Alembic environment of the notification store.

Migrations run only through ``bot.notify.store.migrate``, which passes an open connection in
``config.attributes["connection"]``; there is no ``alembic.ini`` and no offline mode.
"""

from __future__ import annotations

from alembic import context

from bot.notify.models import metadata

# The store may share a database with other parts of the bot, so it keeps its own table
# of applied revisions.
VERSION_TABLE = "notify_alembic_version"


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None or context.is_offline_mode():
        raise RuntimeError(
            "notification migrations need a live connection: run bot.notify.store.migrate()"
        )

    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table=VERSION_TABLE,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
