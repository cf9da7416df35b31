"""The national summary equals each Landkreis' own Auswertung, at any Stichtag."""

from __future__ import annotations

import random
from datetime import timedelta

from tests import factories
from wrm.db import db
from wrm.models import Landkreis
from wrm.services.auswertung import auswertung, bundesweit_am
from wrm.zeit import heute


def test_national_summary_equals_every_county(ctx: None) -> None:
    zufall = random.Random(7)
    factories.zufallsdaten(zufall)
    anderer = Landkreis(name="Landkreis Zwei")
    db.session.add(anderer)
    db.session.flush()
    zeitraum = factories.zeitraum(heute() - timedelta(days=400), kreis=anderer)
    for nummer in range(4):
        kommune = factories.kommune(f"Zwei {nummer}", kreis=anderer)
        factories.quote(kommune, zeitraum, 100 + nummer)
        factories.meldung(kommune, zuweisungen=20 + nummer)
    ohne = Landkreis(name="Landkreis ohne Verteilzeitraum")
    db.session.add(ohne)
    db.session.flush()
    factories.meldung(factories.kommune("Drei 1", kreis=ohne), zuweisungen=9)
    db.session.commit()
    assert bundesweit_am(db.session, stichtag=heute())[ohne.id].gesamt_verfuegbar == 7
    for stichtag in (heute(), heute() - timedelta(days=30), heute() - timedelta(days=90)):
        bund = bundesweit_am(db.session, stichtag=stichtag)
        for kreis in db.session.query(Landkreis):
            erwartet = auswertung(db.session, landkreis=kreis, stichtag=stichtag)
            if erwartet.zeilen:
                assert bund[kreis.id] == erwartet.zusammenfassung, (kreis.name, stichtag)
            else:
                assert kreis.id not in bund
