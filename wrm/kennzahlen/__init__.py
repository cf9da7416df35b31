"""The arithmetic of the concept paper: the only place where any figure is computed.

Pure functions and value objects: no Flask, no database. Empty (None) means "not reported",
which is not the same as 0.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from operator import attrgetter

from wrm.kennzahlen.hilfe import (
    ZAEHLENDE_STATUS,
    Hilfe,
    Hilfewirkung,
    abgebbare_plaetze,
    einschluss_plausibel,
    freie_plaetze,
    hilfebedarf,
    hilfewirkung,
    ueberbelegung,
)
from wrm.meldefelder import ZAHLENNAMEN, ZUSATZSCHLUESSEL

__all__ = [
    "ZAEHLENDE_STATUS", "Hilfe", "Hilfewirkung", "abgebbare_plaetze", "einschluss_plausibel",
    "freie_plaetze", "hilfebedarf", "hilfewirkung", "ueberbelegung",
]

#: Keys of an Auswertung row in the documented order (the JSON contract of `wrm auswertung`).
ZEILENSCHLUESSEL: tuple[str, ...] = (
    "kommune", "aufnahmequote", *ZAHLENNAMEN[:4], "zu_erfuellen", *ZAHLENNAMEN[4:],
    "sofort_verfuegbar", "in_aussicht", "gesamt_verfuegbar", "bedarf", "lage", "stand",
    *ZUSATZSCHLUESSEL,
)
#: The numeric keys, which the Gesamt row sums.
SUMMENSCHLUESSEL: tuple[str, ...] = tuple(
    k for k in ZEILENSCHLUESSEL if k not in ("kommune", "lage", "stand")
)


def _null(wert: int | None) -> int:
    return 0 if wert is None else wert


def zu_erfuellen(aufnahmequote: int | None, zuweisungen: int | None,
                 anrechnungen: int = 0) -> int | None:
    """(5) Quota minus assignments minus the county's confirmed credits (the quota ledger);
    negative means over-fulfilled; empty without a quota."""
    if aufnahmequote is None:
        return None
    return aufnahmequote - _null(zuweisungen) - anrechnungen


def summe(*werte: int | None) -> int:
    """Sum of places where empty cells count 0: sofort (8)+(9), in Aussicht (10)+(11)."""
    # A loop, not sum() over a generator: called for every row, and at state scale the
    # generator cost more than the additions.
    ergebnis = 0
    for wert in werte:
        if wert is not None:
            ergebnis += wert
    return ergebnis


def bedarf(
    zu_erfuellen: int | None,
    verfuegbar_gemeinschaftsunterkunft: int | None,
    verfuegbar_dezentral: int | None,
    in_aussicht_gemeinschaftsunterkunft: int | None,
    in_aussicht_dezentral: int | None,
    zugesagt_fuer_andere: int = 0,
    zusagen_anderer: int = 0,
) -> int | None:
    """Places still missing: max(zu_erfuellen, 0) − all places + places promised to others
    − places others promised, both only while not yet in the Kommune's own report; negative is
    a surplus.

    An over-fulfilled quota creates no need. Empty when there is no quota or none of
    (8)–(11) is reported, because then nothing is known about the places.
    """
    plaetze = (
        verfuegbar_gemeinschaftsunterkunft, verfuegbar_dezentral,
        in_aussicht_gemeinschaftsunterkunft, in_aussicht_dezentral,
    )
    if zu_erfuellen is None or all(p is None for p in plaetze):
        return None
    return max(zu_erfuellen, 0) - summe(*plaetze) + zugesagt_fuer_andere - zusagen_anderer


def fehlt_wohnraum(bedarf: int | None) -> bool:
    """Whether places are missing: a Bedarf above zero (shown red everywhere)."""
    return bedarf is not None and bedarf > 0


def untergebracht(in_gemeinschaftsunterkuenften: int | None,
                  dezentral_untergebracht: int | None) -> int | None:
    """Persons housed, (6) + (7); empty when neither is reported."""
    if in_gemeinschaftsunterkuenften is None and dezentral_untergebracht is None:
        return None
    return summe(in_gemeinschaftsunterkuenften, dezentral_untergebracht)


def unterbringung_weicht_ab(ankuenfte: int | None, untergebracht: int | None) -> bool:
    """Whether the persons housed (6)+(7) are far from the arrivals (2): more than five and more
    than a tenth apart (a plausibility hint, not a rule)."""
    if ankuenfte is None or untergebracht is None:
        return False
    return abs(untergebracht - ankuenfte) > max(5, ankuenfte // 10)


def stark_veraendert(vorher: int | None, jetzt: int | None) -> bool:
    """Whether a figure changed by more than half of its previous value (a plausibility hint)."""
    if vorher is None or jetzt is None or vorher <= 0:
        return False
    return abs(jetzt - vorher) * 2 > vorher


def alter_tage(stand: datetime | None, bezug: datetime) -> int | None:
    """Whole days between a report and `bezug`; empty when never reported."""
    return None if stand is None else max((bezug - stand).days, 0)


def fehlend(benoetigt: int, gesamt_verfuegbar: int, zugesagt_fuer_andere: int = 0,
            zusagen_anderer: int = 0) -> int:
    """The county's missing places: Σ zu_erfuellen − Σ gesamt_verfuegbar (the paper's −407),
    with the agreements not yet included counted as the rows count them: + Σ
    zugesagt_fuer_andere (promised places a host still reports as free) − Σ zusagen_anderer
    (persons a Kommune still reports as its own to house). So the figure does not depend on
    which side of an agreement reports first; without agreements it is the paper's."""
    return benoetigt - gesamt_verfuegbar + zugesagt_fuer_andere - zusagen_anderer


def veraltet(stand: datetime | None, bezug: datetime, frist_tage: int) -> bool:
    """Whether a report is overdue at `bezug`: never made, or older than the reporting interval."""
    return stand is None or bezug - stand > timedelta(days=frist_tage)


def widerspruch(lage: str | None, bedarf: int | None) -> bool:
    """Whether a Kommune's own assessment contradicts its computed Bedarf.

    "ausreichend" with places still missing, or "kritisch" with a surplus of places.
    """
    if bedarf is None:
        return False
    return (lage == "ausreichend" and bedarf > 0) or (lage == "kritisch" and bedarf < 0)


@dataclass(frozen=True, slots=True)
class Zeile:
    """One Kommune's reported figures and everything computed from them."""

    kommune: str
    aufnahmequote: int | None = None
    zuweisungen: int | None = None
    ankuenfte: int | None = None
    keine_quotenanrechnung: int | None = None
    moegliche_quotenanrechnung: int | None = None
    in_gemeinschaftsunterkuenften: int | None = None
    dezentral_untergebracht: int | None = None
    verfuegbar_gemeinschaftsunterkunft: int | None = None
    verfuegbar_dezentral: int | None = None
    in_aussicht_gemeinschaftsunterkunft: int | None = None
    in_aussicht_dezentral: int | None = None
    lage: str | None = None
    stand: datetime | None = None
    # Agreements with other Kommunen not yet in this Kommune's report (see `bedarf`) and the
    # persons housed elsewhere under agreements; computed by `wrm.vereinbarungswirkung`.
    zugesagt_fuer_andere: int = 0
    zusagen_anderer: int = 0
    in_anderen_kommunen: int = 0
    # Persons the county credited to the quota in the period (`wrm.models.Buchung`), in (5).
    anrechnungen: int = 0
    # Order of the Kommune among equal needs; not part of the output.
    reihenfolge: Hashable = field(default=0, compare=False)
    # The computed figures, worked out once when the row is made (a row is read many times:
    # sorting, sums, every output field), by the functions above.
    _zu_erfuellen: int | None = field(init=False, repr=False, compare=False)
    _sofort: int = field(init=False, repr=False, compare=False)
    _aussicht: int = field(init=False, repr=False, compare=False)
    _bedarf: int | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        soll = zu_erfuellen(self.aufnahmequote, self.zuweisungen, self.anrechnungen)
        setzen = object.__setattr__  # the row is frozen from here on
        setzen(self, "_zu_erfuellen", soll)
        setzen(self, "_sofort", summe(self.verfuegbar_gemeinschaftsunterkunft,
                                      self.verfuegbar_dezentral))
        setzen(self, "_aussicht", summe(self.in_aussicht_gemeinschaftsunterkunft,
                                        self.in_aussicht_dezentral))
        setzen(self, "_bedarf", bedarf(
            soll, self.verfuegbar_gemeinschaftsunterkunft, self.verfuegbar_dezentral,
            self.in_aussicht_gemeinschaftsunterkunft, self.in_aussicht_dezentral,
            self.zugesagt_fuer_andere, self.zusagen_anderer))

    @property
    def zu_erfuellen(self) -> int | None:
        """(5) see `zu_erfuellen`."""
        return self._zu_erfuellen

    @property
    def sofort_verfuegbar(self) -> int:
        """(8) + (9)."""
        return self._sofort

    @property
    def in_aussicht(self) -> int:
        """(10) + (11)."""
        return self._aussicht

    @property
    def gesamt_verfuegbar(self) -> int:
        """Sofort verfügbar plus in Aussicht (the paper's "Summe")."""
        return self._sofort + self._aussicht

    @property
    def bedarf(self) -> int | None:
        """See `bedarf`."""
        return self._bedarf

    @property
    def hilfebedarf(self) -> int:
        """See `hilfebedarf`."""
        return hilfebedarf(self.bedarf)

    @property
    def abgebbare_plaetze(self) -> int:
        """See `abgebbare_plaetze`."""
        return abgebbare_plaetze(self.sofort_verfuegbar, self.zu_erfuellen,
                                 self.zugesagt_fuer_andere)

    @property
    def freie_plaetze(self) -> int:
        """See `freie_plaetze`."""
        return freie_plaetze(self.sofort_verfuegbar, self.zugesagt_fuer_andere)

    @property
    def widerspruch(self) -> bool:
        """See `widerspruch`."""
        return widerspruch(self.lage, self.bedarf)

    @property
    def fehlt_wohnraum(self) -> bool:
        """See `fehlt_wohnraum`."""
        return fehlt_wohnraum(self.bedarf)

    @property
    def untergebracht(self) -> int | None:
        """See `untergebracht`."""
        return untergebracht(self.in_gemeinschaftsunterkuenften, self.dezentral_untergebracht)

    def als_dict(self) -> dict[str, object]:
        """The row with its computed figures, keys in `ZEILENSCHLUESSEL` order."""
        # getattr, not dataclasses.asdict: asdict deep-copies and is ten times slower.
        return {k: getattr(self, k) for k in ZEILENSCHLUESSEL}


@dataclass(frozen=True, slots=True)
class Zusammenfassung:
    """The paper's summary block below the table."""

    benoetigt: int
    sofort_verfuegbar: int
    in_aussicht: int
    gesamt_verfuegbar: int
    fehlend: int
    #: Σ of the rows' agreements not yet included (see `fehlend`); 0 without agreements.
    zugesagt_fuer_andere: int = 0
    zusagen_anderer: int = 0


@dataclass(frozen=True, slots=True)
class Auswertung:
    """The paper's "Kontinuierliche Auswertung": sorted rows, Gesamt row, summary."""

    zeilen: tuple[Zeile, ...]
    gesamt: dict[str, int | None]
    zusammenfassung: Zusammenfassung


#: Columns that are never empty in a row (empty cells count 0), so their sum is never empty.
_IMMER_ZAHL = frozenset({"sofort_verfuegbar", "in_aussicht", "gesamt_verfuegbar",
                         *ZUSATZSCHLUESSEL})


def _spaltensumme(zeilen: tuple[Zeile, ...], schluessel: str) -> int | None:
    werte = [w for w in map(attrgetter(schluessel), zeilen) if w is not None]
    if not werte and schluessel not in _IMMER_ZAHL:
        return None
    return sum(werte)


def sortiert(zeilen: Iterable[Zeile]) -> list[Zeile]:
    """Rows by bedarf ascending, ties in the order of the Kommunen, empty bedarf last."""
    def schluessel(z: Zeile) -> tuple[bool, int, Hashable]:
        b = z.bedarf
        return (b is None, 0 if b is None else b, z.reihenfolge)
    return sorted(zeilen, key=schluessel)


def zusammenfassen(zeilen: Iterable[Zeile]) -> Zusammenfassung:
    """The summary block alone: what a whole country's figures need, without the table."""
    benoetigt = sofort = aussicht = fuer_andere = von_anderen = 0
    for zeile in zeilen:
        benoetigt += _null(zeile.zu_erfuellen)
        sofort += zeile.sofort_verfuegbar
        aussicht += zeile.in_aussicht
        fuer_andere += zeile.zugesagt_fuer_andere
        von_anderen += zeile.zusagen_anderer
    verfuegbar = sofort + aussicht
    return Zusammenfassung(benoetigt=benoetigt, sofort_verfuegbar=sofort, in_aussicht=aussicht,
                           gesamt_verfuegbar=verfuegbar,
                           fehlend=fehlend(benoetigt, verfuegbar, fuer_andere, von_anderen),
                           zugesagt_fuer_andere=fuer_andere, zusagen_anderer=von_anderen)


def auswerten(zeilen: Iterable[Zeile]) -> Auswertung:
    """Build the Auswertung from the Kommunen's rows (in any order)."""
    geordnet = tuple(sortiert(zeilen))
    gesamt = {k: _spaltensumme(geordnet, k) for k in SUMMENSCHLUESSEL}
    zusammenfassung = zusammenfassen(geordnet)
    # The paper's Gesamt row shows the county's fehlend in the Bedarf column (−407), not the
    # sum of the rows' bedarf (−395): the county may move places between Kommunen.
    gesamt["bedarf"] = zusammenfassung.fehlend
    return Auswertung(zeilen=geordnet, gesamt=gesamt, zusammenfassung=zusammenfassung)
