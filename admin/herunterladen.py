"""Sending a download: the one place that turns an `exporte.Tabelle` into a file response."""

from __future__ import annotations

from flask import Response, abort

from wrm import exporte

MEDIENTYPEN = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def herunterladen(tabelle: exporte.Tabelle, name: str, format_: str) -> Response:
    """The table as an XLSX or CSV attachment named `name_YYYY-MM-DD.format`; 404 otherwise."""
    if format_ not in MEDIENTYPEN:
        abort(404)
    inhalt = exporte.als_xlsx(tabelle) if format_ == "xlsx" else exporte.als_csv(tabelle)
    dateiname = f"{name}_{tabelle.stichtag.isoformat()}.{format_}"
    return Response(inhalt, mimetype=MEDIENTYPEN[format_], headers={
        "Content-Disposition": f'attachment; filename="{dateiname}"',
        "Cache-Control": "no-store"})
