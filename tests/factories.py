"""Test data builders on top of the services, so tests write data the way the app does."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

from wrm.db import db
from wrm.models import Art, Kommune, Landkreis, Verteilzeitraum
from wrm.services import meldungen
from wrm.services.kommunen import landkreis_holen
from wrm.services.verteilzeitraeume import quote_setzen, zeitraum_eroeffnen

ZAHLEN = {
    "zuweisungen": 10, "ankuenfte": 8, "keine_quotenanrechnung": 0,
    "moegliche_quotenanrechnung": None, "in_gemeinschaftsunterkuenften": 3,
    "dezentral_untergebracht": 5, "verfuegbar_gemeinschaftsunterkunft": 2,
    "verfuegbar_dezentral": 4, "in_aussicht_gemeinschaftsunterkunft": 0,
    "in_aussicht_dezentral": 1, "lage": "ausreichend",
}


def landkreis(name: str = "Landkreis Osnabrück") -> Landkreis:
    """The (default) Landkreis, created when missing."""
    return landkreis_holen(db.session, name=name)


def kommune(name: str = "Kommune A", *, kreis: Landkreis | None = None, **felder: Any) -> Kommune:
    """A new Kommune."""
    neu = Kommune(landkreis=kreis or landkreis(), name=name, art=felder.pop("art", Art.GEMEINDE),
                  **felder)
    db.session.add(neu)
    db.session.flush()
    return neu


def zeitraum(beginn: date, *, kreis: Landkreis | None = None, **felder: Any) -> Verteilzeitraum:
    """A distribution period starting at `beginn`."""
    return zeitraum_eroeffnen(db.session, landkreis=kreis or landkreis(), beginn=beginn, **felder)


def quote(k: Kommune, z: Verteilzeitraum, wert: int | None, *, um: datetime | None = None) -> None:
    """Set a quota."""
    quote_setzen(db.session, kommune=k, zeitraum=z, wert=wert, zeitpunkt=um)


def meldung(k: Kommune, *, um: datetime | None = None, **werte: Any) -> None:
    """Save a report for the Kommune (defaults from `ZAHLEN`), at the current version."""
    version = k.meldung.version if k.meldung is not None else 0
    meldungen.speichern(db.session, kommune=k, werte={**ZAHLEN, **werte}, version=version,
                        benutzer_name="Test", zeitpunkt=um)


def zufallsdaten(zufall: random.Random) -> None:
    """Kommunen with quotas and reports changing over the last 60 days."""
    zeitraum_ = zeitraum(date(2020, 1, 1))
    beginn = datetime.now(UTC) - timedelta(days=60)
    for nummer in range(zufall.randint(3, 25)):
        k = kommune(f"Zufall {nummer:02d}")
        zeitpunkte = sorted(beginn + timedelta(hours=zufall.randint(0, 60 * 24))
                            for _ in range(zufall.randint(0, 4)))
        if zufall.random() < 0.9:
            quote(k, zeitraum_, zufall.randint(0, 400), um=beginn)
        for zeitpunkt in zeitpunkte:
            zahl = lambda: None if zufall.random() < 0.15 else zufall.randint(0, 300)  # noqa: E731
            zuweisungen = zufall.randint(0, 400)
            werte = {name: zahl() for name in ZAHLEN if name != "lage"}
            werte.update(zuweisungen=zuweisungen, ankuenfte=zufall.randint(0, zuweisungen),
                         lage=zufall.choice(["ausreichend", "kritisch"]))
            meldung(k, um=zeitpunkt, **werte)
            if zufall.random() < 0.3:
                quote(k, zeitraum_, zufall.randint(0, 400), um=zeitpunkt + timedelta(hours=1))
    db.session.commit()
