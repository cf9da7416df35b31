"""The history screen: who changed which field of which report when, old → new."""

from __future__ import annotations

from typing import Any

from admin.base import GeschuetzteModelView
from admin.spalten import (
    aenderungen_formatieren,
    aenderungen_text,
    stand_formatieren,
    zahlenspalten,
)
from wrm import berechtigungen
from wrm.berechtigungen import Aktion
from wrm.meldefelder import bezeichnung
from wrm.models import Verlaufseintrag

_TITEL = {**zahlenspalten(), "lage": "(12) Lage", "bemerkung": "Bemerkung"}


def _sichtbare_aenderungen(view: VerlaufView, model: Verlaufseintrag) -> dict[str, list[object]]:
    return {feld: werte for feld, werte in model.aenderungen.items()
            if feld != "bemerkung" or berechtigungen.bemerkung_sichtbar(view.benutzer,
                                                                      model.kommune)}


def _vorgang(view: VerlaufView, context: Any, model: Verlaufseintrag, name: str) -> str:
    return bezeichnung("vorgang", model.vorgang)


def _aenderungen(view: VerlaufView, context: Any, model: Verlaufseintrag, name: str) -> Any:
    return aenderungen_formatieren(_sichtbare_aenderungen(view, model), _TITEL)


def _aenderungen_export(view: VerlaufView, context: Any, model: Verlaufseintrag,
                        name: str) -> str:
    return aenderungen_text(_sichtbare_aenderungen(view, model), _TITEL)


class VerlaufView(GeschuetzteModelView):
    """Read-only list of history entries (a kommune user: its own Kommune's)."""

    aktion = Aktion.LESEN
    export_erlaubt = True
    column_list = ("zeitpunkt", "kommune", "benutzer_name", "vorgang", "aenderungen")
    column_details_list = column_list
    column_default_sort = ("zeitpunkt", True)
    column_searchable_list = ("kommune.name", "benutzer_name")
    column_filters = ("vorgang",)
    column_labels = {"zeitpunkt": "Zeitpunkt", "kommune": "Kommune", "benutzer_name": "Benutzer",
                     "vorgang": "Vorgang", "aenderungen": "Änderungen (alt → neu)",
                     "kommune.name": "Kommune"}
    column_sortable_list = ("zeitpunkt", ("kommune", "kommune.name"))
    column_formatters = {"zeitpunkt": stand_formatieren, "aenderungen": _aenderungen,
                         "vorgang": _vorgang}
    column_formatters_export = {"aenderungen": _aenderungen_export, "vorgang": _vorgang}

    def is_accessible(self) -> bool:
        # The history names who changed what: personal data, not for the press office.
        return super().is_accessible() and berechtigungen.personen_sichtbar(self.benutzer)
