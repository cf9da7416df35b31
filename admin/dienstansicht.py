"""A model screen whose records change only through a service (rules, locking, history):
Flask-Admin's generic create, edit and delete are closed, and each write runs through
`ausfuehren`, which commits or explains the refusal in German and rolls back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash
from sqlalchemy import select

from admin.base import GeschuetzteModelView
from wrm import berechtigungen
from wrm.db import db
from wrm.models import Kommune
from wrm.services.kommunen import quotenpflichtig
from wrm.services.meldungen import Konflikt
from wrm.services.pruefung import Validierungsfehler, Verweigert


def ausfuehren(schritt: Callable[[], Any], erfolg: str | Callable[[Any], str],
               formular: Any = None) -> Any:
    """Run the service call and commit; on a refusal roll back and show why: at the form's
    field when there is one, else as a message. Returns the call's result, or None."""
    try:
        ergebnis = schritt()
        db.session.commit()
    except Validierungsfehler as fehler:
        db.session.rollback()
        for name, text in fehler.fehler.items():
            feld = getattr(formular, name, None) if formular is not None else None
            if feld is not None:
                feld.errors = [*feld.errors, text]
            else:
                flash(text, "error")
        return None
    except (Verweigert, Konflikt) as fehler:
        db.session.rollback()
        flash(str(fehler), "error")
        return None
    flash(erfolg(ergebnis) if callable(erfolg) else erfolg, "success")
    return ergebnis


class DienstAnsicht(GeschuetzteModelView):
    """Read through the row scope; write only through the service calls of the subclass."""

    can_create = False  # type: ignore[assignment]
    can_edit = False  # type: ignore[assignment]
    can_delete = False  # type: ignore[assignment]

    def kommunenwahl(self, *, nur_eigene: bool, mit_landkreis: bool = False
                     ) -> Callable[[], list[Kommune]]:
        """A query factory for a Kommune select: the active Kommunen the user may read; with
        `nur_eigene` a kommune user's own only (it acts for its own Kommune); the county's own
        shelters' row only `mit_landkreis` (it hosts, but asks for nothing)."""
        benutzer = self.benutzer
        abfrage = (select(Kommune).where(Kommune.aktiv, berechtigungen.bereich(benutzer, Kommune))
                   .order_by(Kommune.name))
        if not mit_landkreis:
            abfrage = quotenpflichtig(abfrage)
        if nur_eigene and benutzer is not None and benutzer.kommune_id is not None:
            abfrage = abfrage.where(Kommune.id == benutzer.kommune_id)
        return lambda: list(db.session.scalars(abfrage))

    # The module's `ausfuehren`, as `self.ausfuehren` for the subclasses.
    ausfuehren = staticmethod(ausfuehren)
