"""Fixtures: an app on a fresh database per test (SQLite, or PostgreSQL: WRM_TEST_DATABASE_URL)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import text

from tests.postfach import Briefkasten, freier_port
from tests.welt import Welt, welt_anlegen
from wrm import create_app
from wrm.db import Base, db
from wrm.konfiguration import datenbank_url

POSTGRES_URL = os.environ.get("WRM_TEST_DATABASE_URL")
DATEN = Path(__file__).parent / "data"


def pytest_report_header() -> str:
    """Say which database the run uses, so a SQLite-only run is never mistaken for both."""
    return f"WRM-Testdatenbank: {'PostgreSQL' if POSTGRES_URL else 'SQLite'}"


@pytest.fixture(scope="session")
def _postgres_schema() -> Iterator[None]:
    """On PostgreSQL, create the tables once per run; tests then empty them."""
    if not POSTGRES_URL:
        yield
        return
    app = create_app({"TESTING": True, "DATABASE_URL": POSTGRES_URL, "SECRET_KEY": "test"})
    with app.app_context():
        Base.metadata.drop_all(db.engine)
        Base.metadata.create_all(db.engine)
        db.engine.dispose()
    yield


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """The database URL of this test: a new SQLite file, or the PostgreSQL test database."""
    return POSTGRES_URL or f"sqlite:///{tmp_path / 'test.sqlite'}"


@pytest.fixture
def app(
    _postgres_schema: None, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Flask]:
    """A WRM app on an empty database with all tables."""
    monkeypatch.setenv("WRM_INSTANCE_PATH", str(tmp_path / "instance"))
    for name in [k for k in os.environ if k.startswith("WRM_") and k != "WRM_INSTANCE_PATH"]:
        monkeypatch.delenv(name)
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test"})
    with app.app_context():
        if not POSTGRES_URL:
            Base.metadata.create_all(db.engine)
    yield app
    with app.app_context():
        db.session.remove()
        if POSTGRES_URL:
            tabellen = ", ".join(t.name for t in Base.metadata.sorted_tables)
            with db.engine.begin() as verbindung:
                verbindung.execute(text(f"TRUNCATE {tabellen} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


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
def leere_datenbank(tmp_path: Path) -> Iterator[str]:
    """URL of a database without any table: a new SQLite file, or a new PostgreSQL database."""
    if not POSTGRES_URL:
        yield f"sqlite:///{tmp_path / 'leer.sqlite'}"
        return
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    basis = make_url(datenbank_url(POSTGRES_URL))
    name = f"{basis.database}_leer_{uuid.uuid4().hex[:8]}"
    verwaltung = create_engine(basis, isolation_level="AUTOCOMMIT")
    with verwaltung.connect() as verbindung:
        verbindung.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield basis.set(database=name).render_as_string(hide_password=False)
    finally:
        with verwaltung.connect() as verbindung:
            verbindung.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        verwaltung.dispose()


@pytest.fixture
def leere_app(
    leere_datenbank: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Flask]:
    """A WRM app on a database without tables, as on a fresh machine."""
    monkeypatch.setenv("WRM_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"TESTING": True, "DATABASE_URL": leere_datenbank, "SECRET_KEY": "test"})
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _tokens() -> dict[str, str]:
    from flask_admin.form import SecureForm
    from flask_wtf.csrf import generate_csrf

    return {"admin": SecureForm().csrf_token.current_token, "wtf": generate_csrf()}


def testweg(app: Flask) -> Flask:
    """Add the test-only route that hands out CSRF tokens for the client's session."""
    app.add_url_rule("/_test/tokens", "test_tokens", _tokens)
    return app


@pytest.fixture
def web(app: Flask) -> Flask:
    """The app with the CSRF token route, for tests that log in through the real forms."""
    return testweg(app)


@pytest.fixture
def demo_web(leere_app: Flask) -> Flask:
    """A migrated database with the demo (the paper's figures, today), with the token route."""
    assert leere_app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    return testweg(leere_app)


@pytest.fixture
def welt(web: Flask) -> Welt:
    """The permission-test world of `tests.welt` (two Kommunen, users of every role)."""
    with web.app_context():
        return welt_anlegen()


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
