"""The Alembic migrations build exactly the schema the models declare."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from wrm.db import Base, db

REVISIONEN = sorted((Path(__file__).parent.parent / "wrm" / "migrations" / "versions")
                    .glob("0*.py"))


def test_upgrade_matches_models_and_downgrade_empties(leere_app: Flask) -> None:
    with leere_app.app_context():
        upgrade()
        with db.engine.connect() as verbindung:
            kontext = MigrationContext.configure(
                verbindung, opts={"compare_type": True, "render_as_batch": True})
            assert compare_metadata(kontext, Base.metadata) == []
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}



def test_every_downgrade_works_with_data_and_leaves_no_copies(leere_app: Flask) -> None:
    """With the demo's reports, users and history in it, every migration can be undone step by
    step and redone (SQLite copies tables in batch mode; foreign keys are off meanwhile)."""
    from wrm.services.demo import demo_laden
    from wrm.services.kommunen import landkreis_holen

    with leere_app.app_context():
        upgrade()
        demo_laden(db.session, landkreis=landkreis_holen(db.session, name="Landkreis Osnabrück"))
        db.session.commit()
        db.session.remove()
        for _ in range(len(REVISIONEN)):
            downgrade(revision="-1")
            tabellen = set(inspect(db.engine).get_table_names())
            assert not {t for t in tabellen if t.startswith("_alembic_tmp")}, tabellen
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert "datenstand" in inspect(db.engine).get_table_names()
