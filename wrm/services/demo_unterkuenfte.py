"""Invented accommodation lists for a few demo Kommunen, whose sums are exactly their paper
figures (6)–(11), so the report of those Kommunen can come from the list without changing a
figure; and one fully occupied interim shelter of the county, which adds no free place (the
paper's Auswertung, fehlend −407, stays exact). Names are invented and carry no address."""

from __future__ import annotations

import random
import zlib
from collections.abc import Iterator, Mapping
from datetime import date, timedelta

from sqlalchemy.orm import Session

from wrm.models import Kommune, Landkreis, Meldequelle
from wrm.services import unterkuenfte as dienst

#: The demo Kommunen that keep a list (the others type their figures, as the paper's did).
MIT_LISTE = ("Kommune A", "Kommune C", "Kommune M", "Kommune R")
SYSTEM = "Demo"


def _teile(summe: int, zufall: random.Random, klein: int, gross: int) -> list[int]:
    """`summe` split into parts between `klein` and `gross` (the last may be smaller)."""
    teile = []
    while summe > 0:
        teil = min(summe, zufall.randint(klein, gross))
        teile.append(teil)
        summe -= teil
    return teile


def _gemeinschaft(belegt: int, frei: int, zufall: random.Random) -> Iterator[dict[str, object]]:
    """Gemeinschaftsunterkünfte in use holding `belegt` persons and `frei` free places."""
    plaetze = _teile(belegt + frei, zufall, 40, 120)
    for nummer, groesse in enumerate(plaetze, start=1):
        hier = min(belegt, groesse)
        belegt -= hier
        yield {"name": f"Gemeinschaftsunterkunft {nummer}", "art": "gemeinschaftsunterkunft",
               "status": "in_betrieb", "plaetze": groesse, "gesperrt": 0, "belegt": hier,
               "reserviert": 0}


def _wohnungen(belegt: int, frei: int, zufall: random.Random, *, beginn: int = 1,
               status: str = "in_betrieb", ab: date | None = None
               ) -> Iterator[dict[str, object]]:
    """Flats (dezentral) with `belegt` persons and `frei` free places, or in prospect."""
    for nummer, groesse in enumerate(_teile(belegt + frei, zufall, 2, 6), start=beginn):
        hier = min(belegt, groesse)
        belegt -= hier
        yield {"name": f"Wohnung {nummer}", "art": "dezentral", "status": status,
               "verfuegbar_ab": ab, "plaetze": groesse, "gesperrt": 0, "belegt": hier,
               "reserviert": 0}


def liste_fuer(zeile: Mapping[str, object], *, heute_: date, saat: str
               ) -> list[dict[str, object]]:
    """An invented list whose sums are the row's (6)–(11) (empty columns count 0)."""
    zufall = random.Random(zlib.crc32(saat.encode()))

    def zahl(name: str) -> int:
        return int(zeile.get(name) or 0)  # type: ignore[call-overload]

    liste = [*_gemeinschaft(zahl("in_gemeinschaftsunterkuenften"),
                            zahl("verfuegbar_gemeinschaftsunterkunft"), zufall)]
    wohnungen = [*_wohnungen(zahl("dezentral_untergebracht"), zahl("verfuegbar_dezentral"),
                             zufall)]
    liste += wohnungen
    if (gu := zahl("in_aussicht_gemeinschaftsunterkunft")) > 0:
        liste.append({"name": "Containeranlage (geplant)", "art": "gemeinschaftsunterkunft",
                      "status": "in_aussicht", "plaetze": gu, "gesperrt": 0, "belegt": 0,
                      "reserviert": 0,
                      "verfuegbar_ab": heute_ + timedelta(weeks=zufall.randint(2, 8))})
    liste += _wohnungen(0, zahl("in_aussicht_dezentral"), zufall, beginn=len(wohnungen) + 1,
                        status="in_aussicht", ab=heute_ + timedelta(weeks=zufall.randint(1, 6)))
    return liste


def demo_unterkuenfte_laden(session: Session, *, landkreis: Landkreis,
                            kommunen: Mapping[str, Kommune], zeilen: Mapping[str, Mapping],
                            heute_: date) -> int:
    """Give the `MIT_LISTE` Kommunen their lists and switch their reports to them (no figure
    moves), and the county a full interim shelter; returns how many were created."""
    anzahl = 0
    for name in MIT_LISTE:
        for werte in liste_fuer(zeilen[name], heute_=heute_, saat=name):
            dienst.speichern(session, landkreis=landkreis, kommune=kommunen[name], werte=werte,
                             system=SYSTEM)
            anzahl += 1
        dienst.meldequelle_setzen(session, kommune=kommunen[name],
                                  quelle=Meldequelle.UNTERKUENFTE, system=SYSTEM)
    dienst.speichern(session, landkreis=landkreis, kommune=None, system=SYSTEM, werte={
        "name": "Zwischenunterkunft des Landkreises", "art": "gemeinschaftsunterkunft",
        "status": "in_betrieb", "plaetze": 80, "gesperrt": 0, "belegt": 80, "reserviert": 0})
    return anzahl + 1
