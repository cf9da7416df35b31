"""The application factory: the only place that ties the parts together."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, redirect, url_for
from flask_babel import Babel
from flask_migrate import Migrate

from wrm import anzeige
from wrm.db import db
from wrm.kennzahlen.unterkuenfte import ABGELEITETE_FELDER
from wrm.konfiguration import DEFAULTS, aus_dateien, instanzpfad, vervollstaendigen
from wrm.meldefelder import bezeichnung

MIGRATIONS = str(Path(__file__).parent / "migrations")
migrate = Migrate(directory=MIGRATIONS)
babel = Babel()


def _deutsch() -> str:
    return "de"


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Create the WRM app: defaults → instance `wrm.cfg` → `WRM_*` environment → test_config."""
    app = Flask(__name__, instance_path=instanzpfad(), instance_relative_config=True)
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("wrm.cfg", silent=True)
    app.config.from_prefixed_env("WRM")
    aus_dateien(app.config)
    if test_config is not None:
        app.config.from_mapping(test_config)
    os.makedirs(app.instance_path, exist_ok=True)
    vervollstaendigen(app.config, Path(app.instance_path))

    import wrm.models  # noqa: F401 - registers the tables before anything uses the metadata

    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True, compare_type=True)

    # Flask-Babel must be bound before Flask-Admin renders, or it fails with KeyError: 'babel'.
    babel.init_app(app, locale_selector=_deutsch, timezone_selector=lambda: "Europe/Berlin")
    # One German format for every number, day and moment a template shows (`wrm.anzeige`).
    app.jinja_env.globals.update(zahl=anzeige.zahl, datum=anzeige.datum,
                                 zeitpunkt=anzeige.zeitpunkt, wert=anzeige.wert,
                                 personenzahl=anzeige.personenzahl, bezeichnung=bezeichnung,
                                 bewegung=anzeige.bewegung, richtung=anzeige.RICHTUNG,
                                 prozent=anzeige.prozent,
                                 kalenderwoche=anzeige.kalenderwoche,
                                 aus_unterkuenften=tuple(ABGELEITETE_FELDER))

    from admin import init_admin
    from wrm.anmeldung import init_anmeldung
    from wrm.api import init_api
    from wrm.betrieb import init_betrieb
    from wrm.cli import register
    from wrm.fehlerseiten import init_fehlerseiten
    from wrm.logs import init_logs
    from wrm.metriken import init_metriken
    from wrm.sicherheit import init_sicherheit

    init_logs(app)
    init_sicherheit(app)
    init_fehlerseiten(app)
    init_anmeldung(app)
    init_admin(app)
    init_api(app)
    init_betrieb(app, MIGRATIONS)
    init_metriken(app)
    register(app)
    # Browsers ask for /favicon.ico by themselves; answer with the icon the pages link.
    app.add_url_rule("/favicon.ico", "favicon", lambda: redirect(
        url_for("static", filename="favicon.svg"), code=301))
    return app
