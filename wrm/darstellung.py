"""Presentations of an Auswertung: the JSON contract, the paper's CSV table, a terminal table."""

from __future__ import annotations

import csv
import io
from datetime import date

from wrm.anzeige import datum, zahl
from wrm.kennzahlen import Auswertung, Zeile
from wrm.meldefelder import ANRECHNUNGEN, AUSWERTUNG, HILFE, Feld, zusammenfassungszeilen
from wrm.zeit import als_ortszeit

#: Columns of the paper's "Kontinuierliche Auswertung" (and of `auswertung_erwartet.csv`).
AUSWERTUNGSSPALTEN: tuple[str, ...] = tuple(f.name for f in AUSWERTUNG)
_KOEPFE = {f.name: f.kurz or f.label for f in AUSWERTUNG}


def _zeile_json(zeile: Zeile) -> dict[str, object]:
    werte = zeile.als_dict()
    stand = werte["stand"]
    werte["stand"] = als_ortszeit(stand).isoformat(timespec="seconds") if stand else None
    return werte


def als_json(auswertung: Auswertung, stichtag: date) -> dict[str, object]:
    """The documented JSON shape: stichtag, zeilen, gesamt, zusammenfassung."""
    z = auswertung.zusammenfassung
    return {
        "stichtag": stichtag.isoformat(),
        "zeilen": [_zeile_json(zeile) for zeile in auswertung.zeilen],
        "gesamt": dict(auswertung.gesamt),
        "zusammenfassung": {
            "benoetigt": z.benoetigt, "sofort_verfuegbar": z.sofort_verfuegbar,
            "in_aussicht": z.in_aussicht, "gesamt_verfuegbar": z.gesamt_verfuegbar,
            "fehlend": z.fehlend, "zugesagt_fuer_andere": z.zugesagt_fuer_andere,
            "zusagen_anderer": z.zusagen_anderer,
        },
    }


def _zellen(werte: dict[str, object], spalten: tuple[str, ...]) -> list[str]:
    return ["" if werte.get(s) is None else str(werte[s]) for s in spalten]


def zusatzfelder(auswertung: Auswertung) -> tuple[Feld, ...]:
    """The columns beyond the paper's that the figures need: the agreements' when one counts,
    the ledger's when a credit was booked. Without them tables stay exactly the paper's."""
    hilfe = HILFE if any(getattr(z, f.name) for z in auswertung.zeilen for f in HILFE) else ()
    konto = (ANRECHNUNGEN,) if any(z.anrechnungen for z in auswertung.zeilen) else ()
    return (*hilfe, *konto)


def als_csv(auswertung: Auswertung) -> str:
    """The paper's table as `;`-separated text: header, one row per Kommune, the Gesamt row;
    the `zusatzfelder` appended when there are any."""
    spalten = AUSWERTUNGSSPALTEN + tuple(f.name for f in zusatzfelder(auswertung))
    puffer = io.StringIO()
    schreiber = csv.writer(puffer, delimiter=";", lineterminator="\n")
    schreiber.writerow(spalten)
    for zeile in auswertung.zeilen:
        schreiber.writerow(_zellen(zeile.als_dict(), spalten))
    schreiber.writerow(_zellen({**auswertung.gesamt, "kommune": "Gesamt"}, spalten))
    return puffer.getvalue()


def als_tabelle(auswertung: Auswertung, stichtag: date) -> str:
    """A readable, aligned terminal table with the summary block."""
    def zellen(werte: dict[str, object]) -> list[str]:
        return [zahl(werte.get(s)) if s not in ("kommune", "lage")  # type: ignore[arg-type]
                else str(werte.get(s) or "") for s in AUSWERTUNGSSPALTEN]
    koerper = [zellen(z.als_dict()) for z in auswertung.zeilen]
    gesamt = zellen({**auswertung.gesamt, "kommune": "Gesamt"})
    koepfe = [_KOEPFE[s] for s in AUSWERTUNGSSPALTEN]
    breiten = [max(len(r[i]) for r in (koepfe, *koerper, gesamt)) for i in range(len(koepfe))]

    def linie(r: list[str]) -> str:
        return "  ".join(c.ljust(b) if i in (0, len(r) - 1) else c.rjust(b)
                         for i, (c, b) in enumerate(zip(r, breiten, strict=True))).rstrip()
    trenner = "-" * len(linie(koepfe))
    zeilen = [f"Kontinuierliche Auswertung, Stand {datum(stichtag)}", "", linie(koepfe), trenner,
              *map(linie, koerper), trenner, linie(gesamt), ""]
    z = auswertung.zusammenfassung
    block = zusammenfassungszeilen(z)
    breite = max(len(text) for _, text in block)
    zeilen += [f"{text.ljust(breite)}  {zahl(getattr(z, k)):>7}" for k, text in block]
    return "\n".join(zeilen) + "\n"
