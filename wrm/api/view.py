"""`/graphql`: who is asking (session or bearer token), POST-only operations, GraphiQL gate."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from flask import (
    Request,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from strawberry.flask.views import GraphQLView

# Strawberry's refusal of a malformed request (it comes from its HTTP layer, cross-web).
from strawberry.flask.views import HTTPException as StrawberryHTTPException
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult
from werkzeug.exceptions import RequestEntityTooLarge

from wrm.anzeige import zahl
from wrm.api.cache import NUR_LESEND, Ausweis, schluessel
from wrm.api.context import DATENSTAND, Kontext
from wrm.api.dokumente import DokumentFehler, registry
from wrm.api.fehler import fuer_client, http_grund_deutsch
from wrm.ausfall import DATENBANK_NICHT_VERFUEGBAR
from wrm.db import db
from wrm.fehlerseiten import fehlerantwort
from wrm.models import Benutzer, Rolle
from wrm.models.datenstand import datenstand, ohne_transaktion_lesen
from wrm.services.tokens import STEMPEL_ABSTAND, token_hash, token_pruefen, zurueckholen
from wrm.speicher import Lru
from wrm.zaehler import ANMELDUNG_FEHLGESCHLAGEN, DATENBANKFEHLER

#: GraphiQL's own files under the static folder (installed by scripts/graphiql.sh).
GRAPHIQL_DATEIEN = "graphiql"


def beispiele(rolle: Rolle) -> list[dict[str, str]]:
    """GraphiQL tabs of the saved operations the role may run (the press office's to
    everyone, the county's to the county; none outside a checkout)."""
    ordner = ["presse"] + {Rolle.LANDKREIS: ["landkreis", "kommune"],
                           Rolle.KOMMUNE: ["kommune"]}.get(rolle, [])
    dokumente = list(registry() or [])
    return [{"query": d.text} for name in ordner for d in dokumente
            if d.pfad.split("/")[0] == name]

log = logging.getLogger(__name__)
_NICHT_VERFUEGBAR = "wrm.datenbank_nicht_verfuegbar"
#: The request body as read by the view (see `decode_json`).
_ANFRAGE = "wrm.anfrage"

#: A larger request body is refused before parsing (HTTP 413).
MAX_ANFRAGE_BYTES = 100_000
ZU_GROSS = (f"Die Anfrage ist größer als {zahl(MAX_ANFRAGE_BYTES)} Bytes und wurde nicht "
            "bearbeitet.")


def _bearer() -> str | None:
    """The token of an "Authorization: Bearer …" header; "" for any other scheme; None if none."""
    kopf = request.headers.get("Authorization", "")
    if not kopf:
        return None
    art, _, token = kopf.partition(" ")
    return token.strip() if art.lower() == "bearer" else ""


def _stempeln() -> None:
    """Record when the token was last used, if the database takes writes: a read must not
    fail because of bookkeeping (a read-only or full database still answers reads)."""
    try:
        db.session.commit()
    except DATENBANK_NICHT_VERFUEGBAR as fehler:
        log.warning("Letzte Nutzung des Tokens nicht gespeichert: %s", fehler)
        db.session.rollback()


def _anfrage() -> tuple[Any, DokumentFehler | None]:
    """The JSON body of a POST (None for anything else) with the text of the saved operation
    it names filled in as `query`; or why the document it names cannot be run."""
    if request.method != "POST" or not request.is_json:
        return None, None
    try:
        anfrage = orjson.loads(request.get_data(cache=True))
    except orjson.JSONDecodeError:
        return None, None  # Strawberry answers it (400)
    if not isinstance(anfrage, dict):
        return anfrage, None
    dokumente = registry()
    if dokumente is not None:
        try:
            text = dokumente.text_fuer(anfrage)
        except DokumentFehler as fehler:
            return None, fehler
        if text is not None:
            anfrage["query"] = text
    request.environ[_ANFRAGE] = anfrage
    return anfrage, None


def _anmeldung(token: str | None) -> tuple[Benutzer | None, Response | None]:
    """The user of this request, or the response that refuses it."""
    if token is not None:
        benutzer = token_pruefen(db.session, token) if token else None
        if benutzer is None:
            ANMELDUNG_FEHLGESCHLAGEN.labels("token").inc()
            return None, fehlerantwort(401, "Der Token ist ungültig, widerrufen oder gehört zu "
                                             "einem deaktivierten Benutzer.")
        if db.session.dirty:
            _stempeln()
        return benutzer, None
    if current_user.is_authenticated:
        return current_user._get_current_object(), None  # type: ignore[attr-defined]
    return None, fehlerantwort(401, "Anmeldung erforderlich: angemeldete Sitzung oder "
                                    "„Authorization: Bearer <Token>“ (wrm token anlegen).")


@dataclass(frozen=True)
class Ansichtsspeicher:
    """The view's stores, made with the app (`init_api`) so it can register them. (The
    figures behind the answers are kept by the read model, `wrm.services.lesemodell`.)"""

    #: Answers of read operations (`wrm.api.cache`).
    antworten: Lru
    #: Checked tokens by (hash, data version): revoking a token or deactivating its user bumps
    #: the version, so an entry never outlives the facts it was checked against.
    ausweise: Lru

    @classmethod
    def fuer(cls, groesse: int) -> Ansichtsspeicher:
        """The stores for a response cache of `groesse` entries (0: all off)."""
        return cls(Lru(groesse, "antworten"), Lru(groesse, "anmeldungen"))

    def leeren(self) -> None:
        """Forget every entry of every store (`wrm.zwischenspeicher`)."""
        for speicher in (self.antworten, self.ausweise):
            speicher.leeren()


class WrmGraphQLView(GraphQLView):
    """Strawberry's Flask view with WRM's authentication in front of every operation."""

    init_every_request = False  # one view object serves all requests (it holds the cache)

    def __init__(self, *args: Any, speicher: Ansichtsspeicher, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cache = speicher.antworten
        self.ausweise = speicher.ausweise

    def dispatch_request(self) -> Any:
        """Refuse oversized, anonymous and badly authenticated requests before parsing."""
        if request.method == "GET" and "query" not in request.args:
            return super().dispatch_request()  # GraphiQL page (gated in render_graphql_ide)
        # A chunked body announces no length; Werkzeug stops reading it at the limit without
        # an error, so a body that reaches the limit counts as too large.
        if (request.content_length or 0) >= MAX_ANFRAGE_BYTES or \
                len(request.get_data(cache=True)) >= MAX_ANFRAGE_BYTES:
            raise RequestEntityTooLarge(ZU_GROSS)
        token = _bearer()
        anfrage, abgelehnt = _anfrage()
        cache_an = bool(current_app.config["ANTWORTCACHE"]) and anfrage is not None
        # Until a mutation begins (`NurLesend`), this request reads without a transaction.
        ohne_transaktion_lesen(db.session)
        version = datenstand(db.session) if cache_an else 0
        request.environ[DATENSTAND] = version if cache_an else None
        ausweis = self._bekannt(token, version) if cache_an else None
        if ausweis is not None and abgelehnt is None:  # the fast path: known token, cached answer
            key = schluessel(anfrage, ausweis, version)
            if key is not None and (treffer := self.cache.holen(key)) is not None:
                return Response(treffer, mimetype="application/json")
        if ausweis is not None and ausweis.abbild is not None:
            # Checked at this data version: no query for the token and its user.
            benutzer = zurueckholen(db.session, ausweis.abbild)
        else:
            benutzer, ablehnung = _anmeldung(token)
            if ablehnung is not None:
                return ablehnung
            assert benutzer is not None
            ausweis = Ausweis.von(benutzer)
            if cache_an and token:
                self.ausweise.ablegen((token_hash(token), version), ausweis)
        if abgelehnt is not None:  # after the login: a stranger learns nothing of the documents
            return fehlerantwort(abgelehnt.status, abgelehnt.nachricht, code=abgelehnt.code)
        request.environ["wrm.benutzer"] = benutzer
        key = schluessel(anfrage, ausweis, version) if cache_an else None
        if key is not None and (treffer := self.cache.holen(key)) is not None:
            return Response(treffer, mimetype="application/json")
        try:
            antwort = self.run(request=request)
        except StrawberryHTTPException as fehler:
            return fehlerantwort(fehler.status_code, http_grund_deutsch(fehler.reason))
        if request.environ.get(_NICHT_VERFUEGBAR):
            DATENBANKFEHLER.inc()
            antwort.status_code = 503
        if key is not None and getattr(antwort, "status_code", None) == 200 and \
                request.environ.get(NUR_LESEND):
            inhalt = antwort.get_data()
            if b'"errors"' not in inhalt:  # answers with errors are not worth keeping
                self.cache.ablegen(key, inhalt)
        return antwort

    def _bekannt(self, token: str | None, version: int) -> Ausweis | None:
        """A login checked at this data version within the last hour (then stamped again)."""
        if not token:
            return None
        ausweis = self.ausweise.holen((token_hash(token), version))
        if ausweis is None or time.time() - ausweis.geprueft > STEMPEL_ABSTAND.total_seconds():
            return None
        return ausweis  # type: ignore[no-any-return]

    def decode_json(self, data: str | bytes) -> object:
        """The request body as the view read it (a saved operation's text filled in), else
        decoded here."""
        gelesen = request.environ.get(_ANFRAGE)
        return gelesen if gelesen is not None else orjson.loads(data)

    def encode_json(self, data: object) -> bytes:
        """The answer as JSON (UTF-8): orjson, because at state scale (27,000 values) the
        standard library's encoder took a tenth of the request."""
        return orjson.dumps(data)

    def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        """Word every error for the client (see `wrm.api.fehler`); note an unavailable
        database, which makes the whole answer a 503."""
        if result.errors:
            result.errors, nicht_verfuegbar = fuer_client(result.errors)
            if nicht_verfuegbar:
                request.environ[_NICHT_VERFUEGBAR] = True
        return super().process_result(request, result)

    def get_context(self, request: Request, response: Response) -> Kontext:  # type: ignore[override]
        """The typed context with the authenticated user."""
        return Kontext(request=request, response=response, session=db.session,
                       benutzer=request.environ.get("wrm.benutzer"))

    def render_graphql_ide(self, request: Request) -> Response:
        """GraphiQL only for logged-in users, and in production only when configured; served
        with its own files (no outside request), the saved operations of the user's role as
        tabs."""
        if not current_app.config["GRAPHIQL"]:
            abort(404)
        if not current_user.is_authenticated:
            return redirect(url_for("anmeldung.login", next=request.path))  # type: ignore[return-value]
        if not (Path(current_app.static_folder or "") / GRAPHIQL_DATEIEN).is_dir():
            abort(503, "GraphiQL ist nicht installiert (scripts/graphiql.sh); die API selbst "
                       "antwortet trotzdem.")
        return Response(render_template("graphiql.html",
                                         beispiele=beispiele(current_user.rolle)),
                        mimetype="text/html")
