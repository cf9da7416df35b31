"""The per-request context: who asks, and what this request already loaded."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from flask import Request, Response, current_app
from sqlalchemy.orm import Session
from strawberry.types import Info

from wrm import berechtigungen
from wrm.api.cache import NUR_LESEND
from wrm.api.fehler import NichtAngemeldet
from wrm.berechtigungen import Aktion
from wrm.models import Benutzer, Kommune, Verlaufseintrag
from wrm.services.frische import meldefrist
from wrm.services.lesemodell import lesemodell
from wrm.services.prognose import Prognose, prognose
from wrm.services.stand import Stand, staende

#: Set by the view in the request's WSGI environ: the data version read for this request, or
#: None when the response cache (and with it every shared cache) is off.
DATENSTAND = "wrm.datenstand"


@dataclass
class Kontext:
    """`info.context` of every resolver."""

    request: Request
    response: Response
    session: Session
    benutzer: Benutzer | None
    # What was loaded once per request, so that nested fields cost no extra queries.
    _stand: dict[date | None, list[Stand]] = field(default_factory=dict)
    _aktuell_nach_id: dict[int, Stand] = field(default_factory=dict)
    _verlauf: dict[tuple[date | None, date | None], dict[int, list[Verlaufseintrag]]] = field(
        default_factory=dict)
    _prognose: dict[date | None, Prognose] = field(default_factory=dict)

    @cached_property
    def meldefrist_tage(self) -> int:
        """The reporting interval after which a report counts as overdue (once per request:
        every row asks)."""
        return meldefrist(self.angemeldet.landkreis, int(current_app.config["MELDEFRIST_TAGE"]))

    def stand(self, stichtag: date | None = None) -> list[Stand]:
        """Every active Kommune's `Stand` the user may see (one query, kept for the request).

        A read-only operation takes it from the worker's read model
        (`wrm.services.lesemodell`), keyed by the data version that every write bumps.
        """
        if stichtag not in self._stand:
            benutzer = self.angemeldet
            version, modell = self._geteilte_version(), lesemodell()
            if version is not None and modell is not None:
                liste = modell.staende(self.session, benutzer=benutzer, stichtag=stichtag,
                                       version=version)
            else:
                liste = staende(
                    self.session, landkreis=benutzer.landkreis, stichtag=stichtag,
                    sichtbar=berechtigungen.bereich(benutzer, Kommune, Aktion.LESEN))
            self._stand[stichtag] = list(liste)
        return self._stand[stichtag]

    def _geteilte_version(self) -> int | None:
        """The data version to share this request's loads under; None: not shared (no cache,
        or the operation may write)."""
        version = self.request.environ.get(DATENSTAND)
        if version is None or not self.request.environ.get(NUR_LESEND):
            return None
        return version  # type: ignore[no-any-return]

    def prognose(self, stichtag: date | None = None) -> Prognose:
        """The planning horizon of the Kommunen the user may see (from `stand`, cached)."""
        if stichtag not in self._prognose:
            self._prognose[stichtag] = prognose(
                self.session, landkreis=self.angemeldet.landkreis, stichtag=stichtag,
                stand=self.stand(stichtag))
        return self._prognose[stichtag]

    def kommune_ids(self) -> list[int]:
        """The ids of the Kommunen the request shows (for loading their history at once)."""
        return [s.kommune.id for s in self.stand()]

    def neu_laden(self) -> None:
        """Forget what was loaded, after a write in this request."""
        self.session.expire_all()
        self.__dict__.pop("meldefrist_tage", None)  # the cached_property, read anew
        self._stand.clear()
        self._aktuell_nach_id.clear()
        self._verlauf.clear()
        self._prognose.clear()

    def aktueller_stand(self, kommune_id: int) -> Stand | None:
        """One Kommune's current `Stand`, from the cached list."""
        if not self._aktuell_nach_id:
            self._aktuell_nach_id = {s.kommune.id: s for s in self.stand()}
        return self._aktuell_nach_id.get(kommune_id)

    def verlauf_cache(self, von: date | None, bis: date | None
                      ) -> dict[int, list[Verlaufseintrag]] | None:
        """History entries already loaded for this period, by Kommune id."""
        return self._verlauf.get((von, bis))

    def verlauf_merken(self, von: date | None, bis: date | None,
                       eintraege: dict[int, list[Verlaufseintrag]]) -> None:
        """Keep loaded history entries for the other Kommunen of the same request."""
        self._verlauf[(von, bis)] = eintraege

    @property
    def angemeldet(self) -> Benutzer:
        """The user; the view lets no request without one through, this is the second lock."""
        if self.benutzer is None:
            raise NichtAngemeldet("Anmeldung erforderlich.")
        return self.benutzer


def kontext(info: Info) -> Kontext:
    """The typed context of a resolver."""
    return info.context  # type: ignore[no-any-return]
