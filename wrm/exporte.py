"""Every file a user downloads: the Übersicht and the Auswertung in the paper's layout, and the
admin's list exports; XLSX, or CSV for Excel, written by `als_xlsx` and `als_csv` only, which
keep text that a spreadsheet would run as a formula from being run.

Only presentation: the figures come from `wrm.kennzahlen` through `wrm.services.auswertung`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any

from wrm import meldefelder
from wrm.anzeige import zeitpunkt
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


#: What a spreadsheet runs as a formula at the start of a cell; such text is quoted in both
#: formats.
FORMELZEICHEN = ("=", "+", "-", "@", "\t", "\r")


def _zelle_csv(wert: Any) -> str:
    if wert is None:
        return ""
    if isinstance(wert, datetime):
        return zeitpunkt(wert, sekunden=True)
    text = str(wert)
    if isinstance(wert, str) and text.startswith(FORMELZEICHEN):
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


def als_xlsx(tabelle: Tabelle) -> bytes:
    """The table as an Excel workbook: title, "Stand", numbered headers, numbers as numbers,
    every column as wide as its content (long texts wrap), ready to print (`wrm.xlsx`).

    openpyxl is imported at a worker's first download, not at its start: with numpy, which it
    loads when installed, it is 28 MB of every worker's memory."""
    from wrm.xlsx import als_xlsx as schreiben

    return schreiben(tabelle)
