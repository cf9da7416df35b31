"""`/healthz` and `/readyz` for the county's operations (issue 27): without login, without
data, and honest about the database."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask_migrate import downgrade, upgrade

from wrm import create_app


def test_healthz_answers_without_login(app: Flask) -> None:
    antwort = app.test_client().get("/healthz")
    assert (antwort.status_code, antwort.get_json()) == (200, {"status": "ok"})


def test_readyz_follows_the_schema_to_the_newest_migration(leere_app: Flask) -> None:
    client = leere_app.test_client()
    leer = client.get("/readyz")
    assert leer.status_code == 503
    assert leer.get_json() == {"status": "nicht bereit", "grund":
                               "Datenbankschema nicht auf dem neuesten Stand („wrm init“)"}
    with leere_app.app_context():
        upgrade()
    assert (client.get("/readyz").status_code, client.get("/readyz").get_json()) == (
        200, {"status": "bereit"})
    with leere_app.app_context():
        downgrade(revision="-1")  # an older schema than the code: as before `wrm init`
    assert client.get("/readyz").status_code == 503
    assert client.get("/healthz").status_code == 200


def test_an_unreachable_database_is_not_ready_and_says_nothing_more(tmp_path: Path) -> None:
    app = create_app({"TESTING": True, "SECRET_KEY": "test",
                      "DATABASE_URL": f"sqlite:///{tmp_path}/fehlt/ordner/wrm.sqlite"})
    client = app.test_client()
    antwort = client.get("/readyz")
    assert (antwort.status_code, antwort.get_json()) == (
        503, {"status": "nicht bereit", "grund": "Datenbank nicht erreichbar"})
    assert client.get("/healthz").status_code == 200
