"""The planning horizon of a Landkreis at a Stichtag: per Kommune and for the county, the week
the free places run out against the announced (and estimated) allocations."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from wrm import kennzahlen
from wrm.anzeige import kalenderwoche
from wrm.kennzahlen.prognose import (
    Woche,
    iso_woche,
    montag,
    reicht_bis,
    summenreihe,
    wochenreihe,
)
from wrm.models import Kommune, Landkreis, Meldequelle, Unterkunftsstatus, Verteilzeitraum
from wrm.services import unterkuenfte
from wrm.services.ankuendigungen import angekuendigt
from wrm.services.stand import Stand, staende
from wrm.services.verteilzeitraeume import zeitraum_am
from wrm.zeit import heute, tagesende


@dataclass(frozen=True, slots=True)
class Reichweite:
    """How far one Kommune's (or the county's) places reach."""

    plaetze_sofort: int
    plaetze_mit_aussicht: int
    wochen: tuple[Woche, ...]
    reicht_bis: str | None
    reicht_bis_mit_aussicht: str | None

    @property
    def geschaetzt(self) -> bool:
        """Whether some weeks are estimated from the rest of the quota."""
        return any(w.geschaetzt for w in self.wochen)

    @property
    def personen(self) -> int:
        """Σ persons over the horizon."""
        return sum(w.personen for w in self.wochen)


def _reichweite(wochen: tuple[Woche, ...], sofort: int, mit_aussicht: int,
                zugang: Mapping[date, int] | None = None) -> Reichweite:
    """`zugang`: of the places in prospect, those that open only in a later week (by its
    Monday); the rest of `mit_aussicht` counts from the current week."""
    spaeter = sum((zugang or {}).values())
    return Reichweite(plaetze_sofort=sofort, plaetze_mit_aussicht=mit_aussicht, wochen=wochen,
                      reicht_bis=reicht_bis(wochen, sofort),
                      reicht_bis_mit_aussicht=reicht_bis(wochen, mit_aussicht - spaeter, zugang))


def _zugaenge(session: Session, *, landkreis: Landkreis, stichtag: date | None,
              woche: date, kommunen: dict[int, Kommune]) -> dict[int, dict[date, int]]:
    """For the Kommunen whose figures come from their accommodation list: the places in
    prospect by the Monday of the week they open (`verfuegbar_ab`), only those after `woche`
    (the list as it stood at the end of `stichtag`)."""
    mit_liste = {k.name: i for i, k in kommunen.items()
                 if k.meldequelle == Meldequelle.UNTERKUENFTE}
    if not mit_liste:
        return {}
    zugaenge: dict[int, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for stand in unterkuenfte.liste(session, landkreis=landkreis, benutzer=None,
                                    system="Prognose", stichtag=stichtag):
        kette, ab = stand.kapazitaet, stand.werte["verfuegbar_ab"]
        if (stand.kommune in mit_liste and kette.status == Unterkunftsstatus.IN_AUSSICHT.value
                and ab is not None and montag(ab) > woche and kette.kuenftig):
            zugaenge[mit_liste[stand.kommune]][montag(ab)] += kette.kuenftig
    return zugaenge


@dataclass(frozen=True)
class Prognose:
    """The horizon at `stichtag`: from `aktuelle_woche` to the end of `zeitraum` (if any)."""

    stichtag: date
    aktuelle_woche: date
    zeitraum: Verteilzeitraum | None
    kommunen: tuple[tuple[Kommune, Reichweite], ...]
    landkreis: Reichweite
    benoetigt_bis_zeitraumende: int

    def von(self, kommune_id: int) -> Reichweite | None:
        """One Kommune's horizon, None when it is not among the rows (a lookup, not a search:
        GraphQL asks once per row)."""
        return self._nach_id.get(kommune_id)

    @cached_property
    def _nach_id(self) -> dict[int, Reichweite]:
        return {k.id: r for k, r in self.kommunen}

    def nicht_diese_woche(self, reichweite: Reichweite, *, mit_aussicht: bool = False) -> bool:
        """Whether the places do not even last the current week."""
        bis = reichweite.reicht_bis_mit_aussicht if mit_aussicht else reichweite.reicht_bis
        return bis == iso_woche(self.aktuelle_woche - timedelta(weeks=1))

    def reicht_text(self, reichweite: Reichweite, *, mit_aussicht: bool = False) -> str:
        """How far the places reach, in words, as the screen and the downloads say it:
        "KW 5/2027", "reicht nicht für diese Woche", or, when they never run out within the
        horizon, "bis Zeitraumende" (a period with an end) or "–" (only announced weeks)."""
        bis = reichweite.reicht_bis_mit_aussicht if mit_aussicht else reichweite.reicht_bis
        if bis is None:
            return "bis Zeitraumende" if self.zeitraum and self.zeitraum.ende else "–"
        if self.nicht_diese_woche(reichweite, mit_aussicht=mit_aussicht):
            return "reicht nicht für diese Woche"
        return kalenderwoche(bis)


def prognose(session: Session, *, landkreis: Landkreis, stichtag: date | None = None,
             sichtbar: ColumnElement[bool] | None = None, stand: list[Stand] | None = None
             ) -> Prognose:
    """The horizon now (or as it stood at the end of `stichtag`: its figures, its period and
    the announcements known then), for the Kommunen in the caller's row scope `sichtbar`;
    `stand`: those figures when the caller has them already."""
    tag = stichtag or heute()
    if stand is None:
        stand = staende(session, landkreis=landkreis, stichtag=stichtag, sichtbar=sichtbar)
    zeitraum = zeitraum_am(session, landkreis=landkreis, tag=tag)
    ende = zeitraum.ende if zeitraum is not None else None
    woche = montag(tag)
    angekuendigt_ = angekuendigt(session, kommune_ids=[s.kommune.id for s in stand],
                                 bis=tagesende(stichtag) if stichtag else None)
    zugaenge = _zugaenge(session, landkreis=landkreis, stichtag=stichtag, woche=woche,
                         kommunen={s.kommune.id: s.kommune for s in stand})
    kommunen = []
    for s in stand:
        z = s.zeile
        wochen = wochenreihe(aktuelle_woche=woche, ende=ende, angekuendigt=angekuendigt_[
            s.kommune.id], rest_quote=max(z.zu_erfuellen or 0, 0))
        sofort = z.sofort_verfuegbar - z.zugesagt_fuer_andere
        kommunen.append((s.kommune, _reichweite(wochen, sofort, sofort + z.in_aussicht,
                                                zugaenge.get(s.kommune.id))))
    zusammenfassung = kennzahlen.zusammenfassen(s.zeile for s in stand)
    kreiszugang: dict[date, int] = defaultdict(int)
    for je_woche in zugaenge.values():
        for ab, plaetze in je_woche.items():
            kreiszugang[ab] += plaetze
    kreis = _reichweite(summenreihe(r.wochen for _, r in kommunen),
                        zusammenfassung.sofort_verfuegbar, zusammenfassung.gesamt_verfuegbar,
                        kreiszugang)
    return Prognose(stichtag=tag, aktuelle_woche=woche, zeitraum=zeitraum,
                    kommunen=tuple(kommunen), landkreis=kreis,
                    benoetigt_bis_zeitraumende=zusammenfassung.benoetigt)
