"""Field permissions: each asks `wrm.berechtigungen` and raises a German FORBIDDEN error."""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission
from strawberry.types import Info

from wrm import berechtigungen
from wrm.api.context import kontext
from wrm.api.fehler import NichtErlaubt
from wrm.models import Benutzer


class _Regel(BasePermission):
    """Raises FORBIDDEN with `message` unless `erlaubt` says yes; never answers "no" silently."""

    def erlaubt(self, benutzer: Benutzer, quelle: Any) -> bool:
        """The rule, from `wrm.berechtigungen`."""
        raise NotImplementedError

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        """Check the rule for the logged-in user and the object the field belongs to."""
        if not self.erlaubt(kontext(info).angemeldet, source):
            raise NichtErlaubt(self.message or "Nicht erlaubt.")
        return True


class BemerkungSichtbar(_Regel):
    """The internal note: the county, and the Kommune itself."""

    message = "Die interne Bemerkung sehen nur der Landkreis und die eigene Kommune."

    def erlaubt(self, benutzer: Benutzer, quelle: Any) -> bool:
        """`bemerkung_sichtbar` for the report's Kommune."""
        return berechtigungen.bemerkung_sichtbar(benutzer, quelle.kommune_modell)


class PersonenSichtbar(_Regel):
    """Who reported or changed something, and report versions: not for the press office."""

    message = "Angaben zu Personen und Bearbeitungsständen sind für die Pressestelle gesperrt."

    def erlaubt(self, benutzer: Benutzer, quelle: Any) -> bool:
        """`personen_sichtbar`."""
        return berechtigungen.personen_sichtbar(benutzer)


class VerlaufSichtbar(_Regel):
    """A Kommune's history: the county all, a Kommune its own, the press the figures."""

    message = "Den Verlauf anderer Kommunen sieht nur der Landkreis."

    def erlaubt(self, benutzer: Benutzer, quelle: Any) -> bool:
        """`verlauf_sichtbar` for the Kommune."""
        return berechtigungen.verlauf_sichtbar(benutzer, quelle.kommune_modell)
