"""The test databases: templates built once per run, each test rolled back, copies for the tests
that need real commits.

Three templates ("Vorlagen"): `leer` (the schema), `welt` (the schema and the permission world
of `tests.welt`) and `demo` (migrations and `wrm demo`, as `make run` leaves it). Each is one
database (a SQLite file, or a PostgreSQL database next to the run's own) with one application
on it, made once per test session.

A test runs on its template's application inside a transaction that is rolled back at its end
(SQLAlchemy's "joining a session into an external transaction"): every session of the test is
bound to one connection, and a commit releases a savepoint instead of ending that transaction.
A test that needs real commits — a server in another thread or process, a second connection, a
fault of the database — gets a copy of its template instead (SQLite: the file copied with the
backup API; PostgreSQL: `CREATE DATABASE … TEMPLATE …`) and an application of its own.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from wrm import create_app, zwischenspeicher
from wrm.db import Base, db
from wrm.konfiguration import datenbank_url

VORLAGEN = ("leer", "welt", "demo")


def app_auf(url: str, instanz: Path) -> Flask:
    """A WRM app for tests on the database `url`, made as `tests.conftest` makes every app:
    without the machine's `WRM_*` settings, with its own instance folder."""
    with pytest.MonkeyPatch.context() as m:
        m.setenv("WRM_INSTANCE_PATH", str(instanz))
        for name in [k for k in os.environ if k.startswith("WRM_") and k != "WRM_INSTANCE_PATH"]:
            m.delenv(name)
        return create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test"})


def testweg(app: Flask) -> Flask:
    """Add the test-only route that hands out CSRF tokens for the client's session."""
    if "test_tokens" not in app.view_functions:
        app.add_url_rule("/_test/tokens", "test_tokens", _tokens)
    return app


def _tokens() -> dict[str, str]:
    from flask_admin.form import SecureForm
    from flask_wtf.csrf import generate_csrf

    return {"admin": SecureForm().csrf_token.current_token, "wtf": generate_csrf()}


@dataclass
class Vorlage:
    """A template database, its application and what building it returned (the world)."""

    name: str
    url: str
    app: Flask
    inhalt: object


class Datenbanken:
    """The run's templates and copies, on SQLite (files in `ordner`) or PostgreSQL
    (`postgres_url`: the run's own database; templates and copies are databases beside it)."""

    def __init__(self, ordner: Path, postgres_url: str | None,
                 bauen: dict[str, Callable[[Flask], object]]) -> None:
        self.ordner = ordner
        self.postgres = make_url(datenbank_url(postgres_url)) if postgres_url else None
        self.bauen = bauen
        self.vorlagen: dict[str, Vorlage] = {}
        self._angelegt: list[str] = []

    # --- databases -------------------------------------------------------------------------
    def _pg_sql(self, *anweisungen: str) -> None:
        """Run statements on the PostgreSQL server outside a transaction (CREATE DATABASE)."""
        assert self.postgres is not None
        motor = create_engine(self.postgres, isolation_level="AUTOCOMMIT")
        try:
            with motor.connect() as verbindung:
                for anweisung in anweisungen:
                    verbindung.execute(text(anweisung))
        finally:
            motor.dispose()

    def neue_url(self, art: str, vorlage: str | None = None) -> str:
        """The URL of a new database: empty, or a copy of the template `vorlage`."""
        kennung = f"{art}_{uuid.uuid4().hex[:8]}"
        if self.postgres is None:
            datei = self.ordner / f"{kennung}.sqlite"
            if vorlage is not None:
                self._sqlite_kopieren(self.vorlagen[vorlage], datei)
            return f"sqlite:///{datei}"
        name = f"{self.postgres.database}_{kennung}"
        if vorlage is not None:
            # A template must have no other connection while it is copied.
            with self.vorlagen[vorlage].app.app_context():
                db.engine.dispose()
            self._pg_sql(f'CREATE DATABASE "{name}" TEMPLATE "{self._pg_name(vorlage)}"')
        else:
            self._pg_sql(f'CREATE DATABASE "{name}"')
        self._angelegt.append(name)
        return self.postgres.set(database=name).render_as_string(hide_password=False)

    def _pg_name(self, vorlage: str) -> str:
        return make_url(self.vorlagen[vorlage].url).database  # type: ignore[return-value]

    @staticmethod
    def _sqlite_kopieren(vorlage: Vorlage, ziel: Path) -> None:
        quelle = make_url(vorlage.url).database
        with sqlite3.connect(quelle) as von, sqlite3.connect(ziel) as nach:
            von.backup(nach)
        von.close()
        nach.close()

    def entfernen(self, url: str) -> None:
        """Drop a database made by `neue_url` (a SQLite file goes with the folder)."""
        if self.postgres is not None:
            name = make_url(url).database
            self._pg_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            if name in self._angelegt:
                self._angelegt.remove(name)

    def schliessen(self) -> None:
        """Dispose the templates' engines and drop every database this run made."""
        for vorlage in self.vorlagen.values():
            with vorlage.app.app_context():
                db.engine.dispose()
        if self.postgres is not None and self._angelegt:
            self._pg_sql(*(f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)'
                           for n in self._angelegt))

    # --- templates -------------------------------------------------------------------------
    def vorlage(self, name: str) -> Vorlage:
        """The template `name`, built on first use."""
        if name not in self.vorlagen:
            url = self.neue_url(f"v_{name}")
            app = testweg(app_auf(url, self.ordner / f"instanz_{name}"))
            inhalt = self.bauen[name](app)
            self.vorlagen[name] = Vorlage(name, url, app, inhalt)
        return self.vorlagen[name]


def schema_anlegen(app: Flask) -> None:
    """The tables, as the models declare them."""
    with app.app_context():
        Base.metadata.create_all(db.engine)


@contextmanager
def zurueckgerollt(app: Flask) -> Iterator[Flask]:
    """Run the block on `app` inside one transaction that is rolled back at its end: every
    session binds to one connection and commits to savepoints; the app's config and its
    stores between requests (`wrm.zwischenspeicher`) are as they were before."""
    with app.app_context():
        verbindung = db.engine.connect()
    sqlite = verbindung.dialect.name == "sqlite"
    if sqlite:
        # pysqlite begins transactions only before a write and ends them itself; for a
        # transaction with savepoints SQLAlchemy's documentation has it begin explicitly.
        treiber = verbindung.connection.driver_connection
        treiber.isolation_level = None  # type: ignore[union-attr]
    transaktion = verbindung.begin()
    if sqlite:
        verbindung.exec_driver_sql("BEGIN")
    fabrik = db.session.session_factory
    fabrik.configure(bind=verbindung, join_transaction_mode="create_savepoint")
    konfiguration = app.config.copy()
    zwischenspeicher.leeren(app)
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
        fabrik.configure(bind=None, join_transaction_mode="conditional_savepoint")
        transaktion.rollback()
        if sqlite:
            treiber.isolation_level = ""  # type: ignore[union-attr]
        verbindung.close()
        app.config.clear()
        app.config.update(konfiguration)
        zwischenspeicher.leeren(app)
