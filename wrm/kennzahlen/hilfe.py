"""The arithmetic of help between Kommunen: how agreements change a Kommune's Bedarf, and what
a Kommune needs from or can offer to others. Pure, like the rest of `wrm.kennzahlen`."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass


def hilfebedarf(bedarf: int | None) -> int:
    """Persons a Kommune needs places for elsewhere: its Bedarf above zero, else 0."""
    return max(bedarf or 0, 0)


def abgebbare_plaetze(sofort_verfuegbar: int, zu_erfuellen: int | None,
                      zugesagt_fuer_andere: int) -> int:
    """Places a Kommune can offer others now: those free now beyond its own remaining quota
    and the places it already promised (an empty quota counts 0)."""
    return max(0, sofort_verfuegbar - max(zu_erfuellen or 0, 0) - zugesagt_fuer_andere)


def freie_plaetze(sofort_verfuegbar: int, zugesagt_fuer_andere: int) -> int:
    """Places a host can give now: those free now, (8)+(9), less those it already promised
    others and has not yet taken out of its report."""
    return max(0, sofort_verfuegbar - zugesagt_fuer_andere)


def ueberbelegung(personen: int, frei: int) -> int:
    """Persons of an agreement above the host's free places (0: none)."""
    return max(0, personen - frei)


def einschluss_plausibel(*, aufnehmend: bool, personen: int, zuweisungen_vorher: int | None,
                         zuweisungen_jetzt: int | None, sofort_vorher: int,
                         sofort_jetzt: int) -> bool:
    """Whether a report that claims to include an agreement moved by its persons since the
    agreement was promised: the host reports at least that many places fewer free now (8)+(9),
    the allocated Kommune at least that many more assignments (1)."""
    if aufnehmend:
        return sofort_vorher - sofort_jetzt >= personen
    return (zuweisungen_jetzt or 0) - (zuweisungen_vorher or 0) >= personen


#: Agreement statuses in which the places are promised or used, so they count in Bedarf.
ZAEHLENDE_STATUS = frozenset({"zugesagt", "belegt"})


@dataclass(frozen=True, slots=True)
class Hilfe:
    """An agreement as the figures see it, at one moment: who houses whose persons, its
    status, and whether each side's own report already includes it."""

    zuweisend: Hashable
    aufnehmend: Hashable
    personen: int
    status: str
    zuweisend_beruecksichtigt: bool = False
    aufnehmend_beruecksichtigt: bool = False


@dataclass(frozen=True, slots=True)
class Hilfewirkung:
    """What agreements add to one Kommune's row (see `Zeile`)."""

    zugesagt_fuer_andere: int = 0
    zusagen_anderer: int = 0
    in_anderen_kommunen: int = 0


def hilfewirkung(hilfen: Iterable[Hilfe]) -> dict[Hashable, Hilfewirkung]:
    """Per Kommune: persons it promised to house and has not yet included in its report
    (`zugesagt_fuer_andere`), persons others promised it and it has not yet included
    (`zusagen_anderer`), and its persons housed elsewhere (`in_anderen_kommunen`, `belegt`).

    An agreement counts from `zugesagt` until each side's own report includes it; each side
    switches independently. The county's total is untouched: every agreement adds as much to
    one side's Bedarf as it takes from the other's until both have included it.
    """
    summen: dict[Hashable, list[int]] = {}
    for hilfe in hilfen:
        if hilfe.status not in ZAEHLENDE_STATUS:
            continue
        if not hilfe.aufnehmend_beruecksichtigt:
            summen.setdefault(hilfe.aufnehmend, [0, 0, 0])[0] += hilfe.personen
        if not hilfe.zuweisend_beruecksichtigt:
            summen.setdefault(hilfe.zuweisend, [0, 0, 0])[1] += hilfe.personen
        if hilfe.status == "belegt":
            summen.setdefault(hilfe.zuweisend, [0, 0, 0])[2] += hilfe.personen
    return {k: Hilfewirkung(*werte) for k, werte in summen.items()}
