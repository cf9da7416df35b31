"""The Alembic migrations build exactly the schema the models declare."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from wrm.db import Base, db


def test_upgrade_matches_models_and_downgrade_empties(leere_app: Flask) -> None:
    with leere_app.app_context():
        upgrade()
        with db.engine.connect() as verbindung:
            kontext = MigrationContext.configure(
                verbindung, opts={"compare_type": True, "render_as_batch": True})
            assert compare_metadata(kontext, Base.metadata) == []
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
