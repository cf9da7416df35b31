"""Benchmark data: a whole country (≈ 400 Landkreise × ≈ 27 Kommunen) with a year of history.

Written with bulk inserts on the real schema (created by the migrations), so every query of the
application runs on it as in production.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Engine, func, insert, select

from wrm.meldefelder import ZAHLENNAMEN
from wrm.models import (
    Aufnahmequote,
    Kommune,
    Landkreis,
    Meldung,
    Quotenaenderung,
    Verlaufseintrag,
    Verteilzeitraum,
)

_STAPEL = 20_000


@dataclass(frozen=True)
class Umfang:
    """How big the country is."""

    landkreise: int
    kommunen_je_kreis: int
    tage: int


BUND = Umfang(landkreise=400, kommunen_je_kreis=27, tage=365)
KLEIN = Umfang(landkreise=40, kommunen_je_kreis=27, tage=90)


def _schreiben(verbindung, tabelle, zeilen: list[dict]) -> None:  # type: ignore[no-untyped-def]
    for anfang in range(0, len(zeilen), _STAPEL):
        verbindung.execute(insert(tabelle), zeilen[anfang:anfang + _STAPEL])


def _zahlen(zufall: random.Random, alt: dict | None) -> dict:
    """A plausible report, drifting from the previous one."""
    if alt is None:
        zuweisungen = zufall.randint(0, 300)
        werte = {name: zufall.randint(0, 60) for name in ZAHLENNAMEN}
        werte.update(zuweisungen=zuweisungen, ankuenfte=zufall.randint(0, zuweisungen))
    else:
        werte = {name: max(0, (alt[name] or 0) + zufall.randint(-3, 3)) for name in ZAHLENNAMEN}
        werte["zuweisungen"] = alt["zuweisungen"] + zufall.randint(0, 3)
        werte["ankuenfte"] = min(werte["ankuenfte"], werte["zuweisungen"])
    werte["lage"] = "kritisch" if zufall.random() < 0.2 else "ausreichend"
    return werte


def _hoechste_id(verbindung, modell) -> int:  # type: ignore[no-untyped-def]
    return verbindung.execute(select(func.max(modell.id))).scalar() or 0


def erzeugen(motor: Engine, umfang: Umfang, *, bis: date, saat: int = 1) -> int:
    """Fill an empty, migrated database; returns the number of history entries written."""
    zufall = random.Random(saat)
    beginn = bis - timedelta(days=umfang.tage)
    start = datetime.combine(beginn, time(8), tzinfo=UTC)
    with motor.begin() as verbindung:
        # After whatever `wrm init` created (the default Landkreis).
        basis = max(_hoechste_id(verbindung, t) for t in (Landkreis, Verteilzeitraum))
        kreise = range(basis + 1, basis + umfang.landkreise + 1)
        _schreiben(verbindung, Landkreis.__table__, [
            {"id": lk, "name": f"Landkreis {lk:03d}"} for lk in kreise])
        _schreiben(verbindung, Verteilzeitraum.__table__, [
            {"id": lk, "landkreis_id": lk, "name": "Bundesweit", "beginn": beginn, "ende": None}
            for lk in kreise])
        kommunen, quoten, quotenaenderungen, eintraege, meldungen = [], [], [], [], []
        orte = random.Random(saat + 1)
        kommune_id = _hoechste_id(verbindung, Kommune)
        for lk in kreise:
            for nummer in range(umfang.kommunen_je_kreis):
                kommune_id += 1
                # Invented places within Germany's bounding box (own generator, so the figures
                # stay those of earlier runs): the redistribution proposal needs distances.
                kommunen.append({"id": kommune_id, "landkreis_id": lk, "art": "Gemeinde",
                                 "name": f"Kommune {lk:03d}-{nummer:02d}", "aktiv": True,
                                 "angelegt_am": start - timedelta(days=1),
                                 "breitengrad": orte.uniform(47.3, 55.0),
                                 "laengengrad": orte.uniform(5.9, 15.0)})
                quote = zufall.randint(50, 400)
                quoten.append({"kommune_id": kommune_id, "verteilzeitraum_id": lk, "wert": quote})
                quotenaenderungen.append({"kommune_id": kommune_id, "verteilzeitraum_id": lk,
                                          "zeitpunkt": start, "alt": None, "wert": quote})
                werte, tag, version = None, 0, 0
                while tag < umfang.tage:
                    werte, version = _zahlen(zufall, werte), version + 1
                    zeitpunkt = start + timedelta(days=tag, minutes=zufall.randint(0, 600))
                    eintraege.append({"kommune_id": kommune_id, "zeitpunkt": zeitpunkt,
                                      "benutzer_name": "Generator", "vorgang": "geaendert",
                                      "version": version, "aenderungen": {}, **werte})
                    tag += zufall.randint(1, 3)
                meldungen.append({"kommune_id": kommune_id, "stand": eintraege[-1]["zeitpunkt"],
                                  "gemeldet_von_name": "Generator", "version": version, **werte})
        for tabelle, zeilen in ((Kommune.__table__, kommunen), (Aufnahmequote.__table__, quoten),
                                (Quotenaenderung.__table__, quotenaenderungen),
                                (Verlaufseintrag.__table__, eintraege),
                                (Meldung.__table__, meldungen)):
            _schreiben(verbindung, tabelle, zeilen)
    with motor.begin() as verbindung:
        # Planner statistics, as autovacuum (PostgreSQL) or a maintenance job would keep them.
        verbindung.exec_driver_sql("ANALYZE")
    return len(eintraege)
