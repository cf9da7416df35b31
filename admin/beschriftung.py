"""Where the map puts each Kommune's label: beside its dot where there is room, else farther
out with a leader line, so that no label covers another label, a dot or an arrow.

Pure geometry on the map's coordinates (pixels, y downwards). Text widths are estimated on the
safe side from the characters (the map's font is the browser's sans-serif at 12 px); the browser
test measures the real boxes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

#: The labels' font size in pixels, and how far above and below the baseline a line reaches.
GROESSE = 12
_OBEN, _UNTEN = 11.0, 4.0
#: A dot's radius and the space kept around it.
PUNKT_RADIUS = 7.0
_ABSTAND = 3.0


@dataclass(frozen=True, slots=True)
class Kasten:
    """An axis-parallel box."""

    x0: float
    y0: float
    x1: float
    y1: float

    def schneidet(self, anderer: Kasten) -> bool:
        """Whether the two boxes overlap (touching edges do not)."""
        return (self.x0 < anderer.x1 and anderer.x0 < self.x1
                and self.y0 < anderer.y1 and anderer.y0 < self.y1)

    def schneidet_strecke(self, a: tuple[float, float], b: tuple[float, float]) -> bool:
        """Whether the segment a–b passes through the box (Liang–Barsky clipping)."""
        (x0, y0), (dx, dy) = a, (b[0] - a[0], b[1] - a[1])
        t0, t1 = 0.0, 1.0
        for p, q in ((-dx, x0 - self.x0), (dx, self.x1 - x0), (-dy, y0 - self.y0),
                     (dy, self.y1 - y0)):
            if p == 0:
                if q < 0:
                    return False
                continue
            t = q / p
            if p < 0:
                t0 = max(t0, t)
            else:
                t1 = min(t1, t)
            if t0 > t1:
                return False
        return True

    def innerhalb(self, rahmen: Kasten) -> bool:
        """Whether the box lies inside `rahmen`."""
        return (rahmen.x0 <= self.x0 and self.x1 <= rahmen.x1
                and rahmen.y0 <= self.y0 and self.y1 <= rahmen.y1)


def textbreite(text: str, groesse: float = GROESSE) -> float:
    """The width of `text` in a sans-serif font, estimated on the wide side."""
    schmal, breit = set("iljtf.,:;!'|()[] "), set("mwMWÄÖÜQGOD—")
    return sum((0.32 if z in schmal else 0.95 if z in breit else 0.66) for z in text) * groesse


@dataclass(frozen=True, slots=True)
class Beschriftung:
    """A placed label: its text's anchor point and alignment (SVG `text-anchor`), its box, and
    a leader line from the dot's edge when it stands away from the dot."""

    x: float
    y: float
    anker: str
    kasten: Kasten
    leitlinie: tuple[tuple[float, float], tuple[float, float]] | None = None


def _kasten(x: float, y: float, anker: str, breite: float) -> Kasten:
    links = x if anker == "start" else x - breite if anker == "end" else x - breite / 2
    return Kasten(links - 1, y - _OBEN, links + breite + 1, y + _UNTEN)


def _kandidaten(x: float, y: float):  # type: ignore[no-untyped-def]
    """Positions around the dot, nearest first: (x, y, anchor, leader line needed)."""
    r = PUNKT_RADIUS + _ABSTAND
    yield x + r, y + 4, "start", False
    yield x - r, y + 4, "end", False
    yield x, y - r - _UNTEN, "middle", False
    yield x, y + r + _OBEN, "middle", False
    for abstand in (18, 30, 45, 62, 80):
        for grad in range(0, 360, 30):
            w = math.radians(grad)
            px, py = x + math.cos(w) * abstand, y - math.sin(w) * abstand
            anker = "start" if math.cos(w) > 0.3 else "end" if math.cos(w) < -0.3 else "middle"
            yield px, py + 4, anker, True


def platzieren(punkte: Sequence[tuple[str, float, float]], *,
               strecken: Iterable[tuple[tuple[float, float], tuple[float, float]]] = (),
               sperrflaechen: Iterable[Kasten] = (), rahmen: Kasten) -> list[Beschriftung]:
    """A label for each (text, x, y) dot, in the same order: beside the dot where it covers no
    other label, dot, segment (`strecken`: the arrows) or `sperrflaechen` (the legend) and
    stays inside `rahmen`; else the nearest free place with a leader line; else beside the dot
    anyway (a map too crowded to label every dot apart)."""
    strecken = list(strecken)
    belegt: list[Kasten] = list(sperrflaechen)
    punkte_kaesten = [Kasten(x - PUNKT_RADIUS - 1, y - PUNKT_RADIUS - 1, x + PUNKT_RADIUS + 1,
                             y + PUNKT_RADIUS + 1) for _, x, y in punkte]
    # The most crowded dots first: they have the fewest free places.
    def enge(i: int) -> int:
        _, x, y = punkte[i]
        return -sum(1 for _, a, b in punkte if math.hypot(a - x, b - y) < 90)

    ergebnis: dict[int, Beschriftung] = {}
    for i in sorted(range(len(punkte)), key=enge):
        text, x, y = punkte[i]
        breite = textbreite(text)
        wahl = None
        for px, py, anker, leitung in _kandidaten(x, y):
            kasten = _kasten(px, py, anker, breite)
            linie = _leitlinie(x, y, kasten) if leitung else None
            if not kasten.innerhalb(rahmen):
                continue
            if any(kasten.schneidet(k) for k in (*belegt, *punkte_kaesten)):
                continue
            # Arrows are drawn up to 5.5 px wide with 12 px heads: keep clear of them.
            breiter = Kasten(kasten.x0 - 5, kasten.y0 - 5, kasten.x1 + 5, kasten.y1 + 5)
            if any(breiter.schneidet_strecke(a, b) for a, b in strecken):
                continue
            if linie is not None and any(_kreuzen(linie, s) for s in strecken):
                continue
            wahl = Beschriftung(px, py, anker, kasten, linie)
            break
        if wahl is None:
            px, py = x + PUNKT_RADIUS + _ABSTAND, y + 4
            wahl = Beschriftung(px, py, "start", _kasten(px, py, "start", breite))
        belegt.append(wahl.kasten)
        if wahl.leitlinie is not None:
            strecken.append(wahl.leitlinie)
        ergebnis[i] = wahl
    return [ergebnis[i] for i in range(len(punkte))]


def _leitlinie(x: float, y: float, kasten: Kasten
               ) -> tuple[tuple[float, float], tuple[float, float]]:
    """From the dot's edge to the nearest point of the label's box."""
    zx = min(max(x, kasten.x0), kasten.x1)
    zy = min(max(y, kasten.y0), kasten.y1)
    laenge = math.hypot(zx - x, zy - y) or 1
    return ((x + (zx - x) / laenge * PUNKT_RADIUS, y + (zy - y) / laenge * PUNKT_RADIUS),
            (zx, zy))


def _kreuzen(s: tuple[tuple[float, float], tuple[float, float]],
             t: tuple[tuple[float, float], tuple[float, float]]) -> bool:
    """Whether two segments cross (proper intersections; shared end points do not count)."""
    def seite(a, b, c):  # type: ignore[no-untyped-def]
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
    d1, d2 = seite(t[0], t[1], s[0]), seite(t[0], t[1], s[1])
    d3, d4 = seite(s[0], s[1], t[0]), seite(s[0], s[1], t[1])
    return d1 * d2 < 0 and d3 * d4 < 0
