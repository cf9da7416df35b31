"""The per-request context: who asks, and what this request already loaded."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import Request, Response, current_app
from sqlalchemy.orm import Session
from strawberry.types import Info

from wrm import berechtigungen
from wrm.api.fehler import NichtAngemeldet
from wrm.berechtigungen import Aktion
from wrm.models import Benutzer, Kommune, Meldung, Verlaufseintrag
from wrm.services.auswertung import stand_zum
from wrm.services.frische import meldefrist


@dataclass
class Kontext:
    """`info.context` of every resolver."""

    request: Request
    response: Response
    session: Session
    benutzer: Benutzer | None
    # What was loaded once per request, so that nested fields cost no extra queries.
    _stand: dict[date | None, list[tuple[Kommune, Any, Any]]] = field(default_factory=dict)
    _aktuell_nach_id: dict[int, tuple[Kommune, Any, Any]] = field(default_factory=dict)
    _verlauf: dict[tuple[date | None, date | None], dict[int, list[Verlaufseintrag]]] = field(
        default_factory=dict)

    @property
    def meldefrist_tage(self) -> int:
        """The reporting interval after which a report counts as overdue."""
        return meldefrist(self.angemeldet.landkreis, int(current_app.config["MELDEFRIST_TAGE"]))

    def stand(self, stichtag: date | None = None) -> list[tuple[Kommune, Any, Any]]:
        """Every active Kommune with its source record and row (one query, cached)."""
        if stichtag not in self._stand:
            benutzer = self.angemeldet
            self._stand[stichtag] = stand_zum(
                self.session, landkreis=benutzer.landkreis, stichtag=stichtag,
                sichtbar=berechtigungen.bereich(benutzer, Kommune, Aktion.LESEN))
        return self._stand[stichtag]

    def kommune_ids(self) -> list[int]:
        """The ids of the Kommunen the request shows (for loading their history at once)."""
        return [kommune.id for kommune, _, _ in self.stand()]

    def neu_laden(self) -> None:
        """Forget what was loaded, after a write in this request."""
        self.session.expire_all()
        self._stand.clear()
        self._aktuell_nach_id.clear()
        self._verlauf.clear()

    def aktuelle_meldung(self, kommune_id: int) -> tuple[Kommune, Meldung | None, Any] | None:
        """The current (Kommune, Meldung, Zeile) of one Kommune, from the cached stand."""
        if not self._aktuell_nach_id:
            self._aktuell_nach_id = {eintrag[0].id: eintrag for eintrag in self.stand()}
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
