"""A Landkreis' report history in a worker's memory, so that the figures at a Stichtag not
asked for before need no statement: the latest entry before the end of the day is a binary
search per Kommune instead of an index seek per Kommune in the database.

It is loaded once and then kept current from the change log (`Aenderungsprotokoll`): every
write notes, under the version row's lock and so in commit order, the ids of the history
entries it added; a worker that sees a new data version loads those entries by id. A write
that changed the history in any other way, or a gap in the chain of versions (a restore, rows
older than a day), makes it load the whole history again.

Entries are kept column by column in typed arrays (about 70 bytes each instead of 300 as
tuples); a Landkreis with more than `HOECHSTENS_EINTRAEGE` is not kept, and its Stichtage are
read from the database as before (`wrm.services.stand`).
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections import namedtuple
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Integer, bindparam, func, select, tuple_
from sqlalchemy.orm import Session

from wrm import kennzahlen
from wrm.db import UtcDateTime
from wrm.meldefelder import ZAHLENNAMEN, Lage
from wrm.models import (
    Aenderungsprotokoll,
    Buchung,
    Kommune,
    Quotenaenderung,
    Verlaufseintrag,
    Verteilzeitraum,
)
from wrm.services.stand import QUELLNAMEN, Stand, stand_aus
from wrm.zeit import tagesende

#: A Landkreis' history is kept up to this many entries (≈ 15 MB); larger ones are read from
#: the database at each Stichtag.
HOECHSTENS_EINTRAEGE = 200_000
#: More new entries than this in the change log since the last look: load everything anew.
HOECHSTENS_NACHLADEN = 2_000

_EPOCHE = datetime(1970, 1, 1, tzinfo=UTC)
_MIKRO = timedelta(microseconds=1)
_LEER = -(2**31)  # "not reported" in the integer columns (figures are ≥ 0)
_LAGEN = tuple(Lage)
_LAGE_CODE = {lage: i for i, lage in enumerate(_LAGEN)} | {
    lage.value: i for i, lage in enumerate(_LAGEN)}
#: Integer columns of an entry, then two texts kept as indexes into a shared list.
_ZAHLEN = (*ZAHLENNAMEN, "lage", "version")
_TEXTE = ("bemerkung", "benutzer_name")
_BREITE = len(_ZAHLEN) + len(_TEXTE)

_SPALTEN = (Verlaufseintrag.kommune_id, Verlaufseintrag.zeitpunkt, Verlaufseintrag.id,
            *(getattr(Verlaufseintrag, name) for name in (*_ZAHLEN, *_TEXTE)))
#: Rows per statement of a full load: the whole history in one result would be held as row
#: objects at once (50 MB at 95,000 entries, which the worker's heap then keeps).
STUECK = 5_000
_REIHENFOLGE = (Verlaufseintrag.kommune_id, Verlaufseintrag.zeitpunkt, Verlaufseintrag.id)
_ALLE = (select(*_SPALTEN).join(Kommune, Kommune.id == Verlaufseintrag.kommune_id)
         .where(Kommune.landkreis_id == bindparam("landkreis", type_=Integer))
         .order_by(*_REIHENFOLGE).limit(bindparam("stueck", type_=Integer)))
_WEITER = _ALLE.where(tuple_(*_REIHENFOLGE) > tuple_(
    bindparam("k", type_=Integer), bindparam("z", type_=UtcDateTime),
    bindparam("i", type_=Integer)))
_NACH_ID = (select(*_SPALTEN).join(Kommune, Kommune.id == Verlaufseintrag.kommune_id)
            .where(Kommune.landkreis_id == bindparam("landkreis", type_=Integer),
                   Verlaufseintrag.id.in_(bindparam("ids", expanding=True))))
_ANZAHL = (select(func.count()).select_from(Verlaufseintrag)
           .join(Kommune, Kommune.id == Verlaufseintrag.kommune_id)
           .where(Kommune.landkreis_id == bindparam("landkreis", type_=Integer)))
_PROTOKOLL = (select(Aenderungsprotokoll.version, Aenderungsprotokoll.vorher,
                     Aenderungsprotokoll.verlaufseintraege)
              .where(Aenderungsprotokoll.version > bindparam("von"),
                     Aenderungsprotokoll.version <= bindparam("bis"))
              .order_by(Aenderungsprotokoll.version))


def mikrosekunden(zeitpunkt: datetime) -> int:
    """An aware timestamp as whole microseconds since 1970 (exact, unlike `timestamp()`)."""
    return (zeitpunkt - _EPOCHE) // _MIKRO


class _Reihe:
    """One Kommune's entries, ordered by (time, id) as the database's "latest entry" is."""

    __slots__ = ("ids", "werte", "zeiten")

    def __init__(self) -> None:
        self.zeiten = array("q")
        self.ids = array("q")
        self.werte = array("i")

    def einfuegen(self, zeit: int, eintrag_id: int, werte: Sequence[int]) -> bool:
        """Put an entry in its place; False when it is there already."""
        if not self.zeiten or (zeit, eintrag_id) > (self.zeiten[-1], self.ids[-1]):
            stelle = len(self.zeiten)
        else:
            stelle = bisect_left(self.zeiten, zeit)
            ende = bisect_right(self.zeiten, zeit, lo=stelle)
            while stelle < ende and self.ids[stelle] < eintrag_id:
                stelle += 1
            if stelle < ende and self.ids[stelle] == eintrag_id:
                return False
        self.zeiten.insert(stelle, zeit)
        self.ids.insert(stelle, eintrag_id)
        self.werte[stelle * _BREITE:stelle * _BREITE] = array("i", werte)
        return True


class Verlaufsspeicher:
    """One Landkreis' history entries at data version `version` (see the module)."""

    def __init__(self, landkreis_id: int, version: int) -> None:
        self.landkreis_id = landkreis_id
        self.version = version
        self.anzahl = 0
        self._reihen: dict[int, _Reihe] = {}
        self._texte: list[str | None] = [None]
        self._textnummern: dict[str | None, int] = {None: 0}

    @classmethod
    def laden(cls, session: Session, *, landkreis_id: int, version: int
              ) -> Verlaufsspeicher | None:
        """The Landkreis' whole history (as committed now, at least `version`); None when it
        has more than `HOECHSTENS_EINTRAEGE` entries or a figure beyond 32 bits."""
        if (session.execute(_ANZAHL, {"landkreis": landkreis_id}).scalar() or 0) \
                > HOECHSTENS_EINTRAEGE:
            return None
        speicher = cls(landkreis_id, version)
        # Core, not the ORM's row loading: these are plain columns (a third of the time).
        verbindung = session.connection()
        zeilen = verbindung.execute(_ALLE, {"landkreis": landkreis_id, "stueck": STUECK}).all()
        try:
            while zeilen:
                speicher._aufnehmen(zeilen)
                if len(zeilen) < STUECK:
                    break
                k, z, i = zeilen[-1][:3]
                zeilen = verbindung.execute(_WEITER, {"landkreis": landkreis_id, "k": k,
                                                      "z": z, "i": i, "stueck": STUECK}).all()
        except OverflowError:
            return None
        return speicher

    def nachziehen(self, session: Session, version: int) -> bool:
        """Bring the history to data version `version` from the change log; False when the
        log cannot (the caller loads anew). Not safe for two threads at once: the read model
        calls it under its lock."""
        if version == self.version:
            return True
        if version < self.version:
            return False
        neue: list[int] = []
        vorige = self.version
        for zeile in session.execute(_PROTOKOLL, {"von": self.version, "bis": version}):
            if zeile.vorher != vorige or zeile.verlaufseintraege is None:
                return False
            neue.extend(zeile.verlaufseintraege)
            vorige = zeile.version
        if vorige != version or len(neue) > HOECHSTENS_NACHLADEN:
            return False
        if not self.nachladen(session, neue):
            return False
        self.version = version
        return self.anzahl <= HOECHSTENS_EINTRAEGE

    def nachladen(self, session: Session, ids: list[int]) -> bool:
        """Add the history entries with these ids (those of other Landkreise, and those kept
        already, are left out); False when one does not fit (a figure beyond 32 bits)."""
        if not ids:
            return True
        try:
            self._aufnehmen(session.execute(_NACH_ID, {"landkreis": self.landkreis_id,
                                                       "ids": ids}))
        except OverflowError:
            return False
        return True

    def _aufnehmen(self, zeilen: Iterable[Any]) -> None:
        for kommune_id, zeitpunkt, eintrag_id, *rest in zeilen:
            werte = [_LEER if w is None else w for w in rest[:len(ZAHLENNAMEN)]]
            lage = rest[len(ZAHLENNAMEN)]
            werte.append(_LEER if lage is None else _LAGE_CODE[lage])
            werte.append(rest[len(ZAHLENNAMEN) + 1])
            werte.extend(self._textnummer(t) for t in rest[len(_ZAHLEN):])
            reihe = self._reihen.get(kommune_id)
            if reihe is None:
                reihe = self._reihen[kommune_id] = _Reihe()
            if reihe.einfuegen(mikrosekunden(zeitpunkt), eintrag_id, werte):
                self.anzahl += 1

    def _textnummer(self, text: str | None) -> int:
        nummer = self._textnummern.get(text)
        if nummer is None:
            nummer = self._textnummern[text] = len(self._texte)
            self._texte.append(text)
        return nummer

    def letzter(self, kommune_id: int, grenze_us: int) -> tuple[Any, ...] | None:
        """The Kommune's latest entry before `grenze_us` (µs, `mikrosekunden`) as (id, then
        the columns of `wrm.services.stand.QUELLNAMEN`), None when there is none."""
        reihe = self._reihen.get(kommune_id)
        if reihe is None:
            return None
        stelle = bisect_left(reihe.zeiten, grenze_us)
        if stelle == 0:
            return None
        stelle -= 1
        roh = reihe.werte[stelle * _BREITE:(stelle + 1) * _BREITE]
        zahlen = [None if w == _LEER else w for w in roh[:len(ZAHLENNAMEN)]]
        lage = roh[len(ZAHLENNAMEN)]
        return (reihe.ids[stelle], *zahlen, None if lage == _LEER else _LAGEN[lage],
                self._texte[roh[len(_ZAHLEN)]], _EPOCHE + reihe.zeiten[stelle] * _MIKRO,
                roh[len(ZAHLENNAMEN) + 1], self._texte[roh[len(_ZAHLEN) + 1]])


class Zeitreihen:
    """Values over time per (Kommune, period), from rows (Kommune, period, time, value) in time
    order: the latest value before a moment (a quota), or the sum of those before it (credits).
    """

    def __init__(self, zeilen: Iterable[Any], *, summieren: bool) -> None:
        self._reihen: dict[tuple[int, int], tuple[list[int], list[Any]]] = {}
        self._summieren = summieren
        for kommune_id, zeitraum_id, zeitpunkt, wert in zeilen:
            zeiten, werte = self._reihen.setdefault((kommune_id, zeitraum_id), ([], []))
            zeiten.append(mikrosekunden(zeitpunkt))
            werte.append((werte[-1] if werte else 0) + wert if summieren else wert)

    def am(self, kommune_id: int, zeitraum_id: int, grenze_us: int) -> Any:
        """The value before `grenze_us`: the latest (None without one) or the sum (0)."""
        leer = 0 if self._summieren else None
        reihe = self._reihen.get((kommune_id, zeitraum_id))
        if reihe is None:
            return leer
        stelle = bisect_left(reihe[0], grenze_us)
        return reihe[1][stelle - 1] if stelle else leer


def quotenverlaeufe(session: Session, landkreis_id: int) -> Zeitreihen:
    """Every quota change of the Landkreis' Kommunen (`Quotenaenderung`)."""
    return Zeitreihen(session.execute(_QUOTEN, {"landkreis": landkreis_id}), summieren=False)


def buchungsverlaeufe(session: Session, landkreis_id: int) -> Zeitreihen:
    """Every credit booked to the Landkreis' Kommunen (`Buchung`), summed up over time."""
    return Zeitreihen(session.execute(_BUCHUNGEN, {"landkreis": landkreis_id}),
                      summieren=True)


_QUOTEN = (select(Quotenaenderung.kommune_id, Quotenaenderung.verteilzeitraum_id,
                  Quotenaenderung.zeitpunkt, Quotenaenderung.wert)
           .join(Kommune, Kommune.id == Quotenaenderung.kommune_id)
           .where(Kommune.landkreis_id == bindparam("landkreis", type_=Integer))
           .order_by(Quotenaenderung.zeitpunkt, Quotenaenderung.id))
_BUCHUNGEN = (select(Buchung.kommune_id, Buchung.verteilzeitraum_id, Buchung.eingetragen_am,
                     Buchung.personen)
              .join(Kommune, Kommune.id == Buchung.kommune_id)
              .where(Kommune.landkreis_id == bindparam("landkreis", type_=Integer))
              .order_by(Buchung.eingetragen_am, Buchung.id))

#: A row as `wrm.services.stand.stand_aus` reads it.
_Zeile = namedtuple("_Zeile", ("kommune_id", "quote", "anrechnungen", "eintrag_id",  # type: ignore[misc]
                               *QUELLNAMEN))
_OHNE_EINTRAG = (None,) * (1 + len(QUELLNAMEN))


def staende_am(speicher: Verlaufsspeicher, *, stichtag: date, kommunen: dict[int, Kommune],
               sichtbar: set[int], zeitraum: Verteilzeitraum | None, quoten: Zeitreihen,
               buchungen: Zeitreihen, wirkung: dict[int, kennzahlen.Hilfewirkung]
               ) -> list[Stand]:
    """What `wrm.services.stand.staende` answers for `stichtag`, from memory: every active
    Kommune in `sichtbar` (ids of the caller's scope) existing before the day's end, with its
    latest entry, quota and credits before then."""
    grenze = tagesende(stichtag)
    grenze_us = mikrosekunden(grenze)
    ergebnis = []
    for kommune in kommunen.values():
        if not kommune.aktiv or kommune.angelegt_am >= grenze or kommune.id not in sichtbar:
            continue
        quote, anrechnungen = None, 0
        if zeitraum is not None:
            quote = quoten.am(kommune.id, zeitraum.id, grenze_us)
            anrechnungen = buchungen.am(kommune.id, zeitraum.id, grenze_us)
        eintrag = speicher.letzter(kommune.id, grenze_us) or _OHNE_EINTRAG
        ergebnis.append(stand_aus(kommune, _Zeile(kommune.id, quote, anrechnungen, *eintrag),
                                  wirkung.get(kommune.id)))
    return sorted(ergebnis, key=lambda s: s.zeile.reihenfolge)
