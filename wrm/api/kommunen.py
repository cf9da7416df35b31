"""Kommune: name, kind, current report and history."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types import Info

from wrm.api.context import kontext
from wrm.api.meldungen import Meldung, meldung_aus
from wrm.api.permissions import VerlaufSichtbar
from wrm.api.verlauf import Aenderung, verlauf_von
from wrm.db import jetzt
from wrm.kennzahlen import veraltet
from wrm.models import Art
from wrm.models import Kommune as KommuneModell
from wrm.namen import namensschluessel

ArtEnum = strawberry.enum(Art, name="Art", description="Stadt, Gemeinde oder Samtgemeinde.")


@strawberry.type(description="Eine Kommune des Landkreises.")
class Kommune:
    """A Kommune; its report and history come from what the request loaded once."""

    name: str
    art: ArtEnum  # type: ignore[valid-type]
    kommune_modell: strawberry.Private[KommuneModell]

    @property
    def kommune_id(self) -> int:
        """The record's id."""
        return self.kommune_modell.id

    @classmethod
    def aus(cls, modell: KommuneModell) -> Kommune:
        """The API object of a Kommune record."""
        return cls(name=modell.name, art=Art(modell.art), kommune_modell=modell)

    @strawberry.field(description="Die aktuelle Meldung; null, wenn nie gemeldet wurde.")
    def meldung(self, info: Info) -> Meldung | None:
        """The current report with the current quota."""
        ctx = kontext(info)
        stand = ctx.aktueller_stand(self.kommune_id)
        if stand is None or stand.version is None:  # never reported
            return None
        return meldung_aus(stand, bezug=jetzt(), frist_tage=ctx.meldefrist_tage)

    @strawberry.field(permission_classes=[VerlaufSichtbar],
                      description="Änderungen der Meldung, älteste zuerst; `von`/`bis` sind "
                                  "Kalendertage (einschließlich). null mit Fehler FORBIDDEN, "
                                  "wenn die Rolle diesen Verlauf nicht sehen darf.")
    def verlauf(self, info: Info, von: date | None = None, bis: date | None = None
                ) -> list[Aenderung] | None:
        """The history, loaded for every Kommune of the request in one query."""
        ctx = kontext(info)
        return verlauf_von(ctx, ctx.kommune_ids(), self.kommune_modell, von, bis)


@strawberry.type
class KommuneQuery:
    """Reading Kommunen."""

    @strawberry.field(description="Alle aktiven Kommunen des Landkreises in ihrer Reihenfolge; "
                                  "mit `nurVeraltet` nur die, deren Meldung überfällig ist.")
    def kommunen(self, info: Info, nur_veraltet: bool = False) -> list[Kommune]:
        """The Kommunen, optionally only those with an overdue report."""
        ctx = kontext(info)
        bezug = jetzt()
        # The county's own shelters' row reports by itself: it is never overdue.
        return [Kommune.aus(s.kommune) for s in ctx.stand()
                if not nur_veraltet or (veraltet(s.zeile.stand, bezug, ctx.meldefrist_tage)
                                        and not s.kommune.des_landkreises)]

    @strawberry.field(description="Eine Kommune nach Namen (Groß-/Kleinschreibung egal).")
    def kommune(self, info: Info, name: str) -> Kommune | None:
        """One Kommune, or null."""
        gesucht = namensschluessel(name)
        treffer = next((s.kommune for s in kontext(info).stand()
                        if namensschluessel(s.kommune.name) == gesucht), None)
        return Kommune.aus(treffer) if treffer is not None else None
