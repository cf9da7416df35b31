"""The planning horizon: week by week, how far the free places reach against the allocations the
state announced (and, where it announced none, the rest of the quota spread evenly). Pure, like
the rest of `wrm.kennzahlen`; weeks are ISO weeks, named by their Monday."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

_WOCHENMUSTER = re.compile(r"(\d{4})-W(\d{2})")
_EINE_WOCHE = timedelta(days=7)


def montag(tag: date) -> date:
    """The Monday of the ISO week the day lies in."""
    return tag - timedelta(days=tag.weekday())


def iso_woche(beginn: date) -> str:
    """An ISO week by its name: 2027-W05."""
    jahr, woche, _ = beginn.isocalendar()
    return f"{jahr}-W{woche:02d}"


def woche_lesen(text: str) -> date:
    """The Monday of an ISO week written `2027-W05`. Raises ValueError with a German message."""
    treffer = _WOCHENMUSTER.fullmatch(text.strip())
    if treffer is None:
        raise ValueError(f"„{text.strip()[:20]}“ ist keine Kalenderwoche; erwartet z. B. "
                         "„2027-W05“")
    jahr, woche = int(treffer[1]), int(treffer[2])
    try:
        return date.fromisocalendar(jahr, woche, 1)
    except ValueError:
        raise ValueError(f"Das Jahr {jahr} hat keine Kalenderwoche {woche}") from None


@dataclass(frozen=True, slots=True)
class Woche:
    """One week of the horizon: persons announced, or (`geschaetzt`) estimated."""

    beginn: date
    personen: int
    geschaetzt: bool = False

    @property
    def iso(self) -> str:
        """The week's name, 2027-W05."""
        return iso_woche(self.beginn)


def wochenreihe(*, aktuelle_woche: date, ende: date | None, angekuendigt: Mapping[date, int],
                rest_quote: int) -> tuple[Woche, ...]:
    """The weeks from the current one: until the period's `ende` (each week without an
    announcement gets an even share of what the quota still asks beyond the announced persons,
    `rest_quote`, the leftover persons to the earliest weeks); without an end, only the
    announced weeks. Announcements before the current week are past."""
    if ende is None:
        return tuple(Woche(w, p) for w, p in sorted(angekuendigt.items())
                     if w >= aktuelle_woche)
    wochen = []
    woche = aktuelle_woche
    while woche <= montag(ende):
        wochen.append(woche)
        woche += _EINE_WOCHE
    offen = [w for w in wochen if w not in angekuendigt]
    rest = max(rest_quote - sum(angekuendigt.get(w, 0) for w in wochen), 0)
    anteil, uebrig = divmod(rest, len(offen)) if offen else (0, 0)
    schaetzung = {w: anteil + (1 if i < uebrig else 0) for i, w in enumerate(offen)}
    return tuple(Woche(w, angekuendigt[w]) if w in angekuendigt
                 else Woche(w, schaetzung[w], geschaetzt=True) for w in wochen)


def reicht_bis(reihe: Iterable[Woche], plaetze: int,
               zugang: Mapping[date, int] | None = None) -> str | None:
    """The last week whose cumulative persons (the series starts at the current week) still
    fit into `plaetze`, plus the places of `zugang` from their week on (places in prospect
    that open in a later week, by its Monday): the week before the first that does not fit
    (so the week before the current one when even that does not); None when the places never
    run out."""
    kumuliert = 0
    for woche in reihe:
        kumuliert += woche.personen
        offen = plaetze + sum(p for ab, p in (zugang or {}).items() if ab <= woche.beginn)
        if kumuliert > offen:
            return iso_woche(woche.beginn - _EINE_WOCHE)
    return None


def summenreihe(reihen: Iterable[tuple[Woche, ...]]) -> tuple[Woche, ...]:
    """Several series added week by week (the county's); estimated where any part is."""
    summe: dict[date, tuple[int, bool]] = {}
    for reihe in reihen:
        for woche in reihe:
            personen, geschaetzt = summe.get(woche.beginn, (0, False))
            summe[woche.beginn] = (personen + woche.personen, geschaetzt or woche.geschaetzt)
    return tuple(Woche(w, p, g) for w, (p, g) in sorted(summe.items()))
