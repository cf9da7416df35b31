"""The capacity chain of one accommodation, and the report columns (6)–(11) summed from a
Kommune's accommodations. Pure: no Flask, no database.

    plaetze − gesperrt = belegbar;  belegbar − belegt − reserviert = frei (not below 0)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

GU = "gemeinschaftsunterkunft"
DEZENTRAL = "dezentral"
IN_BETRIEB = "in_betrieb"
IN_AUSSICHT = "in_aussicht"

#: The report columns that can come from the accommodations, by (status, kind, what is summed).
ABGELEITETE_FELDER: dict[str, tuple[str, str, str]] = {
    "in_gemeinschaftsunterkuenften": (IN_BETRIEB, GU, "belegt"),  # (6)
    "dezentral_untergebracht": (IN_BETRIEB, DEZENTRAL, "belegt"),  # (7)
    "verfuegbar_gemeinschaftsunterkunft": (IN_BETRIEB, GU, "frei"),  # (8)
    "verfuegbar_dezentral": (IN_BETRIEB, DEZENTRAL, "frei"),  # (9)
    "in_aussicht_gemeinschaftsunterkunft": (IN_AUSSICHT, GU, "kuenftig"),  # (10)
    "in_aussicht_dezentral": (IN_AUSSICHT, DEZENTRAL, "kuenftig"),  # (11)
}


@dataclass(frozen=True, slots=True)
class Kapazitaet:
    """One accommodation's figures: what is entered, and what follows from it."""

    art: str
    status: str
    plaetze: int
    gesperrt: int
    belegt: int
    reserviert: int

    @property
    def belegbar(self) -> int:
        """Places that can be given now: plaetze − gesperrt."""
        return self.plaetze - self.gesperrt

    @property
    def frei(self) -> int:
        """Places free: belegbar − belegt − reserviert, not below 0."""
        return max(self.belegbar - self.belegt - self.reserviert, 0)

    @property
    def ueberbelegt(self) -> int:
        """Persons (living or promised) beyond belegbar: a warning, people are not turned away."""
        return max(self.belegt + self.reserviert - self.belegbar, 0)

    @property
    def auslastung(self) -> Fraction | None:
        """(belegt + reserviert) / belegbar; empty when nothing can be given."""
        if self.belegbar <= 0:
            return None
        return Fraction(self.belegt + self.reserviert, self.belegbar)

    @property
    def kuenftig(self) -> int:
        """What a place in prospect will offer: belegbar less what is already promised."""
        return max(self.belegbar - self.reserviert, 0)


def meldefelder(unterkuenfte: Iterable[Kapazitaet]) -> dict[str, int]:
    """Columns (6)–(11) from a Kommune's accommodations: (6)/(7) the persons living in those in
    use, (8)/(9) their free places, (10)/(11) what those in prospect will offer, each by kind;
    closed ones count nowhere. Without accommodations every column is 0 (a Kommune that keeps
    its list reports what the list holds)."""
    summen = dict.fromkeys(ABGELEITETE_FELDER, 0)
    liste = list(unterkuenfte)
    for feld, (status, art, was) in ABGELEITETE_FELDER.items():
        summen[feld] = sum(getattr(u, was) for u in liste if u.status == status and u.art == art)
    return summen
