"""`wrm ankuendigungen import`, `wrm prognose`: the state's announced allocations and the week
the places run out."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import IO

import click
from flask.cli import AppGroup, with_appcontext

from wrm.anzeige import datum, zahl
from wrm.cli import abbrechen, eigener_landkreis, stichtag_lesen
from wrm.cli_hilfe import SYSTEM
from wrm.db import db
from wrm.services.ankuendigungen import ankuendigungen_importieren
from wrm.services.csvdatei import Importfehler
from wrm.services.prognose import Prognose, prognose

ankuendigungen_gruppe = AppGroup("ankuendigungen", help="Angekündigte Zuweisungen des Landes.")


@ankuendigungen_gruppe.command("import")
@click.argument("datei", type=click.File("rb"))
def import_befehl(datei: IO[bytes]) -> None:
    """Ankündigungen aus einer Datei „kommune;woche;personen“ (woche als ISO-Kalenderwoche,
    z. B. 2027-W05) einlesen; bei einem Fehler wird nichts gespeichert."""
    try:
        anzahl = ankuendigungen_importieren(
            db.session, inhalt=datei.read(), landkreis=eigener_landkreis(), benutzer=None,
            system=SYSTEM, dateiname=Path(datei.name).name)
    except Importfehler as fehler:
        abbrechen("Import abgebrochen, nichts wurde gespeichert:", list(map(str, fehler.fehler)))
    db.session.commit()
    click.echo(f"{anzahl} Ankündigungen eingelesen.")


def als_json(ergebnis: Prognose) -> dict[str, object]:
    """The JSON contract of `wrm prognose --format json`."""
    return {
        "stichtag": ergebnis.stichtag.isoformat(),
        "kommunen": [{"kommune": k.name, "reicht_bis": r.reicht_bis,
                      "reicht_bis_mit_aussicht": r.reicht_bis_mit_aussicht,
                      "geschaetzt": r.geschaetzt} for k, r in ergebnis.kommunen],
        "landkreis": {"reicht_bis": ergebnis.landkreis.reicht_bis,
                      "reicht_bis_mit_aussicht": ergebnis.landkreis.reicht_bis_mit_aussicht,
                      "benoetigt_bis_zeitraumende": ergebnis.benoetigt_bis_zeitraumende},
    }


def _woche(text: str | None) -> str:
    return text or "reicht"


@click.command("prognose")
@with_appcontext
@click.option("--stichtag", callback=stichtag_lesen, metavar="JJJJ-MM-TT", help="heute")
@click.option("--format", "format_", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
def prognose_befehl(stichtag: date | None, format_: str) -> None:
    """Bis zu welcher Kalenderwoche die freien Plätze reichen, je Kommune und im Landkreis."""
    ergebnis = prognose(db.session, landkreis=eigener_landkreis(), stichtag=stichtag)
    if format_ == "json":
        click.echo(json.dumps(als_json(ergebnis), ensure_ascii=False, indent=2))
        return
    zeitraum = ergebnis.zeitraum
    click.echo(f"Prognose zum {datum(ergebnis.stichtag)}"
               + (f", bis Ende „{zeitraum.name}“ ({datum(zeitraum.ende)})"
                  if zeitraum is not None and zeitraum.ende else ", nur angekündigte Wochen"))
    click.echo(f"  {'Kommune':<30} {'Personen':>8}  {'reicht bis':<10}  mit Aussicht")
    for kommune, r in ergebnis.kommunen:
        geschaetzt = " (geschätzt)" if r.geschaetzt else ""
        click.echo(f"  {kommune.name:<30} {zahl(r.personen):>8}  {_woche(r.reicht_bis):<10}  "
                   f"{_woche(r.reicht_bis_mit_aussicht)}{geschaetzt}")
    kreis = ergebnis.landkreis
    click.echo(f"  {'Landkreis':<30} {zahl(kreis.personen):>8}  {_woche(kreis.reicht_bis):<10}  "
               f"{_woche(kreis.reicht_bis_mit_aussicht)}")
    click.echo(f"Benötigter Wohnraum bis Ende des Verteilzeitraums: "
               f"{zahl(ergebnis.benoetigt_bis_zeitraumende)}")
