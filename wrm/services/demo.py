"""Demo data: the paper's 21 anonymous Kommunen with their figures and an invented past, a
period, and demo logins."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from wrm.models import Benutzer, Kommune, Landkreis, Rolle
from wrm.services.benutzer import benutzer_anlegen
from wrm.services.demo_unterkuenfte import demo_unterkuenfte_laden
from wrm.services.demo_verlauf import WOCHEN, papierzeilen, verlauf_anlegen
from wrm.services.importe import meldungen_importieren
from wrm.services.kommunen import kommunen_importieren, paketdatei
from wrm.services.verteilzeitraeume import quote_setzen, zeitraum_eroeffnen
from wrm.zeit import heute, tagesbeginn

DEMO_PASSWORT = "demo-wrm-2026"


def _login_name(kommune: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", kommune.casefold()).strip("-")


def demo_laden(session: Session, *, landkreis: Landkreis) -> list[tuple[str, str, str]]:
    """Load the demo into an empty Landkreis; returns the logins as (name, rolle, kommune).

    Today's figures are the paper's anonymous rows ("Kommune A" … "Kommune U"), placed at
    invented coordinates; they are never attached to the real Kommunen of the county. Before
    them lie twelve weeks of invented weekly reports (`demo_verlauf`); a few Kommunen keep an
    invented accommodation list that sums to their figures (`demo_unterkuenfte`). Caller
    commits.
    """
    tag = heute()
    # The period began before the invented past (`demo_verlauf`), so every week of it has
    # the quotas it is measured against.
    zeitraum = zeitraum_eroeffnen(session, landkreis=landkreis,
                                  beginn=tag - timedelta(weeks=WOCHEN, days=7),
                                  ende=tag + timedelta(days=120), name="Demo-Verteilzeitraum")
    kommunen_importieren(session, inhalt=paketdatei("demo_kommunen.csv"), landkreis=landkreis)
    kommunen = session.scalars(
        select(Kommune).where(Kommune.landkreis_id == landkreis.id).order_by(Kommune.id)
    ).all()
    papier = papierzeilen(paketdatei("demo_uebersicht.csv"))
    beginn = tagesbeginn(zeitraum.beginn)
    for kommune in kommunen:
        kommune.angelegt_am = beginn  # taking part since the period began: its past counts
        quote_setzen(session, kommune=kommune, zeitraum=zeitraum,
                     wert=papier[kommune.name]["aufnahmequote"],  # type: ignore[arg-type]
                     benutzer_name="Demo", zeitpunkt=beginn)
    verlauf_anlegen(session, kommunen={k.name: k for k in kommunen}, zeilen=papier, bis=tag,
                    melder={k.name: _login_name(k.name) for k in kommunen})
    # Today's figures: the paper's.
    meldungen_importieren(session, inhalt=paketdatei("demo_uebersicht.csv"),
                          landkreis=landkreis, anlegen=True)
    demo_unterkuenfte_laden(session, landkreis=landkreis, kommunen={k.name: k for k in kommunen},
                            zeilen=papier, heute_=tag)
    logins = [("landkreis", Rolle.LANDKREIS, None), ("presse", Rolle.PRESSE, None)]
    logins += [(_login_name(k.name), Rolle.KOMMUNE, k) for k in kommunen]
    for name, rolle, kommune in logins:
        benutzer_anlegen(session, name=name, rolle=rolle, kommune=kommune,
                         landkreis=landkreis, passwort=DEMO_PASSWORT)
    return demo_logins(session, landkreis=landkreis)


def demo_logins(session: Session, *, landkreis: Landkreis) -> list[tuple[str, str, str]]:
    """The demo users that exist in the Landkreis, as (name, rolle, kommune)."""
    benutzer = session.scalars(
        select(Benutzer).where(Benutzer.landkreis_id == landkreis.id)
        .order_by(Benutzer.kommune_id.is_not(None), Benutzer.kommune_id, Benutzer.id)
    ).all()
    demo = [b for b in benutzer if b.name in ("landkreis", "presse")
            or (b.kommune is not None and b.name == _login_name(b.kommune.name))]
    return [(b.name, b.rolle.value, b.kommune.name if b.kommune else "") for b in demo]


def anzahl_kommunen(logins: list[tuple[str, str, str]]) -> int:
    """How many Kommunen the logins cover."""
    return len({kommune for _, _, kommune in logins if kommune})
