"""Alembic environment: runs against the engine and metadata of the current Flask app."""

from __future__ import annotations

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

from wrm.db import db

config = context.config
if config.config_file_name is not None and not logging.getLogger().handlers:
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = db.metadata
OPTIONS = current_app.extensions["migrate"].configure_args


def run_migrations_offline() -> None:
    """Emit SQL without a connection (`wrm db upgrade --sql`)."""
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True, **OPTIONS)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations on the app's engine.

    SQLite changes a table by copying it (batch mode); with foreign keys enforced, dropping
    the old copy of a referenced table fails, and a failed step leaves `_alembic_tmp_*` behind.
    So, as SQLite's documentation prescribes for schema changes, foreign keys are off while
    migrating and checked as a whole before the transaction commits.
    """
    with db.engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            context.configure(connection=connection, target_metadata=target_metadata, **OPTIONS)
            with context.begin_transaction():
                context.run_migrations()
                if sqlite and (verstoss := connection.exec_driver_sql(
                        "PRAGMA foreign_key_check").first()) is not None:
                    raise RuntimeError(f"Fremdschlüssel verletzt nach der Migration: {verstoss}")
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
