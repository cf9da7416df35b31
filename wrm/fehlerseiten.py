"""Error answers in German: a page for the screens, JSON with `extensions.code` for the API.

A database that is down, full or read-only is not a bug but a state that passes: it answers
503 with "nothing was saved", the connection is discarded, and the next request tries again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import Flask, Response, current_app, jsonify, request
from sqlalchemy import exc as sql
from werkzeug.exceptions import HTTPException, InternalServerError

from wrm.ausfall import DATENBANK_NICHT_VERFUEGBAR
from wrm.db import db
from wrm.zaehler import DATENBANKFEHLER

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Fehlertext:
    """Title, explanation and API code of an HTTP status."""

    titel: str
    text: str
    code: str


NICHT_GESPEICHERT = "Es wurde nichts gespeichert."

TEXTE: dict[int, Fehlertext] = {
    400: Fehlertext("Ungültige Anfrage", "Die Anfrage konnte nicht verarbeitet werden.",
                    "BAD_REQUEST"),
    401: Fehlertext("Anmeldung erforderlich", "Bitte melden Sie sich an.", "UNAUTHENTICATED"),
    403: Fehlertext("Kein Zugriff", "Ihre Rolle darf diese Seite nicht aufrufen.", "FORBIDDEN"),
    404: Fehlertext("Nicht gefunden", "Diese Seite oder dieser Datensatz existiert nicht oder "
                    "ist für Sie nicht sichtbar.", "NOT_FOUND"),
    405: Fehlertext("Nicht erlaubt", "Diese Seite kann so nicht aufgerufen werden.",
                    "METHOD_NOT_ALLOWED"),
    413: Fehlertext("Anfrage zu groß", "Die gesendeten Daten sind größer als erlaubt. "
                    + NICHT_GESPEICHERT, "PAYLOAD_TOO_LARGE"),
    429: Fehlertext("Zu viele Anfragen", "Bitte warten Sie einen Moment und versuchen Sie es "
                    "dann erneut.", "TOO_MANY_REQUESTS"),
    500: Fehlertext("Interner Fehler", "Ein unerwarteter Fehler ist aufgetreten und wurde "
                    "protokolliert. Bitte versuchen Sie es erneut.", "INTERNAL_SERVER_ERROR"),
    503: Fehlertext("Vorübergehend nicht verfügbar", "Die Datenbank ist vorübergehend nicht "
                    "erreichbar oder nimmt keine Änderungen an. " + NICHT_GESPEICHERT
                    + " Bitte versuchen Sie es in einigen Minuten erneut.",
                    "SERVICE_UNAVAILABLE"),
}



def ist_api() -> bool:
    """Whether the request is for the GraphQL API (which answers JSON)."""
    return request.path.rstrip("/") == "/graphql"


def _im_layout(status: int, titel: str, text: str) -> str | None:
    """The error page in the application's layout, with the menu of the logged-in user and a
    way back; None when nobody is logged in (then the plain page with the login link)."""
    from flask_login import current_user

    from wrm.sicherheit import sicheres_ziel

    try:
        if not current_user.is_authenticated:
            return None
        verwaltung = current_app.extensions["admin"][0]
        herkunft = request.referrer or ""
        # Only a page of this site, and not the failed one itself.
        zurueck = sicheres_ziel(herkunft.removeprefix(request.host_url.rstrip("/")), "")
        return str(verwaltung.index_view.render(
            "admin/fehler.html", status=status, titel=titel, text=text,
            zurueck=zurueck if zurueck and zurueck != request.full_path.rstrip("?") else None))
    except Exception:  # noqa: BLE001 - an error page must never fail; the plain one remains
        log.exception("Fehlerseite %s im Layout nicht darstellbar", status)
        _zuruecksetzen()
        return None


def fehlerantwort(status: int, text: str | None = None, *, code: str | None = None) -> Response:
    """The German error answer of a status: JSON for the API, the error page otherwise."""
    eintrag = TEXTE.get(status, TEXTE[500] if status >= 500 else TEXTE[400])
    text = text or eintrag.text
    if ist_api():
        antwort = jsonify({"data": None, "errors": [
            {"message": text, "extensions": {"code": code or eintrag.code}}]})
    # 503 means the database failed: the layout would load the user from it, so it stays plain.
    elif status != 503 and (seite := _im_layout(status, eintrag.titel, text)) is not None:
        antwort = Response(seite, mimetype="text/html")
    else:
        # Rendered without Flask's context processors: Flask-Login's would load the user from
        # the database, which may be what failed.
        seite = current_app.jinja_env.get_template("fehler.html").render(
            status=status, titel=eintrag.titel, text=text)
        antwort = Response(seite, mimetype="text/html")
    antwort.status_code = status
    return antwort


def _http_fehler(fehler: HTTPException) -> Response:
    status = fehler.code or 500
    # Our own abort(…, "German text") carries a description; Werkzeug's defaults are English.
    eigener_text = fehler.description if fehler.description != type(fehler).description else None
    antwort = fehlerantwort(status, eigener_text)
    for name, wert in fehler.get_headers():
        if name.lower() not in ("content-type", "content-length"):
            antwort.headers[name] = wert
    return antwort


def _zuruecksetzen() -> None:
    try:
        db.session.rollback()
    except sql.SQLAlchemyError:
        db.session().invalidate()


def datenbank_nicht_verfuegbar(fehler: Exception) -> Response:
    """503: the database is down, full or read-only; nothing was saved; retry later.

    The connection is discarded, not returned to the pool: one opened while the database was
    read-only (SQLite) or in a read-only transaction mode (PostgreSQL) would stay so, and the
    next request would fail again after the database recovered.
    """
    log.error("Datenbank nicht verfügbar: %s", fehler)
    DATENBANKFEHLER.inc()
    db.session().invalidate()
    return fehlerantwort(503)


def _interner_fehler(fehler: InternalServerError) -> Response:
    ursprung = fehler.original_exception
    if isinstance(ursprung, DATENBANK_NICHT_VERFUEGBAR):
        return datenbank_nicht_verfuegbar(ursprung)
    _zuruecksetzen()
    return fehlerantwort(500)


def init_fehlerseiten(app: Flask) -> None:
    """Register the German error answers."""
    app.register_error_handler(HTTPException, _http_fehler)
    app.register_error_handler(InternalServerError, _interner_fehler)
    for klasse in DATENBANK_NICHT_VERFUEGBAR:
        app.register_error_handler(klasse, datenbank_nicht_verfuegbar)
