"""An invented past for the demo: up to twelve weekly reports per Kommune that lead to the
paper's figures, so charts, past Stichtage, the Prognose and the Verlauf show something to a
new user.

Nothing here is real. Each Kommune's figures are walked back from the paper's row: fewer
allocations and arrivals the further back (each Kommune at its own pace), the free places
larger by the persons who moved in since, the prospects varying a little. A Kommune now and
then skips a week. Fields the paper leaves empty stay empty. Fixed random seeds: every demo has
the same past, relative to the day it is loaded.
"""

from __future__ import annotations

import csv
import io
import random
import zlib
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session

from wrm import kennzahlen
from wrm.models import Kommune
from wrm.services import meldungen
from wrm.zeit import ZEITZONE

#: Weeks of invented past before today's (the paper's) figures: the charts show twelve weeks.
WOCHEN = 12
#: How often a Kommune reports in a week of the invented past.
MELDEQUOTE = 0.85
#: A Bedarf above this makes an invented report say "kritisch".
KRITISCH_AB = 15

Werte = dict[str, int | str | None]


def papierzeilen(inhalt: bytes) -> dict[str, Werte]:
    """The rows of the demo's report file (`;`, the paper's columns) by Kommune: numbers as
    int, empty cells as None."""
    zeilen = {}
    for zeile in csv.DictReader(io.StringIO(inhalt.decode("utf-8-sig")), delimiter=";"):
        werte: Werte = {}
        for name, text in zeile.items():
            if text == "":
                werte[name] = None
            else:
                werte[name] = text if name in ("kommune", "lage") else int(text)
        zeilen[str(werte["kommune"])] = werte
    return zeilen


def _skaliert(wert: int | str | None, faktor: float) -> int | None:
    return None if wert is None else round(int(wert) * faktor)


def _mehr(wert: int | str | None, um: int) -> int | None:
    return None if wert is None else max(int(wert) + um, 0)


def werte_vor(heute_: Werte, *, wochen: int, tempo: float, zufall: random.Random) -> Werte:
    """A Kommune's invented report `wochen` weeks before the paper's row `heute_`.

    `tempo`: the share of today's allocations that came within the twelve weeks."""
    faktor = 1 - tempo * wochen / WOCHEN
    werte: Werte = {name: heute_.get(name) for name in meldungen.MELDUNGSFELDER
                    if name != "bemerkung"}
    for name in ("zuweisungen", "ankuenfte", "keine_quotenanrechnung",
                 "in_gemeinschaftsunterkuenften", "dezentral_untergebracht"):
        werte[name] = _skaliert(heute_.get(name), faktor)
    if werte["ankuenfte"] is not None and werte["zuweisungen"] is not None:
        werte["ankuenfte"] = min(werte["ankuenfte"], werte["zuweisungen"])  # type: ignore[type-var]
    # Who moved in since then was still a free place then.
    eingezogen_gu = (_null(heute_.get("in_gemeinschaftsunterkuenften"))
                     - _null(werte["in_gemeinschaftsunterkuenften"]))
    eingezogen_dez = (_null(heute_.get("dezentral_untergebracht"))
                      - _null(werte["dezentral_untergebracht"]))
    werte["verfuegbar_gemeinschaftsunterkunft"] = _mehr(
        heute_.get("verfuegbar_gemeinschaftsunterkunft"), eingezogen_gu)
    # Flats were rented as people came: only half of those who moved in found one free.
    werte["verfuegbar_dezentral"] = _mehr(heute_.get("verfuegbar_dezentral"), eingezogen_dez // 2)
    for name in ("in_aussicht_gemeinschaftsunterkunft", "in_aussicht_dezentral"):
        wert = heute_.get(name)
        if wert is not None:
            werte[name] = _mehr(wert, zufall.randint(-int(wert) // 5, int(wert) // 5 + 2))
    zu_erfuellen = kennzahlen.zu_erfuellen(_zahl(heute_.get("aufnahmequote")),
                                           _zahl(werte["zuweisungen"]))
    bedarf = kennzahlen.bedarf(zu_erfuellen, *(_zahl(werte[n]) for n in (
        "verfuegbar_gemeinschaftsunterkunft", "verfuegbar_dezentral",
        "in_aussicht_gemeinschaftsunterkunft", "in_aussicht_dezentral")))
    werte["lage"] = "kritisch" if bedarf is not None and bedarf > KRITISCH_AB else "ausreichend"
    return werte


def _null(wert: int | str | None) -> int:
    return 0 if wert is None else int(wert)


def _zahl(wert: int | str | None) -> int | None:
    return None if wert is None else int(wert)


def verlauf_anlegen(session: Session, *, kommunen: Mapping[str, Kommune],
                    zeilen: Mapping[str, Werte], bis: date,
                    melder: Mapping[str, str]) -> int:
    """Save the invented weekly reports of every Kommune in the twelve weeks before the day
    `bis`, oldest first, each in the name of its Kommune's demo login (`melder`); returns how
    many. Caller commits."""
    plaene = []
    for name, kommune in kommunen.items():
        zufall = random.Random(zlib.crc32(name.encode()))
        tempo = zufall.uniform(0.25, 0.55)
        heute_ = meldungen.normalisieren(zeilen[name])
        for wochen in range(WOCHEN, 0, -1):
            if zufall.random() > MELDEQUOTE:
                continue
            # Office hours on one of the days before the week's end.
            tag = bis - timedelta(weeks=wochen, days=zufall.randint(0, 4))
            zeitpunkt = datetime.combine(tag, time(zufall.randint(8, 16), zufall.randint(0, 59)),
                                         tzinfo=ZEITZONE)
            werte = werte_vor(zeilen[name], wochen=wochen, tempo=tempo, zufall=zufall)
            # A past equal to today (a Kommune with nothing to report) would make today's
            # import no change, and its report look old.
            if meldungen.normalisieren(werte) != heute_:
                plaene.append((zeitpunkt, kommune, werte))
    plaene.sort(key=lambda plan: plan[0])
    for zeitpunkt, kommune, werte in plaene:
        version = kommune.meldung.version if kommune.meldung is not None else 0
        meldungen.speichern(session, kommune=kommune, werte=werte, version=version,
                            benutzer_name=melder[kommune.name], zeitpunkt=zeitpunkt)
    return len(plaene)
