"""API tokens: issue (shown once), check, revoke."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session, joinedload, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from wrm.db import jetzt
from wrm.models import Benutzer, Landkreis, Token
from wrm.namen import name_bereinigen
from wrm.services.pruefung import Validierungsfehler

PRAEFIX = "wrm_"
STEMPEL_ABSTAND = timedelta(hours=1)


def token_hash(klartext: str) -> str:
    """What is stored of a token: its SHA-256, hex."""
    return hashlib.sha256(klartext.encode()).hexdigest()


def token_anlegen(session: Session, *, benutzer: Benutzer, name: str = "") -> tuple[Token, str]:
    """Issue a token for the user; returns it and its clear text, which is never stored."""
    if not benutzer.aktiv:
        raise Validierungsfehler({"benutzer": f"Der Benutzer {benutzer.name} ist deaktiviert."})
    klartext = PRAEFIX + secrets.token_urlsafe(32)
    token = Token(benutzer=benutzer, name=name_bereinigen(name) or "API", hash=token_hash(klartext))
    session.add(token)
    session.flush()
    return token, klartext


def token_pruefen(session: Session, klartext: str, *, zeitpunkt: datetime | None = None
                  ) -> Benutzer | None:
    """The active user a valid token belongs to, else None; records when it was last used."""
    if not klartext.startswith(PRAEFIX):
        return None
    # The user's Landkreis comes along: every read starts from it (one round trip less).
    token = session.scalar(select(Token).where(Token.hash == token_hash(klartext))
                           .options(joinedload(Token.benutzer).joinedload(Benutzer.landkreis)))
    if token is None or not token.gueltig:
        return None
    zeitpunkt = zeitpunkt or jetzt()
    # Stamped at most hourly: a write on every read would cost more than the read itself.
    if token.zuletzt_benutzt is None or zeitpunkt - token.zuletzt_benutzt > STEMPEL_ABSTAND:
        token.zuletzt_benutzt = zeitpunkt
    return token.benutzer


@dataclass(frozen=True)
class Abbild:
    """The columns of a user whose token was checked, and of the user's Landkreis: enough to
    bring both back into a later request's session without a query (`zurueckholen`)."""

    benutzer: dict[str, Any]
    landkreis: dict[str, Any]


def _spalten(objekt: Any) -> dict[str, Any]:
    return {spalte.key: getattr(objekt, spalte.key)
            for spalte in inspect(type(objekt)).column_attrs}


def abbilden(benutzer: Benutzer) -> Abbild:
    """The snapshot of a checked user (see `Abbild`)."""
    return Abbild(_spalten(benutzer), _spalten(benutzer.landkreis))


def zurueckholen(session: Session, abbild: Abbild) -> Benutzer:
    """The user of a snapshot as a record of `session`, as if loaded from the database, without
    a query. Only for a snapshot whose facts cannot have changed since: the caller keys it by
    the data version, which revoking a token or changing a user bumps."""
    kreis = Landkreis(**abbild.landkreis)
    benutzer = Benutzer(**abbild.benutzer)
    # No history: the records are as stored, so nothing is written back.
    set_committed_value(benutzer, "landkreis", kreis)
    for objekt in (kreis, benutzer):
        make_transient_to_detached(objekt)
    return session.merge(benutzer, load=False)


def tokens_widerrufen(session: Session, *, benutzer: Benutzer, name: str | None = None,
                      token_id: int | None = None) -> list[Token]:
    """Revoke the user's valid tokens (all, or those with this name or id); returns them."""
    abfrage = select(Token).where(Token.benutzer_id == benutzer.id, Token.widerrufen_am.is_(None))
    if name is not None:
        abfrage = abfrage.where(Token.name == name_bereinigen(name))
    if token_id is not None:
        abfrage = abfrage.where(Token.id == token_id)
    widerrufen = list(session.scalars(abfrage.order_by(Token.id)))
    zeitpunkt = jetzt()
    for token in widerrufen:
        token.widerrufen_am = zeitpunkt
    session.flush()
    return widerrufen


def tokens_von(session: Session, *, benutzer: Benutzer) -> list[Token]:
    """All tokens of the user, newest first (to list them; the clear text is unknown)."""
    return list(session.scalars(
        select(Token).where(Token.benutzer_id == benutzer.id).order_by(Token.id.desc())))
