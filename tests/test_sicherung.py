"""Backup and restore while serving: nothing lost, and no cached answer outlives a restore."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from tests.conftest import api_token, graphql
from tests.datenbestand import abzug
from wrm.db import db
from wrm.models.datenstand import datenstand

# A backup and a restore are other connections to the database: they see only what was
# committed, so these tests run on a database of their own.
pytestmark = pytest.mark.echte_commits

LESEN = '{ kommune(name: "Kommune A") { meldung { zuweisungen version } } }'
SPEICHERN = ('mutation($v: Int!, $z: Int!) { meldungSpeichern(kommune: "Kommune A", version: $v, '
             'eingabe: {zuweisungen: $z}) { version } }')


def _lesen(client, token: str) -> dict:  # type: ignore[no-untyped-def]
    antwort = graphql(client, LESEN, token=token).get_json()
    assert "errors" not in antwort, antwort
    return antwort["data"]["kommune"]["meldung"]  # type: ignore[no-any-return]


def _speichern(client, token: str, version: int, zuweisungen: int) -> int:  # type: ignore[no-untyped-def]
    antwort = graphql(client, SPEICHERN, {"v": version, "z": zuweisungen}, token=token).get_json()
    assert "errors" not in antwort, antwort
    return antwort["data"]["meldungSpeichern"]["version"]  # type: ignore[no-any-return]


def test_backup_and_restore_in_place_lose_nothing_and_serve_nothing_stale(
        demo_web: Flask, tmp_path: Path) -> None:
    app, runner, client = demo_web, demo_web.test_cli_runner(), demo_web.test_client()
    token = api_token(app, "landkreis")
    vorher = _lesen(client, token)  # cached under the data version of the backup
    with app.app_context():
        stand_vorher, version_vorher = abzug(), datenstand(db.session)

    datei = tmp_path / "sicherung" / "wrm.sicherung"
    ergebnis = runner.invoke(args=["sicherung", str(datei)])
    assert ergebnis.exit_code == 0, ergebnis.output
    assert "gesichert" in ergebnis.output and datei.stat().st_size > 0

    nachher = _speichern(client, token, vorher["version"], 777)
    assert _lesen(client, token) == {"zuweisungen": 777, "version": nachher}

    ergebnis = runner.invoke(args=["wiederherstellen", str(datei), "--ja"])
    assert ergebnis.exit_code == 0, ergebnis.output
    with app.app_context():
        assert abzug() == stand_vorher  # every row as it was, nothing lost, nothing extra
        assert datenstand(db.session) == version_vorher
    assert _lesen(client, token) == vorher

    # A write after the restore gets a data version no answer was cached under before.
    neu = _speichern(client, token, vorher["version"], 888)
    assert _lesen(client, token) == {"zuweisungen": 888, "version": neu}
    with app.app_context():
        assert datenstand(db.session) not in (version_vorher, 0)


def test_restore_refuses_what_is_not_a_backup(demo_web: Flask, tmp_path: Path) -> None:
    runner = demo_web.test_cli_runner()
    with demo_web.app_context():
        vorher = abzug()
    keine = tmp_path / "keine.sicherung"
    keine.write_bytes(b"kein Backup")
    for datei in (keine, tmp_path / "fehlt.sicherung"):
        ergebnis = runner.invoke(args=["wiederherstellen", str(datei), "--ja"])
        assert ergebnis.exit_code == 1
        assert "Wiederherstellung fehlgeschlagen, nichts wurde geändert" in ergebnis.output
    with demo_web.app_context():
        assert abzug() == vorher
