"""Endpoints for the county's operations: `/healthz` (the process answers) and `/readyz` (the
database is reachable and its schema at the newest migration), for a container's health check
and a load balancer. Both without login and without any data of the county: a status word
and, when not ready, a German reason; the details go to the log."""

from __future__ import annotations

import logging

from alembic.script import ScriptDirectory
from flask import Blueprint, Flask, current_app
from sqlalchemy import column, inspect, select, table

from wrm.ausfall import DATENBANK_NICHT_VERFUEGBAR, ursache
from wrm.db import db

bp = Blueprint("betrieb", __name__)
_log = logging.getLogger(__name__)
_ZIEL = "wrm_schema_ziel"
#: The table in which Alembic keeps the migration a database is at (its default name).
_VERSIONEN = "alembic_version"
_STAND = select(column("version_num")).select_from(table(_VERSIONEN))


@bp.get("/healthz")
def lebt() -> tuple[dict[str, str], int]:
    """200 while the process answers requests; asks nothing of the database."""
    return {"status": "ok"}, 200


@bp.get("/readyz")
def bereit() -> tuple[dict[str, str], int]:
    """200 when the database answers and its schema is the newest migration's; else 503."""
    try:
        with db.engine.connect() as verbindung:
            # Alembic's version table read directly: its MigrationContext would write two
            # log lines per probe.
            stand = set(verbindung.scalars(_STAND)) if inspect(verbindung).has_table(
                _VERSIONEN) else set()
    except DATENBANK_NICHT_VERFUEGBAR as fehler:
        _log.warning("readyz: Datenbank nicht erreichbar: %s", ursache(fehler))
        return {"status": "nicht bereit", "grund": "Datenbank nicht erreichbar"}, 503
    if stand != current_app.extensions[_ZIEL]:
        _log.warning("readyz: Schema auf %s, erwartet %s", sorted(stand),
                     sorted(current_app.extensions[_ZIEL]))
        return {"status": "nicht bereit",
                "grund": "Datenbankschema nicht auf dem neuesten Stand („wrm init“)"}, 503
    return {"status": "bereit"}, 200


def init_betrieb(app: Flask, migrationen: str) -> None:
    """Register the endpoints; the newest migration is read once, from `migrationen`."""
    app.extensions[_ZIEL] = set(ScriptDirectory(migrationen).get_heads())
    app.register_blueprint(bp)
