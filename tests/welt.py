"""A small world for permission tests: two Kommunen with reports, one without, users of each role,
and a second Landkreis that nobody of the first may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tests import factories
from wrm.db import db
from wrm.models import Landkreis, Rolle
from wrm.services.benutzer import benutzer_anlegen

PASSWORT = "sehr-geheim-123"


@dataclass
class Welt:
    """Ids of what `welt_anlegen` created."""

    eigene_meldung: int
    fremde_meldung: int
    eigene_kommune: int
    ohne_meldung: int
    fremder_kreis_kommune: int
    presse: int


def welt_anlegen() -> Welt:
    """Create the world and commit it."""
    kreis = factories.landkreis()
    zeitraum = factories.zeitraum(date(2020, 1, 1))
    eigen = factories.kommune("Kommune Eigen")
    fremd = factories.kommune("Kommune Fremd")
    leer = factories.kommune("Kommune Leer")
    for k in (eigen, fremd, leer):
        factories.quote(k, zeitraum, 40)
    factories.meldung(eigen)
    factories.meldung(fremd, bemerkung="intern: Turnhalle")
    anderer = Landkreis(name="Landkreis Anderswo")
    db.session.add(anderer)
    anderswo = factories.kommune("Fremdort", kreis=anderer)
    for name, rolle, kommune in (("kreis", Rolle.LANDKREIS, None), ("presse", Rolle.PRESSE, None),
                                 ("eigen", Rolle.KOMMUNE, eigen), ("fremd", Rolle.KOMMUNE, fremd)):
        benutzer_anlegen(db.session, name=name, rolle=rolle, kommune=kommune, landkreis=kreis,
                         passwort=PASSWORT)
    presse = benutzer_anlegen(db.session, name="inaktiv", rolle=Rolle.PRESSE, landkreis=kreis,
                              passwort=PASSWORT)
    presse.aktiv = False
    db.session.commit()
    return Welt(eigene_meldung=eigen.meldung.id, fremde_meldung=fremd.meldung.id,  # type: ignore[union-attr]
                eigene_kommune=eigen.id, ohne_meldung=leer.id,
                fremder_kreis_kommune=anderswo.id, presse=presse.id)
