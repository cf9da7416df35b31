"""The redistribution proposal: who could house whom, placing as many persons as possible over
the shortest distances. Pure: no Flask, no database; the figures come from `wrm.kennzahlen`.

A minimum-cost flow (networkx's network simplex) finds the optimum; a nearest-first greedy
would not. Distances are great-circle kilometres on a sphere of the mean Earth radius.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

#: Mean Earth radius (IUGG), km.
ERDRADIUS_KM = 6371.0
#: Cost of a km for a Kommune without coordinates: above any distance on Earth (half the
#: circumference is ≈ 20,015 km), so such a Kommune is used only where nothing else helps.
OHNE_ORT_KM = 20_100.0
# Costs are whole metres: the network simplex is exact on integers.
_METER = 1000


@dataclass(frozen=True, slots=True)
class Ort:
    """A Kommune as the proposal sees it: where it is, whom it needs places for, what it can
    offer now (`kennzahlen.hilfebedarf`, `kennzahlen.abgebbare_plaetze`)."""

    kommune: str
    breitengrad: float | None
    laengengrad: float | None
    bedarf: int
    frei: int

    @property
    def hat_ort(self) -> bool:
        """Whether both coordinates are known."""
        return self.breitengrad is not None and self.laengengrad is not None


@dataclass(frozen=True, slots=True)
class Vorschlagszeile:
    """One flow: `personen` allocated to the Kommune in need `zuweisend`, to be housed by the
    host `aufnehmend` (the persons' view, as every arrow reads: `anzeige.RICHTUNG`)."""

    zuweisend: str
    aufnehmend: str
    personen: int
    km: float | None

    def als_dict(self) -> dict[str, object]:
        """The JSON contract's line: zuweisend, aufnehmend, personen, km (null without
        coordinates)."""
        return {"zuweisend": self.zuweisend, "aufnehmend": self.aufnehmend,
                "personen": self.personen, "km": self.km}


@dataclass(frozen=True, slots=True)
class Vorschlag:
    """The whole proposal: its lines (by Kommune in need, then host), the persons placed,
    Σ persons × km over the lines with a distance, and warnings in German."""

    zeilen: tuple[Vorschlagszeile, ...]
    platziert: int
    personenkilometer: float
    warnungen: tuple[str, ...]


def entfernung_km(a: Ort, b: Ort) -> float | None:
    """Great-circle distance (haversine), rounded to 0.1 km; None when a place is unknown."""
    if not (a.hat_ort and b.hat_ort):
        return None
    phi1, phi2 = math.radians(a.breitengrad), math.radians(b.breitengrad)  # type: ignore[arg-type]
    dphi = phi2 - phi1
    dlam = math.radians(b.laengengrad - a.laengengrad)  # type: ignore[operator]
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlam / 2) ** 2
    return round(2 * ERDRADIUS_KM * math.asin(min(1.0, math.sqrt(h))), 1)


def kosten_km(a: Ort, b: Ort) -> float:
    """What moving one person from `b` to `a` costs in the optimisation (km)."""
    km = entfernung_km(a, b)
    return OHNE_ORT_KM if km is None else km


def vorschlagen(orte: Iterable[Ort]) -> Vorschlag:
    """The proposal: integer flows host → Kommune in need placing min(Σ need, Σ spare)
    persons with the least Σ persons × km. Deterministic: the same input in the same order
    gives the same lines."""
    alle = list(orte)
    geber = [o for o in alle if o.frei > 0]
    nehmer = [o for o in alle if o.bedarf > 0]
    menge = min(sum(o.bedarf for o in nehmer), sum(o.frei for o in geber))
    warnungen = tuple(
        f"{o.kommune} hat keine Koordinaten; sie wird nur eingeplant, wo keine andere hilft, "
        "und ihre Zeilen haben keine Entfernung." for o in alle
        if not o.hat_ort and (o.frei > 0 or o.bedarf > 0))
    if menge == 0:
        return Vorschlag(zeilen=(), platziert=0, personenkilometer=0.0, warnungen=warnungen)
    zeilen = sorted((Vorschlagszeile(zuweisend=n.kommune, aufnehmend=g.kommune,
                                     personen=personen, km=entfernung_km(g, n))
                     for g, n, personen in _min_cost_flow(geber, nehmer, menge)),
                    key=lambda z: (z.zuweisend, z.aufnehmend))
    pkm = round(sum(z.personen * z.km for z in zeilen if z.km is not None), 1)
    return Vorschlag(zeilen=tuple(zeilen), platziert=sum(z.personen for z in zeilen),
                     personenkilometer=pkm, warnungen=warnungen)


def _min_cost_flow(geber: Sequence[Ort], nehmer: Sequence[Ort], menge: int
                   ) -> list[tuple[Ort, Ort, int]]:
    # Imported here: networkx adds ≈ 12 MB to every worker, and most requests never need it.
    import networkx as nx

    graph = nx.DiGraph()
    graph.add_node("quelle", demand=-menge)
    graph.add_node("senke", demand=menge)
    for i, g in enumerate(geber):
        graph.add_edge("quelle", ("g", i), capacity=g.frei, weight=0)
    for j, n in enumerate(nehmer):
        graph.add_edge(("n", j), "senke", capacity=n.bedarf, weight=0)
    for i, g in enumerate(geber):
        for j, n in enumerate(nehmer):
            graph.add_edge(("g", i), ("n", j), weight=round(kosten_km(g, n) * _METER))
    fluss = nx.network_simplex(graph)[1]
    return [(g, n, fluss[("g", i)][("n", j)])
            for i, g in enumerate(geber) for j, n in enumerate(nehmer)
            if fluss[("g", i)][("n", j)] > 0]
