"""The read model: the figures a worker shares between its read requests — each Landkreis'
`Stand` lists by day and what they are built from that does not depend on the day (its
Kommunen, periods and agreements) — in one place, keyed by the data version that every write
changes, so a read after a write, in any worker, never meets an old entry.

The GraphQL context asks it (`wrm.api.context`); it is made with the app and emptied with the
worker's other stores (`wrm.zwischenspeicher`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import date
from typing import Any

from flask import Flask, current_app
from sqlalchemy.orm import Session

from wrm import berechtigungen
from wrm.berechtigungen import Aktion
from wrm.models import Benutzer, Kommune
from wrm.services.stand import Stand, staende
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
        self.eintraege = Lru(groesse)

    def leeren(self) -> None:
        """Forget everything (`wrm.zwischenspeicher`)."""
        self.eintraege.leeren()

    def staende(self, session: Session, *, benutzer: Benutzer, stichtag: date | None,
                version: int) -> list[Stand]:
        """Every active Kommune's `Stand` of the user's Landkreis that the user may see, now or
        at the end of `stichtag`, as of data version `version`. The list is shared: read it,
        never change it."""
        key = ("staende", benutzer.landkreis_id, benutzer.rolle.value, benutzer.kommune_id,
               stichtag, heute(), version)
        liste = self.eintraege.holen(key)
        if liste is None:
            liste = staende(session, landkreis=benutzer.landkreis, stichtag=stichtag,
                            sichtbar=berechtigungen.bereich(benutzer, Kommune, Aktion.LESEN),
                            vorrat=self.vorrat(version))
            self.eintraege.ablegen(key, liste)
        return liste  # type: ignore[no-any-return]

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
