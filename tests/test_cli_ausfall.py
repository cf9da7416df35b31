"""Every `wrm` command answers a database that is down, read-only or full with one German line
naming the cause and exit status 1, never with a traceback."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from flask import Flask
from flask.cli import ScriptInfo
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url

from tests.conftest import POSTGRES_URL
from wrm.app import create_app
from wrm.cli import main
from wrm.db import db

# Each call makes an app of its own, on a database of its own or on none.
pytestmark = pytest.mark.eigene_datenbank

#: Every leaf command with arguments that get it as far as the database; a new command
#: fails `test_the_list_covers_every_command` until it is added here.
BEFEHLE: dict[str, list[str]] = {
    "init": [], "demo": [], "kommunen import": [], "import": ["{csv}"], "auswertung": [],
    "benutzer anlegen": ["neu", "--rolle", "presse"], "token anlegen": ["landkreis"],
    "token widerrufen": ["landkreis"], "token liste": ["landkreis"], "erinnern": [],
    "sicherung": ["{ziel}"], "wiederherstellen": ["{csv}", "--ja"],
    "umverteilung vorschlag": [],
    "vereinbarung anlegen": ["--zuweisend", "Kommune A", "--aufnehmend", "Kommune B",
                             "--personen", "3"],
    "vereinbarung status": ["1", "zugesagt"], "vereinbarung beruecksichtigt": ["1", "Kommune A"],
    "vereinbarung liste": [], "benachrichtigen": [],
    "zeitraum anlegen": ["P9", "--beginn", "2030-01-01"], "zeitraum abschliessen": ["P9"],
    "quoten anpassen": ["Kommune A", "--art", "entlastung", "--personen", "1", "--grund", "x"],
    "quoten berechnen": ["--zeitraum", "P9"],
    "anrechnung buchen": ["Kommune A", "--personen", "1", "--quelle", "x"],
    "ankuendigungen import": ["{csv}"], "prognose": [],
    "unterkuenfte import": ["{csv}"], "unterkuenfte liste": [],
    "meldung quelle": ["Kommune A", "eingabe"],
    "db upgrade": [], "db current": [],
}
#: Commands that only write (a read-only database must refuse them).
SCHREIBENDE = ["zeitraum anlegen", "benutzer anlegen", "token anlegen",
               "anrechnung buchen", "vereinbarung anlegen"]


def _blaetter(gruppe: click.Group, pfad: tuple[str, ...] = ()) -> Iterator[str]:
    for name, befehl in gruppe.commands.items():
        if isinstance(befehl, click.Group):
            yield from _blaetter(befehl, (*pfad, name))
        else:
            yield " ".join((*pfad, name))


def _wrm(befehl: str, url: str, tmp_path: Path, argumente: list[str] | None = None) -> Result:
    """`wrm BEFEHL …` through the real command group, on the database `url` (the arguments of
    `BEFEHLE` unless others are given)."""
    csv = tmp_path / "leer.csv"
    csv.write_text("kommune;woche;personen\n", encoding="utf-8")
    if argumente is None:
        argumente = [a.format(csv=csv, ziel=tmp_path / "sicherung.db") for a in BEFEHLE[befehl]]
    umgebung = {"WRM_DATABASE_URL": url, "WRM_INSTANCE_PATH": str(tmp_path / "instanz"),
                "WRM_SECRET_KEY": "test", "WRM_LANDKREIS": "Landkreis Osnabrück"}
    apps: list[Flask] = []

    def erzeugen() -> Flask:  # as `wrm` does, remembered to close its connections after
        apps.append(create_app())
        return apps[-1]

    try:
        return CliRunner().invoke(main, [*befehl.split(), *argumente], env=umgebung,
                                  input="geheim-geheim-123\ngeheim-geheim-123\n",
                                  obj=ScriptInfo(create_app=erzeugen))
    finally:
        for app in apps:
            with app.app_context():
                db.engine.dispose()


def _eine_zeile(ergebnis: Result, ursache: str) -> None:
    assert ergebnis.exit_code == 1, (ergebnis.output, ergebnis.exception)
    assert isinstance(ergebnis.exception, SystemExit), repr(ergebnis.exception)
    fehler = ergebnis.stderr.strip().splitlines()
    assert len(fehler) == 1 and fehler[0].startswith("Datenbank nicht verfügbar ("), fehler
    assert fehler[0].endswith(f"): {ursache}."), fehler
    assert "Traceback" not in ergebnis.output


#: Commands that never touch the database.
OHNE_DATENBANK = {"operationen"}


def test_the_list_covers_every_command() -> None:
    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://", "SECRET_KEY": "t"})
    wrm_befehle = {b for b in _blaetter(app.cli) if not b.startswith("db ")}
    assert wrm_befehle == {b for b in BEFEHLE if not b.startswith("db ")} | OHNE_DATENBANK


def test_the_saved_operations_are_listed_while_the_database_is_down(tmp_path: Path) -> None:
    ergebnis = _wrm("operationen", "postgresql://wrm:geheim@127.0.0.1:1/nirgends", tmp_path,
                    ["--format", "json"])
    assert ergebnis.exit_code == 0, ergebnis.output
    assert "presse/kreis_heute.graphql" in ergebnis.stdout


@pytest.mark.parametrize("befehl", sorted(BEFEHLE))
def test_a_database_that_is_down_is_one_german_line(befehl: str, tmp_path: Path) -> None:
    # Port 1: nothing listens there, the connection is refused at once.
    ergebnis = _wrm(befehl, "postgresql://wrm:geheim@127.0.0.1:1/nirgends", tmp_path)
    _eine_zeile(ergebnis, "Verbindung abgelehnt")
    assert "geheim" not in ergebnis.output  # the password is not shown


@pytest.fixture
def demo_datei(tmp_path: Path) -> Path:
    """A SQLite file with the demo, as `make run` leaves it."""
    datei = tmp_path / "wrm.sqlite"
    assert _wrm("demo", f"sqlite:///{datei}", tmp_path).exit_code == 0
    return datei


@pytest.fixture
def nur_lesbar(leere_datenbank: str, tmp_path: Path) -> str:
    """The URL of a database with the demo that refuses every write: on SQLite a file opened
    read-only, on PostgreSQL a session whose transactions are read-only."""
    assert _wrm("demo", leere_datenbank, tmp_path).exit_code == 0
    if POSTGRES_URL:
        return make_url(leere_datenbank).update_query_dict(
            {"options": "-c default_transaction_read_only=on"}).render_as_string(
            hide_password=False)
    return f"sqlite:///file:{make_url(leere_datenbank).database}?mode=ro&uri=true"


@pytest.mark.parametrize("befehl", SCHREIBENDE)
def test_a_read_only_database_refuses_writes_in_one_line(befehl: str, nur_lesbar: str,
                                                         tmp_path: Path) -> None:
    _eine_zeile(_wrm(befehl, nur_lesbar, tmp_path), "Datenbank ist nur lesbar")
    assert _wrm("auswertung", nur_lesbar, tmp_path).exit_code == 0  # reading goes on


def test_a_full_database_refuses_writes_in_one_line(demo_datei: Path, tmp_path: Path) -> None:
    def voll(verbindung: object, eintrag: object) -> None:
        # SQLite's own "database or disk is full": no page beyond those the file has.
        if isinstance(verbindung, sqlite3.Connection):
            seiten = verbindung.execute("PRAGMA page_count").fetchone()[0]
            verbindung.execute(f"PRAGMA max_page_count = {seiten}")

    event.listen(Engine, "connect", voll)
    try:
        # 2,000 new Kommunen need new pages; a single small row might fit a free one.
        liste = tmp_path / "kommunen.csv"
        liste.write_text("name;art\n" + "".join(f"Neudorf {i};Gemeinde\n" for i in range(2000)),
                         encoding="utf-8")
        ergebnis = _wrm("kommunen import", f"sqlite:///{demo_datei}", tmp_path, [str(liste)])
    finally:
        event.remove(Engine, "connect", voll)
    _eine_zeile(ergebnis, "Speicherplatz voll")


def test_a_schema_older_than_the_code_asks_for_wrm_init(tmp_path: Path) -> None:
    """A new version installed, `wrm init` not yet run: one line that says what to do."""
    datei = tmp_path / "alt.sqlite"
    url = f"sqlite:///{datei}"
    assert _wrm("init", url, tmp_path).exit_code == 0
    with sqlite3.connect(datei) as verbindung:
        verbindung.execute("ALTER TABLE kommunen DROP COLUMN meldequelle")
    _eine_zeile(_wrm("auswertung", url, tmp_path),
                "Datenbankschema veraltet, bitte „wrm init“ ausführen")
