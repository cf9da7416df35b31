"""The quota calculation: the state's contingent shared by population with the largest-remainder
method (Hare–Niemeyer), plus carry-over, minus relief. Pure, like the rest of `wrm.kennzahlen`;
exact with integer arithmetic (no float rounding decides a person)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True, slots=True)
class Quotengrundlage:
    """What one Kommune's quota is computed from."""

    kommune: str
    einwohner: int
    uebertrag: int = 0
    entlastung: int = 0


@dataclass(frozen=True, slots=True)
class Quotenzeile:
    """One Kommune's calculation, line by line (the "Quotenblatt")."""

    kommune: str
    einwohner: int
    anteil: Fraction  # einwohner / Σ einwohner
    rechnerisch: Fraction  # kontingent × anteil, before rounding
    grundquote: int  # floor of it, plus one if it got a remaining person
    restplatz: bool  # whether it got one of the remaining persons
    uebertrag: int
    entlastung: int
    quote: int  # grundquote + uebertrag − entlastung, not below 0
    auf_null_gesetzt: bool  # whether the quota would have been below 0


@dataclass(frozen=True, slots=True)
class Quotenberechnung:
    """The calculation of a period: every Kommune's line and how Σ quote differs from the
    contingent (carry-over, relief, quotas raised to 0)."""

    kontingent: int
    zeilen: tuple[Quotenzeile, ...]

    @property
    def summe_quoten(self) -> int:
        """Σ quote."""
        return sum(z.quote for z in self.zeilen)

    @property
    def abweichung(self) -> int:
        """Σ quote − kontingent (carry-over − relief + what was raised to 0)."""
        return self.summe_quoten - self.kontingent


def grundquoten(kontingent: int, einwohner: Sequence[tuple[str, int]]) -> dict[str, int]:
    """Hare–Niemeyer: each gets floor(kontingent × einwohner / Σ einwohner); the remaining
    persons go one each to the largest remainders, ties to the larger population, then to the
    name first in ascending order. The result adds up to `kontingent` exactly."""
    gesamt = sum(e for _, e in einwohner)
    if kontingent < 0 or gesamt <= 0 or any(e < 0 for _, e in einwohner):
        raise ValueError("kontingent ≥ 0 and a positive total population are required")
    basis = {name: kontingent * e // gesamt for name, e in einwohner}
    # The remainder of kontingent × e / gesamt, compared as integers (× gesamt).
    reihenfolge = sorted(einwohner, key=lambda ne: (-(kontingent * ne[1] % gesamt), -ne[1],
                                                   ne[0]))
    for name, _ in reihenfolge[:kontingent - sum(basis.values())]:
        basis[name] += 1
    return basis


def berechnen(kontingent: int, grundlagen: Sequence[Quotengrundlage]) -> Quotenberechnung:
    """quote = grundquote + uebertrag − entlastung per Kommune, 0 where that would be negative."""
    basis = grundquoten(kontingent, [(g.kommune, g.einwohner) for g in grundlagen])
    gesamt = sum(g.einwohner for g in grundlagen)
    zeilen = []
    for g in grundlagen:
        anteil = Fraction(g.einwohner, gesamt)
        rechnerisch = kontingent * anteil
        roh = basis[g.kommune] + g.uebertrag - g.entlastung
        zeilen.append(Quotenzeile(
            kommune=g.kommune, einwohner=g.einwohner, anteil=anteil, rechnerisch=rechnerisch,
            grundquote=basis[g.kommune], restplatz=basis[g.kommune] > rechnerisch,
            uebertrag=g.uebertrag, entlastung=g.entlastung, quote=max(roh, 0),
            auf_null_gesetzt=roh < 0))
    return Quotenberechnung(kontingent=kontingent, zeilen=tuple(zeilen))
