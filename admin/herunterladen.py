"""Sending a download: the one place that turns an `exporte.Tabelle` into a file response."""

from __future__ import annotations

import re
import unicodedata

from flask import Response, abort

from wrm import exporte

MEDIENTYPEN = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


_UMSCHRIFT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe",
                            "Ü": "Ue"})


def dateinamenteil(text: str) -> str:
    """A name as part of a file name, plain ASCII: "Bad Rothenfelde" → "Bad-Rothenfelde",
    "Bissendorf (Stadt)" → "Bissendorf-Stadt"."""
    ascii_ = unicodedata.normalize("NFKD", text.translate(_UMSCHRIFT)).encode(
        "ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_).strip("-") or "unbenannt"


def herunterladen(tabelle: exporte.Tabelle, name: str, format_: str) -> Response:
    """The table as an XLSX or CSV attachment named `name_YYYY-MM-DD.format`; 404 otherwise."""
    if format_ not in MEDIENTYPEN:
        abort(404)
    inhalt = exporte.als_xlsx(tabelle) if format_ == "xlsx" else exporte.als_csv(tabelle)
    dateiname = f"{name}_{tabelle.stichtag.isoformat()}.{format_}"
    return Response(inhalt, mimetype=MEDIENTYPEN[format_], headers={
        "Content-Disposition": f'attachment; filename="{dateiname}"',
        "Cache-Control": "no-store"})
