"""The read model: the figures a worker shares between its read requests — each Landkreis'
`Stand` lists by day and what they are built from that does not depend on the day (its
Kommunen, periods and agreements) — in one place, keyed by the data version that every write
changes, so a read after a write, in any worker, never meets an old entry. A Stichtag not asked
for before is computed from the Landkreis' history in memory (`wrm.services.verlaufsspeicher`),
which follows the writes from the change log instead of being loaded per version.

The GraphQL context asks it (`wrm.api.context`); it is made with the app and emptied with the
worker's other stores (`wrm.zwischenspeicher`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from datetime import date
from typing import Any

from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from wrm import berechtigungen, kennzahlen
from wrm.berechtigungen import Aktion
from wrm.models import Benutzer, Kommune
from wrm.services.hilfen import hilfen
from wrm.services.stand import Stand, staende, tagesgrundlage
from wrm.services.verlaufsspeicher import (
    HOECHSTENS_EINTRAEGE,
    Verlaufsspeicher,
    buchungsverlaeufe,
    quotenverlaeufe,
    staende_am,
)
from wrm.services.vorrat import Vorrat
from wrm.speicher import Lru
from wrm.zeit import heute

#: How many `Stand` lists and loaded sets a worker keeps (a Landkreis' list is small; state
#: scale is a thousand rows).
GROESSE = 64
_ERWEITERUNG = "wrm_lesemodell"


class Lesemodell:
    """A worker's shared figures (see the module)."""

    def __init__(self, groesse: int = GROESSE) -> None:
        self.eintraege = Lru(groesse, "lesemodell")
        # Histories by Landkreis, least recently used first; None: too large to keep.
        self._verlaeufe: dict[int, Verlaufsspeicher | None] = {}
        # One lock for loading, following and reading them (threaded servers).
        self._verlaufssperre = threading.Lock()

    def leeren(self) -> None:
        """Forget everything (`wrm.zwischenspeicher`)."""
        self.eintraege.leeren()
        with self._verlaufssperre:
            self._verlaeufe.clear()

    def staende(self, session: Session, *, benutzer: Benutzer, stichtag: date | None,
                version: int) -> list[Stand]:
        """Every active Kommune's `Stand` of the user's Landkreis that the user may see, now or
        at the end of `stichtag`, as of data version `version`. The list is shared: read it,
        never change it."""
        key = ("staende", benutzer.landkreis_id, benutzer.rolle.value, benutzer.kommune_id,
               stichtag, heute(), version)
        liste = self.eintraege.holen(key)
        if liste is None:
            if stichtag is not None:
                liste = self._aus_dem_verlauf(session, benutzer, stichtag, version)
            if liste is None:
                liste = staende(session, landkreis=benutzer.landkreis, stichtag=stichtag,
                                sichtbar=berechtigungen.bereich(benutzer, Kommune, Aktion.LESEN),
                                vorrat=self.vorrat(version))
            self.eintraege.ablegen(key, liste)
        return liste  # type: ignore[no-any-return]

    def _aus_dem_verlauf(self, session: Session, benutzer: Benutzer, stichtag: date,
                         version: int) -> list[Stand] | None:
        """The list at `stichtag` from the history in memory; None when it is not kept."""
        landkreis_id = benutzer.landkreis_id
        with self._verlaufssperre:
            if self._verlauf(session, landkreis_id, version) is None:
                return None
        vorrat = self.vorrat(version)
        zeitraum, kommunen = tagesgrundlage(session, landkreis_id=landkreis_id, tag=stichtag,
                                            vorrat=vorrat)
        # The scope stays the one condition of `wrm.berechtigungen`, evaluated to ids.
        sichtbar = vorrat(("sichtbar", landkreis_id, benutzer.rolle.value, benutzer.kommune_id),
                          lambda: set(session.scalars(select(Kommune.id).where(
                              Kommune.landkreis_id == landkreis_id,
                              berechtigungen.bereich(benutzer, Kommune, Aktion.LESEN)))))
        quoten = vorrat(("quotenverlaeufe", landkreis_id),
                        lambda: quotenverlaeufe(session, landkreis_id))
        buchungen = vorrat(("buchungsverlaeufe", landkreis_id),
                           lambda: buchungsverlaeufe(session, landkreis_id))
        wirkung = kennzahlen.hilfewirkung(hilfen(session, landkreis_ids=[landkreis_id],
                                                 stichtag=stichtag, vorrat=vorrat))
        with self._verlaufssperre:
            speicher = self._verlaeufe.get(landkreis_id)
            if speicher is None or speicher.version != version:  # moved on in another thread
                return None
            return staende_am(speicher, stichtag=stichtag, kommunen=kommunen,
                              sichtbar=sichtbar, zeitraum=zeitraum, quoten=quoten,
                              buchungen=buchungen, wirkung=wirkung)

    def _verlauf(self, session: Session, landkreis_id: int, version: int
                 ) -> Verlaufsspeicher | None:
        """The Landkreis' history at `version`: kept, brought forward, or loaded (under the
        lock). None when it is too large, or already further on (a request that read an
        older version in another thread goes to the database)."""
        if landkreis_id in self._verlaeufe:
            speicher = self._verlaeufe.pop(landkreis_id)
            self._verlaeufe[landkreis_id] = speicher  # now the most recently used
            if speicher is None:
                return None
            if speicher.version > version:
                return None
            if speicher.nachziehen(session, version):
                return speicher
        speicher = Verlaufsspeicher.laden(session, landkreis_id=landkreis_id, version=version)
        self._verlaeufe.pop(landkreis_id, None)
        self._verlaeufe[landkreis_id] = speicher
        # Older Landkreise go while all together hold more than one may.
        while sum(s.anzahl for s in self._verlaeufe.values() if s is not None) \
                > HOECHSTENS_EINTRAEGE and len(self._verlaeufe) > 1:
            del self._verlaeufe[next(iter(self._verlaeufe))]
        return speicher

    def vorrat(self, version: int) -> Vorrat:
        """The services' `Vorrat` at data version `version`: what does not depend on the day,
        loaded once per version."""
        def vorrat(schluessel: Hashable, laden: Callable[[], Any]) -> Any:
            key = ("vorrat", schluessel, version)
            wert = self.eintraege.holen(key)
            if wert is None:
                wert = laden()
                self.eintraege.ablegen(key, wert)
            return wert
        return vorrat


def anlegen(app: Flask, groesse: int = GROESSE) -> Lesemodell:
    """The app's read model (made once, with the app)."""
    modell = Lesemodell(groesse)
    app.extensions[_ERWEITERUNG] = modell
    return modell


def lesemodell() -> Lesemodell | None:
    """The current app's read model (None when the worker shares nothing: caches off)."""
    return current_app.extensions.get(_ERWEITERUNG)  # type: ignore[no-any-return]
