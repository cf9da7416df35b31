"""What a read-only figures screen takes from its request: the user, the `?stichtag=`, and the
figures of the Kommunen in the user's row scope then."""

from __future__ import annotations

from datetime import date

from flask import abort, request

from admin.base import angemeldeter_benutzer
from wrm import berechtigungen
from wrm.berechtigungen import Aktion
from wrm.db import db
from wrm.models import Benutzer, Kommune
from wrm.services.pruefung import stichtag_pruefen
from wrm.services.stand import Stand, staende
from wrm.zeit import heute


def benutzer() -> Benutzer:
    """The logged-in user of a screen that is only reached logged in."""
    angemeldet = angemeldeter_benutzer()
    assert angemeldet is not None  # is_accessible
    return angemeldet


def stichtag() -> date | None:
    """The `?stichtag=` of the request; None for today. A malformed or future day is a 400."""
    text = request.args.get("stichtag", "").strip()
    if not text:
        return None
    try:
        tag = date.fromisoformat(text)
    except ValueError:
        abort(400, "Der Stichtag muss ein Datum im Format JJJJ-MM-TT sein.")
    if grund := stichtag_pruefen(tag, heute=heute()):
        abort(400, grund)
    return None if tag == heute() else tag


def stand(benutzer: Benutzer, stichtag: date | None, kommune_id: int | None = None
          ) -> list[Stand]:
    """The `Stand` of the Kommunen in the user's row scope (or of one), now or at `stichtag`."""
    return staende(db.session, landkreis=benutzer.landkreis, stichtag=stichtag,
                   sichtbar=berechtigungen.bereich(benutzer, Kommune, Aktion.LESEN),
                   kommune_id=kommune_id)
