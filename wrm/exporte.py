"""Every file a user downloads: the Übersicht and the Auswertung in the paper's layout, and the
admin's list exports; XLSX, or CSV for Excel, written by `als_xlsx` and `als_csv` only, which
keep text that a spreadsheet would run as a formula from being run.

Only presentation: the figures come from `wrm.kennzahlen` through `wrm.services.auswertung`.
"""

from __future__ import annotations

import csv
import io
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from wrm import meldefelder
from wrm.anzeige import datum, zeitpunkt
from wrm.darstellung import zusatzfelder
from wrm.kennzahlen import Auswertung, Zeile
from wrm.meldefelder import GEMELDET_VON, STAND, zusammenfassungszeilen
from wrm.services.prognose import Prognose
from wrm.services.quotenblatt import Posten, Quotenblatt
from wrm.services.stand import Stand
from wrm.zeit import als_ortszeit, heute


@dataclass(frozen=True)
class Spalte:
    """A column: the key of the row dict (as in `wrm auswertung --format json`) and its title."""

    schluessel: str
    titel: str


#: The paper's "Kontinuierliche Auswertung" (its own headers), plus the stand of each row.
AUSWERTUNG: tuple[Spalte, ...] = (
    *(Spalte(f.name, f.auswertungstitel) for f in meldefelder.AUSWERTUNG),
    Spalte(STAND.name, STAND.label),
)
#: The planning horizon's column in the Auswertung (`Prognose.reicht_text`).
REICHT_BIS = Spalte("reicht_bis", "reicht bis KW")
#: The paper's "Übersicht" with its numbered columns (1)–(12) and the computed figures.
UEBERSICHT: tuple[Spalte, ...] = (
    *(Spalte(f.name, f.titel) for f in meldefelder.UEBERSICHT),
    Spalte(STAND.name, STAND.label),
)
#: Only in the county's Übersicht export: never for the press office.
INTERN: tuple[Spalte, ...] = (Spalte(GEMELDET_VON.name, GEMELDET_VON.label),
                              Spalte(meldefelder.BEMERKUNG.name, meldefelder.BEMERKUNG.label))


@dataclass
class Tabelle:
    """What a download holds: a title, the day, columns, rows, and optionally totals."""

    titel: str
    stichtag: date
    spalten: tuple[Spalte, ...]
    zeilen: list[dict[str, Any]]
    gesamt: dict[str, Any] | None = None
    zusammenfassung: list[tuple[str, int]] = field(default_factory=list)


def zellwert(wert: Any) -> Any:
    """A value as a spreadsheet cell holds it: numbers and dates stay typed, a timestamp becomes
    local wall-clock time to the second (spreadsheets have no time zones), a yes/no "ja"/"nein",
    an enum its word, anything else (a related record) its text."""
    if wert is None or isinstance(wert, str | int | float | date) and not isinstance(
            wert, bool | datetime):
        return wert
    if isinstance(wert, datetime):
        return als_ortszeit(wert).replace(tzinfo=None, microsecond=0)
    if isinstance(wert, bool):
        return "ja" if wert else "nein"
    if isinstance(wert, Enum):
        return wert.value
    return str(wert)


def _zeilenwerte(zeile: Zeile) -> dict[str, Any]:
    werte = zeile.als_dict()
    werte["stand"] = zellwert(werte["stand"])
    return werte


def listentabelle(titel: str, spalten: Iterable[tuple[str, str]],
                  zeilen: Iterable[dict[str, Any]]) -> Tabelle:
    """A screen's list as a download (the admin's list exports), as of today."""
    return Tabelle(titel=titel, stichtag=heute(),
                   spalten=tuple(Spalte(name, titel) for name, titel in spalten),
                   zeilen=[{k: zellwert(v) for k, v in zeile.items()} for zeile in zeilen])


def auswertungstabelle(ergebnis: Auswertung, *, stichtag: date, landkreis: str,
                       horizont: Prognose | None = None) -> Tabelle:
    """The Auswertung as a download: rows by Bedarf, the Gesamt row and the summary block;
    with `horizont` the screen's "reicht bis KW" before the Kommune's own assessment; the
    agreements' and the ledger's columns when the figures have them."""
    z = ergebnis.zusammenfassung
    spalten = AUSWERTUNG
    zeilen = [_zeilenwerte(zeile) for zeile in ergebnis.zeilen]
    gesamt = {**ergebnis.gesamt, "kommune": "Gesamt"}
    if horizont is not None:
        lage = [s.schluessel for s in spalten].index("lage")
        spalten = (*spalten[:lage], REICHT_BIS, *spalten[lage:])
        reichweiten = {k.name: r for k, r in horizont.kommunen}
        for werte in zeilen:
            if (reichweite := reichweiten.get(werte["kommune"])) is not None:
                werte[REICHT_BIS.schluessel] = horizont.reicht_text(reichweite)
        gesamt[REICHT_BIS.schluessel] = horizont.reicht_text(horizont.landkreis)
    return Tabelle(
        titel=f"Kontinuierliche Auswertung – {landkreis}", stichtag=stichtag,
        spalten=spalten + tuple(Spalte(f.name, f.label) for f in zusatzfelder(ergebnis)),
        zeilen=zeilen, gesamt=gesamt,
        zusammenfassung=[(titel, getattr(z, name)) for name, titel in zusammenfassungszeilen(z)])


def uebersichtstabelle(staende: Iterable[Stand], *, stichtag: date, landkreis: str,
                       intern: bool) -> Tabelle:
    """The Übersicht as a download, in the order of the Kommunen; `intern` adds who and notes."""
    zeilen = []
    for stand in staende:
        werte = _zeilenwerte(stand.zeile)
        if intern:
            werte["gemeldet_von"] = stand.gemeldet_von
            werte["bemerkung"] = stand.bemerkung
        zeilen.append(werte)
    return Tabelle(titel=f"Übersicht – {landkreis}", stichtag=stichtag,
                   spalten=UEBERSICHT + (INTERN if intern else ()), zeilen=zeilen)


#: The Quotenblatt's columns (see `wrm.services.quotenblatt.posten`).
QUOTENBLATT: tuple[Spalte, ...] = (Spalte("rechnung", "Rechnung"), Spalte("titel", "Posten"),
                                   Spalte("wert", "Personen"),
                                   Spalte("erlaeuterung", "Erläuterung"))


def quotenblatttabelle(blatt: Quotenblatt, posten: Iterable[Posten]) -> Tabelle:
    """A Kommune's Quotenblatt as a download, line by line as on the screen."""
    return Tabelle(
        titel=f"Quotenblatt {blatt.kommune.name} – {blatt.zeitraum.name}", stichtag=heute(),
        spalten=QUOTENBLATT,
        zeilen=[{"rechnung": p.rechnung, "titel": p.titel, "wert": p.wert,
                 "erlaeuterung": p.erlaeuterung} for p in posten])



_FORMELZEICHEN = ("=", "+", "-", "@", "\t", "\r")


def _zelle_csv(wert: Any) -> str:
    if wert is None:
        return ""
    if isinstance(wert, datetime):
        return zeitpunkt(wert, sekunden=True)
    text = str(wert)
    if isinstance(wert, str) and text.startswith(_FORMELZEICHEN):
        return "'" + text  # a spreadsheet must not run a name like "=HYPERLINK(…)" as a formula
    return text


def als_csv(tabelle: Tabelle) -> bytes:
    """`;`-separated, UTF-8 with BOM (Excel in Germany); numbers as plain digits."""
    puffer = io.StringIO()
    schreiber = csv.writer(puffer, delimiter=";", lineterminator="\r\n")
    schreiber.writerow([s.titel for s in tabelle.spalten])
    zeilen = [*tabelle.zeilen, *([tabelle.gesamt] if tabelle.gesamt else [])]
    for werte in zeilen:
        schreiber.writerow([_zelle_csv(werte.get(s.schluessel)) for s in tabelle.spalten])
    if tabelle.zusammenfassung:
        schreiber.writerow([])
        for titel, wert in tabelle.zusammenfassung:
            schreiber.writerow([titel, wert])
    return ("\ufeff" + puffer.getvalue()).encode("utf-8")


#: Where the header row of an XLSX export is; the rows follow directly below.
XLSX_KOPFZEILE = 4
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
    if isinstance(wert, str) and wert.startswith(_FORMELZEICHEN):
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
