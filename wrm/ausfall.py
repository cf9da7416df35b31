"""Failures of the database itself (down, full, read-only, locked, out of connections), as
opposed to errors in what was asked of it, and their cause in German words."""

from __future__ import annotations

from sqlalchemy import exc as sql

#: PostgreSQL's read-only transactions and SQLite's "disk is full" / "readonly database" are
#: OperationalError or InternalError.
DATENBANK_NICHT_VERFUEGBAR = (sql.OperationalError, sql.InternalError, sql.TimeoutError,
                              sql.DisconnectionError)

# What the drivers (psycopg, sqlite3) say, lower case, and the cause as an operator reads it.
_URSACHEN = (
    (("connection refused",), "Verbindung abgelehnt"),
    (("could not translate host name", "name or service not known",
      "nodename nor servname"), "Rechnername unbekannt"),
    (("timeout", "timed out"), "Zeitüberschreitung"),
    (("password authentication failed", "no pg_hba.conf entry", "authentication failed"),
     "Anmeldung an der Datenbank abgelehnt"),
    (("does not exist",), "Datenbank oder Rolle existiert nicht"),
    (("read-only", "readonly"), "Datenbank ist nur lesbar"),
    (("disk is full", "no space left", "could not extend file"), "Speicherplatz voll"),
    (("unable to open database file",), "Datenbankdatei lässt sich nicht öffnen"),
    (("database is locked",), "Datenbank ist durch einen anderen Schreibvorgang gesperrt"),
    (("too many clients", "too many connections", "remaining connection slots"),
     "zu viele Verbindungen"),
    (("terminating connection", "server closed the connection", "connection is closed"),
     "Verbindung wurde getrennt"),
)


def datenbankausfall(fehler: BaseException) -> BaseException | None:
    """The database failure behind `fehler` (itself or what caused it), or None."""
    gesehen: set[int] = set()
    while fehler is not None and id(fehler) not in gesehen:
        if isinstance(fehler, DATENBANK_NICHT_VERFUEGBAR):
            return fehler
        gesehen.add(id(fehler))
        fehler = fehler.__cause__ or fehler.__context__  # type: ignore[assignment]
    return None


def ursache(fehler: BaseException) -> str:
    """The cause of a database failure in German ("Verbindung abgelehnt"); for a cause not
    known here, the driver's first line, so the operator still learns it."""
    original = getattr(fehler, "orig", None) or fehler
    text = str(original).strip()
    klein = text.lower()
    if "no such column" in klein or "no such table" in klein or (
            klein.startswith(("column ", "relation ")) and "does not exist" in klein):
        # A schema older than the code (a new version installed, `wrm init` not yet run).
        return "Datenbankschema veraltet, bitte „wrm init“ ausführen"
    for muster, wort in _URSACHEN:
        if any(m in klein for m in muster):
            return wort
    erste_zeile = text.splitlines()[0] if text else type(original).__name__
    return f"unbekannte Ursache ({erste_zeile[:200]})"
