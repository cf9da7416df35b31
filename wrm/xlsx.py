"""The XLSX writer of the downloads (`wrm.exporte.als_xlsx`), with openpyxl: imported only when
a file is written."""

from __future__ import annotations

import io
import textwrap
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from wrm.anzeige import datum
from wrm.exporte import FORMELZEICHEN, XLSX_KOPFZEILE, Tabelle

#: The font every cell names: Excel's default; LibreOffice prints it with the metric-equal
#: Carlito, so the widths below hold in both.
SCHRIFT = "Calibri"
_FETT = Font(name=SCHRIFT, bold=True)
_KOPF_FUELLUNG = PatternFill("solid", fgColor="DDE4EE")
#: Widths in Excel's units (about one digit of the font): a text column wider than this wraps.
_HOECHSTBREITE = 40
_MINDESTBREITE = 8
#: Points per line of an 11-point font.
_ZEILENHOEHE = 15
#: The tallest row a spreadsheet keeps (Excel's limit, in points): a longer text widens its
#: column until it fits (a report's note has at most 2,000 characters).
_HOECHSTE_ZEILE = 409
_SPALTE_HOECHSTENS = 255


def _zelle_xlsx(wert: Any) -> Any:
    if isinstance(wert, str) and wert.startswith(FORMELZEICHEN):
        return "'" + wert
    return wert


def _zahlenformat(wert: Any) -> str | None:
    if isinstance(wert, int) and not isinstance(wert, bool):
        return "#,##0"
    if isinstance(wert, datetime):
        return "DD.MM.YYYY HH:MM"
    if isinstance(wert, date):
        return "DD.MM.YYYY"
    return None


def _anzeigelaenge(wert: Any) -> int:
    """About how many characters a cell shows for a value in the formats above."""
    if isinstance(wert, int) and not isinstance(wert, bool):
        return len(f"{wert:,}")
    if isinstance(wert, datetime):
        return 16
    if isinstance(wert, date):
        return 10
    return len(str(wert))


def _faktor(fett: bool) -> float:
    # Letters run a little wider than the digits Excel measures by, bold ones more so.
    return 1.2 if fett else 1.1


def _breite(zeichen: float, *, fett: bool = False) -> float:
    """The column width that shows `zeichen` characters, with the cell's padding."""
    return zeichen * _faktor(fett) + 2


def _zeilen(text: str, breite: float, *, fett: bool = False) -> int:
    """How many lines a wrapped text needs in a column of `breite` (an estimate that errs on
    the generous side, as `_breite` does: a row too tall wastes a little paper, one too low
    cuts text)."""
    je_zeile = max(int((breite - 2) / _faktor(fett)), 1)
    return sum(len(textwrap.wrap(absatz, je_zeile)) or 1 for absatz in text.split("\n"))


def _spaltenbreiten(blatt: Any, spalten: int) -> None:
    """Every column as wide as its content, up to `_HOECHSTBREITE`; longer texts wrap and
    their rows grow. The header's titles wrap at word boundaries: their longest word counts."""
    breiten = {}
    for nummer in range(1, spalten + 1):
        breite = float(_MINDESTBREITE)
        for (zelle,) in blatt.iter_rows(min_row=XLSX_KOPFZEILE, min_col=nummer, max_col=nummer):
            if zelle.value is None:
                continue
            if zelle.row == XLSX_KOPFZEILE:
                wort = max(len(w) for w in str(zelle.value).split())
                breite = max(breite, _breite(wort, fett=True))
            else:
                breite = max(breite, _breite(_anzeigelaenge(zelle.value), fett=zelle.font.b))
        breiten[nummer] = min(breite, _HOECHSTBREITE)
        while breiten[nummer] < _SPALTE_HOECHSTENS and any(
                _ZEILENHOEHE * _zeilen(z.value, breiten[nummer]) + 2 > _HOECHSTE_ZEILE
                for (z,) in blatt.iter_rows(min_row=XLSX_KOPFZEILE + 1, min_col=nummer,
                                            max_col=nummer) if isinstance(z.value, str)):
            breiten[nummer] = min(breiten[nummer] * 1.25, _SPALTE_HOECHSTENS)
        blatt.column_dimensions[get_column_letter(nummer)].width = breiten[nummer]
    for reihe in blatt.iter_rows(min_row=XLSX_KOPFZEILE):
        zeilen = 1
        for zelle in reihe:
            noetig = 1
            if isinstance(zelle.value, str) and zelle.column in breiten:
                noetig = _zeilen(zelle.value, breiten[zelle.column], fett=bool(zelle.font.b))
            # Top-aligned, so a row's cells start on one line when one of them wraps.
            zelle.alignment = Alignment(wrap_text=noetig > 1 or zelle.row == XLSX_KOPFZEILE,
                                        vertical="top")
            zeilen = max(zeilen, noetig)
        if zeilen > 1:
            blatt.row_dimensions[reihe[0].row].height = min(_ZEILENHOEHE * zeilen + 2,
                                                            _HOECHSTE_ZEILE)


def _titel_umbrechen(blatt: Any, spalten: int) -> None:
    """The title lines wrap within the table's width when the table is narrower than they are
    (a Quotenblatt has four columns)."""
    gesamt = sum(blatt.column_dimensions[get_column_letter(n)].width for n in range(1, spalten + 1))
    for reihe, groesse in ((1, 14), (2, 11)):
        zelle = blatt.cell(reihe, 1)
        # A 14-point bold letter is about 1.5 digit widths of the 11-point font.
        zeilen = _zeilen(zelle.value, gesamt / (1.5 if groesse == 14 else 1.0), fett=True)
        zelle.alignment = Alignment(wrap_text=True, vertical="top")
        blatt.row_dimensions[reihe].height = (_ZEILENHOEHE * groesse / 11) * zeilen + 4


def _druckfertig(blatt: Any, tabelle: Tabelle) -> None:
    """A4 landscape, one page wide, the header row on every page, title, Stand and page number
    in the header and footer."""
    blatt.page_setup.orientation = "landscape"
    blatt.page_setup.paperSize = blatt.PAPERSIZE_A4
    blatt.page_setup.fitToWidth = 1
    blatt.page_setup.fitToHeight = 0  # as many pages down as needed
    blatt.sheet_properties.pageSetUpPr.fitToPage = True
    blatt.print_title_rows = f"{XLSX_KOPFZEILE}:{XLSX_KOPFZEILE}"
    blatt.print_options.gridLines = True
    blatt.page_margins.left = blatt.page_margins.right = 0.4
    # "&" starts a header code in Excel; a title with "&" must not turn into one.
    blatt.oddHeader.left.text = tabelle.titel.replace("&", "&&")
    blatt.oddHeader.right.text = f"Stand: {datum(tabelle.stichtag)}"
    blatt.oddFooter.center.text = "Seite &P von &N"


def als_xlsx(tabelle: Tabelle) -> bytes:
    """The table as an Excel workbook: title, "Stand", numbered headers, numbers as numbers,
    every column as wide as its content (long texts wrap), ready to print."""
    mappe = Workbook()
    blatt = mappe.active
    blatt.title = tabelle.titel.split(" – ")[0][:31]
    breite = len(tabelle.spalten)
    for reihe, text, schrift in ((1, tabelle.titel, Font(name=SCHRIFT, bold=True, size=14)),
                                 (2, f"Stand: {datum(tabelle.stichtag)} (Ende des Tages)",
                                  Font(name=SCHRIFT))):
        blatt.cell(reihe, 1, text).font = schrift
        # The title lines span the table, so they print within it, not beside it.
        blatt.merge_cells(start_row=reihe, start_column=1, end_row=reihe, end_column=breite)
    for nummer, spalte in enumerate(tabelle.spalten, start=1):
        zelle = blatt.cell(XLSX_KOPFZEILE, nummer, spalte.titel)
        zelle.font, zelle.fill = _FETT, _KOPF_FUELLUNG
    zeile_nr = XLSX_KOPFZEILE
    for werte in [*tabelle.zeilen, *([tabelle.gesamt] if tabelle.gesamt else [])]:
        zeile_nr += 1
        for nummer, spalte in enumerate(tabelle.spalten, start=1):
            zelle = blatt.cell(zeile_nr, nummer, _zelle_xlsx(werte.get(spalte.schluessel)))
            zelle.font = _FETT if werte is tabelle.gesamt else Font(name=SCHRIFT)
            if (format_ := _zahlenformat(zelle.value)) is not None:
                zelle.number_format = format_
    if tabelle.zusammenfassung:
        zeile_nr += 1
        for titel, wert in tabelle.zusammenfassung:
            zeile_nr += 1
            blatt.cell(zeile_nr, 1, titel).font = _FETT
            zelle = blatt.cell(zeile_nr, 2, wert)
            zelle.font, zelle.number_format = Font(name=SCHRIFT), "#,##0"
    blatt.freeze_panes = blatt.cell(XLSX_KOPFZEILE + 1, 2)
    _spaltenbreiten(blatt, breite)
    _titel_umbrechen(blatt, breite)
    _druckfertig(blatt, tabelle)
    puffer = io.BytesIO()
    mappe.save(puffer)
    return puffer.getvalue()
