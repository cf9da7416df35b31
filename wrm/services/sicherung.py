"""Backup and restore of the whole database, safe while WRM is serving.

SQLite: the online backup API copies a consistent snapshot, including what is still in the WAL
file (copying `wrm.sqlite` itself misses those writes), and restores the same way into the live
file under SQLite's locks. PostgreSQL: `pg_dump` in its custom format and `pg_restore` in one
transaction. The data version (`Datenstand`) travels with the data, so a cache never serves an
answer of other data under a restored number (see `wrm.models.datenstand`).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy.engine import URL, Engine


class Sicherungsfehler(RuntimeError):
    """Backup or restore failed; the German message says why. Nothing was changed."""


def _sqlite_datei(url: URL) -> Path | None:
    if url.get_backend_name() != "sqlite":
        return None
    if not url.database or url.database == ":memory:":
        raise Sicherungsfehler("Eine SQLite-Datenbank im Arbeitsspeicher kann nicht gesichert "
                               "werden.")
    return Path(url.database)


def _libpq_url(url: URL) -> str:
    """The URL as PostgreSQL's own tools read it (without SQLAlchemy's driver name)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _werkzeug(name: str) -> str:
    pfad = shutil.which(name)
    if pfad is None:
        raise Sicherungsfehler(f"{name} fehlt (Debian-Paket postgresql-client); siehe README, "
                               "„Backup and restore“.")
    return pfad


def _ausfuehren(befehl: list[str], was: str) -> None:
    ergebnis = subprocess.run(befehl, capture_output=True, text=True, check=False)
    if ergebnis.returncode != 0:
        raise Sicherungsfehler(f"{was} fehlgeschlagen: {ergebnis.stderr.strip()}")


def _sqlite_kopieren(quelle: Path, ziel: Path) -> None:
    # SQLite's online backup: page by page under its locks, retrying while others write.
    von, nach = sqlite3.connect(quelle), sqlite3.connect(ziel)
    try:
        von.backup(nach)
    finally:
        von.close()
        nach.close()


def _sqlite_pruefen(datei: Path) -> None:
    verbindung = sqlite3.connect(f"file:{datei}?mode=ro", uri=True)
    try:
        ok = verbindung.execute("PRAGMA integrity_check").fetchone()[0]
        tabellen = {z[0] for z in verbindung.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as fehler:
        raise Sicherungsfehler(f"{datei} ist keine SQLite-Datenbank: {fehler}") from None
    finally:
        verbindung.close()
    if ok != "ok" or "alembic_version" not in tabellen:
        raise Sicherungsfehler(f"{datei} ist keine vollständige WRM-Sicherung.")


def _erreichbar(engine: Engine) -> None:
    """Connect once, so a database that is down fails as SQLAlchemy's error (which the command
    line words in one German line) rather than as the tools' multi-line English."""
    with engine.connect():
        pass


def sichern(engine: Engine, ziel: Path) -> None:
    """Write a consistent backup of the database to `ziel` (replaced only when complete)."""
    url = engine.url
    _erreichbar(engine)
    ziel = ziel.resolve()
    ziel.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=ziel.parent, prefix=".wrm-sicherung-",
                                     delete=False) as datei:
        zwischen = Path(datei.name)
    try:
        if (quelle := _sqlite_datei(url)) is not None:
            _sqlite_kopieren(quelle, zwischen)
            _sqlite_pruefen(zwischen)
        else:
            _ausfuehren([_werkzeug("pg_dump"), "--format=custom", "--no-owner",
                         f"--file={zwischen}", f"--dbname={_libpq_url(url)}"], "pg_dump")
        os.replace(zwischen, ziel)
    finally:
        zwischen.unlink(missing_ok=True)


def wiederherstellen(engine: Engine, quelle: Path) -> None:
    """Replace the whole database by the backup `quelle`; all or nothing."""
    if not quelle.is_file():
        raise Sicherungsfehler(f"Die Sicherung {quelle} gibt es nicht.")
    url = engine.url
    if (ziel := _sqlite_datei(url)) is not None:
        engine.dispose()  # this process's pooled connections would hold the old state
        _sqlite_pruefen(quelle)
        _sqlite_kopieren(quelle, ziel)
    else:
        _erreichbar(engine)
        engine.dispose()
        _ausfuehren([_werkzeug("pg_restore"), "--clean", "--if-exists", "--no-owner",
                     "--single-transaction", f"--dbname={_libpq_url(url)}", str(quelle)],
                    "pg_restore")
