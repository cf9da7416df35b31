"""Column labels and formatters shared by the admin lists (numbers and dates the German way)."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from wrm import anzeige
from wrm.anzeige import zeitpunkt
from wrm.meldefelder import ZAHLENFELDER


def zahlenspalten() -> dict[str, str]:
    """The reported figures as {column name: "(n) label"}, in the paper's order."""
    return {f.name: f.titel for f in ZAHLENFELDER}


def stand_formatieren(view: Any, context: Any, model: Any, name: str) -> str:
    """A timestamp as local "dd.mm.yyyy hh:mm"."""
    return zeitpunkt(getattr(model, name))


UNVERAENDERT = "bestätigt, unverändert"


def _aenderungszeilen(aenderungen: dict[str, list[object]], titel: dict[str, str]) -> list[str]:
    return [f"{titel.get(feld, feld)}: {anzeige.wert(alt)} → {anzeige.wert(neu)}"
            for feld, (alt, neu) in aenderungen.items()]


def aenderungen_formatieren(aenderungen: dict[str, list[object]], titel: dict[str, str]) -> Markup:
    """A history entry's changes as "label: old → new" lines (HTML, for the screens)."""
    zeilen = _aenderungszeilen(aenderungen, titel)
    return Markup("<br>").join(escape(z) for z in zeilen) if zeilen \
        else Markup("<em>{}</em>").format(UNVERAENDERT)


def aenderungen_text(aenderungen: dict[str, list[object]], titel: dict[str, str]) -> str:
    """The same as plain text, "; "-separated (for exports: no HTML in data)."""
    return "; ".join(_aenderungszeilen(aenderungen, titel)) or UNVERAENDERT
