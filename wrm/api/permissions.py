"""Field permissions: each asks `wrm.berechtigungen` and raises a German FORBIDDEN error."""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission
from strawberry.types import Info

from wrm import berechtigungen
from wrm.api.context import kontext
from wrm.api.fehler import NichtErlaubt


def _kommune_id(quelle: Any) -> int:
    return quelle.kommune_id  # every type guarded here carries its Kommune's id


class BemerkungSichtbar(BasePermission):
    """The internal note: the county, and the Kommune itself."""

    message = "Die interne Bemerkung sehen nur der Landkreis und die eigene Kommune."

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        """Raise FORBIDDEN unless `bemerkung_sichtbar`."""
        if not berechtigungen.bemerkung_sichtbar(kontext(info).angemeldet, _kommune_id(source)):
            raise NichtErlaubt(self.message)
        return True


class PersonenSichtbar(BasePermission):
    """Who reported or changed something, and report versions: not for the press office."""

    message = "Angaben zu Personen und Bearbeitungsständen sind für die Pressestelle gesperrt."

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        """Raise FORBIDDEN unless `personen_sichtbar`."""
        if not berechtigungen.personen_sichtbar(kontext(info).angemeldet):
            raise NichtErlaubt(self.message)
        return True


class VerlaufSichtbar(BasePermission):
    """A Kommune's history: the county all, a Kommune its own, the press the figures."""

    message = "Den Verlauf anderer Kommunen sieht nur der Landkreis."

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        """Raise FORBIDDEN unless `verlauf_sichtbar`."""
        if not berechtigungen.verlauf_sichtbar(kontext(info).angemeldet, _kommune_id(source)):
            raise NichtErlaubt(self.message)
        return True
