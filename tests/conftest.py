"""Fixtures: the app on a template database, each test rolled back (`tests.datenbanken`);
copies for tests that need real commits; login and GraphQL helpers."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskCliRunner

from tests import fuzzing
from tests.datenbanken import (
    Datenbanken,
    app_auf,
    schema_anlegen,
    testweg,
    zurueckgerollt,
)
from tests.postfach import Briefkasten, freier_port
from tests.welt import Welt, welt_anlegen
from wrm.db import db

POSTGRES_URL = os.environ.get("WRM_TEST_DATABASE_URL")
DATEN = Path(__file__).parent / "data"


def pytest_report_header() -> str:
    """Say which database the run uses, so a SQLite-only run is never mistaken for both, and
    the size of the fuzz tests."""
    return (f"WRM-Testdatenbank: {'PostgreSQL' if POSTGRES_URL else 'SQLite'}; "
            f"Fuzzing: Profil {fuzzing.PROFIL}")


#: Fixtures that give a test a database of its own (a copy of a template, or an empty one).
EIGENE_DATENBANK = frozenset({"database_url", "leere_app", "leere_datenbank"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark `eigene_datenbank` every test that runs on, or makes, a database of its own: those
    with real commits (`braucht_echte_commits`), a fresh empty database, or marked so. `make
    check` leaves them out; `make test` runs them."""
    for item in items:
        if (EIGENE_DATENBANK & set(getattr(item, "fixturenames", ()))
                or item.get_closest_marker("echte_commits") is not None
                or "browser" in Path(str(item.path)).parts):
            item.add_marker(pytest.mark.eigene_datenbank)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """How many generated examples the fuzz tests ran, per test and in all."""
    if not fuzzing.GELAUFEN:
        return
    terminalreporter.write_sep("-", f"Fuzzing (Profil {fuzzing.PROFIL}): "
                                    f"{sum(fuzzing.GELAUFEN.values())} Beispiele")
    for test, anzahl in sorted(fuzzing.GELAUFEN.items()):
        terminalreporter.write_line(f"  {test}: {anzahl}")


def _welt_bauen(app: Flask) -> Welt:
    schema_anlegen(app)
    with app.app_context():
        return welt_anlegen()


def _demo_bauen(app: Flask) -> None:
    ergebnis = app.test_cli_runner().invoke(args=["demo"])
    assert ergebnis.exit_code == 0, ergebnis.output


@pytest.fixture(scope="session")
def datenbanken(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Datenbanken]:
    """The run's template databases (built on first use) and the copies tests ask for."""
    verwaltung = Datenbanken(tmp_path_factory.mktemp("datenbanken"), POSTGRES_URL,
                             {"leer": schema_anlegen, "welt": _welt_bauen, "demo": _demo_bauen})
    yield verwaltung
    verwaltung.schliessen()


def _vorlage_fuer(request: pytest.FixtureRequest) -> str:
    """Which template a test runs on: the demo, the permission world, or the bare schema."""
    namen = set(request.fixturenames)
    if "demo_web" in namen:
        return "demo"
    return "welt" if "welt" in namen else "leer"


def braucht_echte_commits(request: pytest.FixtureRequest) -> bool:
    """Whether a test needs a database of its own with real commits: marked `echte_commits`,
    serving the app to a browser, or handing the database's URL to another process."""
    return (request.node.get_closest_marker("echte_commits") is not None
            or "database_url" in request.fixturenames
            or "browser" in Path(str(request.node.path)).parts)


@pytest.fixture
def _umgebung(datenbanken: Datenbanken, request: pytest.FixtureRequest, tmp_path: Path,
              monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Flask, str]]:
    """(app, database URL) of this test: its template's app inside a transaction rolled back
    at the end, or a copy of the template with an app of its own (`braucht_echte_commits`).
    The machine's `WRM_*` settings are hidden from the test, as from every app it makes."""
    monkeypatch.setenv("WRM_INSTANCE_PATH", str(tmp_path / "instance"))
    for name in [k for k in os.environ if k.startswith("WRM_") and k != "WRM_INSTANCE_PATH"]:
        monkeypatch.delenv(name)
    vorlage = datenbanken.vorlage(_vorlage_fuer(request))
    if not braucht_echte_commits(request):
        with zurueckgerollt(vorlage.app) as app:
            yield app, vorlage.url
        return
    url = datenbanken.neue_url("kopie", vorlage.name)
    app = testweg(app_auf(url, tmp_path / "instance"))
    try:
        yield app, url
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        datenbanken.entfernen(url)


@pytest.fixture
def app(_umgebung: tuple[Flask, str]) -> Flask:
    """A WRM app on its test's database (see `_umgebung`), with the CSRF token route."""
    return _umgebung[0]


@pytest.fixture
def database_url(_umgebung: tuple[Flask, str]) -> str:
    """The URL of this test's own database (a copy of its template, with real commits)."""
    return _umgebung[1]


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """A CLI runner for `wrm` commands on the test app."""
    return app.test_cli_runner()


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    """An app context, for tests that call services directly."""
    with app.app_context():
        yield


@pytest.fixture
def leere_datenbank(datenbanken: Datenbanken) -> Iterator[str]:
    """URL of a new database without any table: a SQLite file, or a PostgreSQL database."""
    url = datenbanken.neue_url("leer")
    yield url
    datenbanken.entfernen(url)


@pytest.fixture
def leere_app(leere_datenbank: str, tmp_path: Path) -> Iterator[Flask]:
    """A WRM app on a database without tables, as on a fresh machine."""
    app = testweg(app_auf(leere_datenbank, tmp_path / "instance"))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def web(app: Flask) -> Flask:
    """The app, for tests that log in through the real forms (it has the CSRF token route)."""
    return app


@pytest.fixture
def zweiter_worker(web: Flask, database_url: str) -> Iterator[Flask]:
    """A second app instance on the same database (real commits), like a second gunicorn
    worker."""
    from wrm import create_app

    zweiter = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test"})
    yield zweiter
    with zweiter.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def demo_web(app: Flask) -> Flask:
    """The app on the demo (`wrm demo`: the paper's figures, today)."""
    return app


@pytest.fixture
def welt(app: Flask, datenbanken: Datenbanken) -> Welt:
    """The permission-test world of `tests.welt` (two Kommunen, users of every role)."""
    return datenbanken.vorlage("welt").inhalt  # type: ignore[return-value]


def anmelden(client, name: str, passwort: str = "sehr-geheim-123"):  # type: ignore[no-untyped-def]
    """Log in through the real login form (with its CSRF token); returns the response."""
    token = client.get("/_test/tokens").get_json()["wtf"]
    return client.post("/login", data={"name": name, "passwort": passwort, "csrf_token": token})


def admin_token(client) -> str:  # type: ignore[no-untyped-def]
    """A valid Flask-Admin (SecureForm) CSRF token for the client's session."""
    return client.get("/_test/tokens").get_json()["admin"]


@pytest.fixture(autouse=True, scope="session")
def _schnelles_argon2() -> Iterator[None]:
    """Cheap argon2 parameters in tests: still real argon2 hashes, without 50 ms per user."""
    from argon2 import PasswordHasher

    from wrm.services import benutzer

    original = benutzer._hasher
    benutzer._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    benutzer._hasher = original


def api_token(app: Flask, benutzername: str) -> str:
    """A new API token of the user `benutzername`, committed; the token in plain text."""
    from sqlalchemy import select

    from wrm.models import Benutzer
    from wrm.services.tokens import token_anlegen

    with app.app_context():
        benutzer = db.session.scalar(select(Benutzer).where(Benutzer.name == benutzername))
        klartext = token_anlegen(db.session, benutzer=benutzer)[1]
        db.session.commit()
    return klartext


def validierungen_zaehlen(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts graphql-core validates from now on in this test, in order. Strawberry's
    ValidationCache wraps its `validate_document`, which calls graphql-core's `validate` as a
    name of its module: counted there."""
    from strawberry.schema import schema as strawberry_schema

    geprueft: list[str] = []
    validieren = strawberry_schema.validate

    def zaehlen(schema, dokument, regeln):  # type: ignore[no-untyped-def]
        geprueft.append(dokument.loc.source.body)
        return validieren(schema, dokument, regeln)

    monkeypatch.setattr(strawberry_schema, "validate", zaehlen)
    return geprueft


def graphql(client, abfrage: str, variablen: dict | None = None,  # type: ignore[no-untyped-def]
            token: str | None = None, **kopf: str):
    """POST a GraphQL operation as JSON (with a bearer token if given); returns the response."""
    kopfzeilen = {"Authorization": f"Bearer {token}"} if token else {}
    kopfzeilen.update(kopf)
    return client.post("/graphql", json={"query": abfrage, "variables": variablen or {}},
                       headers=kopfzeilen)


@pytest.fixture
def briefkasten(web: Flask) -> Iterator[Briefkasten]:
    """A real SMTP server on 127.0.0.1 for this test; the app is configured to use it."""
    handler = Briefkasten()
    port = freier_port()
    server = Controller(handler, hostname="127.0.0.1", port=port)
    server.start()
    web.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_ABSENDER="wrm@kreis.test",
                      BASIS_URL="https://wrm.kreis.test")
    yield handler
    server.stop()
