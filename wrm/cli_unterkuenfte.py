"""`wrm unterkuenfte import|liste` and `wrm meldung quelle`: the accommodations of the
Kommunen (and the county's own shelters), and where a report's (6)–(11) come from."""

from __future__ import annotations

import json
from datetime import date
from typing import IO

import click
from flask.cli import AppGroup

from wrm.anzeige import zahl
from wrm.cli import abbrechen, eigener_landkreis, stichtag_lesen
from wrm.cli_hilfe import SYSTEM, ausfuehren, kommune_holen
from wrm.db import db
from wrm.models import Kommune, Meldequelle
from wrm.services import unterkuenfte as dienst
from wrm.services.csvdatei import Importfehler
from wrm.services.meldungen import Konflikt
from wrm.services.unterkunftsimport import importieren

unterkuenfte_gruppe = AppGroup("unterkuenfte", help="Unterkünfte der Kommunen und des "
                                                    "Landkreises.")
meldung_gruppe = AppGroup("meldung", help="Einstellungen der Meldung einer Kommune.")


@unterkuenfte_gruppe.command("import")
@click.argument("datei", type=click.File("rb"))
def import_befehl(datei: IO[bytes]) -> None:
    """Unterkünfte aus einer Datei „kommune;name;art;status;verfuegbar_ab;plaetze;gesperrt;
    sperrgrund;belegt;reserviert;adresse“ anlegen oder ändern (kommune „Landkreis“: eigene
    Unterkünfte des Landkreises); bei einem Fehler wird nichts gespeichert."""
    try:
        ergebnis = importieren(db.session, inhalt=datei.read(), landkreis=eigener_landkreis(),
                               system=SYSTEM)
    except Importfehler as fehler:
        abbrechen(f"Import abgebrochen, nichts wurde gespeichert ({len(fehler.fehler)} Fehler):",
                  list(map(str, fehler.fehler)))
    except Konflikt as konflikt:
        abbrechen("Import abgebrochen, nichts wurde gespeichert:", [str(konflikt)])
    db.session.commit()
    for warnung in ergebnis.warnungen:
        click.echo(f"Warnung: {warnung}", err=True)
    click.echo(f"{zahl(ergebnis.angelegt)} Unterkünfte angelegt, {zahl(ergebnis.geaendert)} "
               f"geändert, {zahl(ergebnis.unveraendert)} unverändert.")


@unterkuenfte_gruppe.command("liste")
@click.option("--kommune", "kommunenname", metavar="NAME",
              help="Nur diese Kommune („Landkreis“: die eigenen Unterkünfte des Landkreises).")
@click.option("--stichtag", callback=stichtag_lesen, metavar="JJJJ-MM-TT",
              help="Die Liste, wie sie am Ende dieses Tages stand (sonst: jetzt).")
@click.option("--format", "format_", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
def liste_befehl(kommunenname: str | None, stichtag: date | None, format_: str) -> None:
    """Die Unterkünfte mit ihrer Kapazität: Plätze, gesperrt, belegbar, belegt, reserviert,
    frei, überbelegt."""
    landkreis = eigener_landkreis()
    kommune: Kommune | None = None
    nur_landkreis = kommunenname is not None and kommunenname.strip().casefold() == \
        dienst.LANDKREIS.casefold()
    if kommunenname is not None and not nur_landkreis:
        kommune = kommune_holen(kommunenname, "--kommune")
    staende = dienst.liste(db.session, landkreis=landkreis, benutzer=None, system=SYSTEM,
                           kommune=kommune, nur_landkreis=nur_landkreis, stichtag=stichtag)
    if format_ == "json":
        click.echo(json.dumps([s.als_json() for s in staende], ensure_ascii=False, indent=2))
        return
    click.echo(f"  {'Kommune':<24} {'Unterkunft':<30} {'Art':<10} {'Status':<11} "
               f"{'Plätze':>6} {'gesp.':>5} {'beleg.':>6} {'belegt':>6} {'res.':>5} "
               f"{'frei':>5}")
    for s in staende:
        k, j = s.kapazitaet, s.als_json()
        art = "GU" if j["art"] == "gemeinschaftsunterkunft" else "dezentral"
        zusatz = f"  überbelegt um {k.ueberbelegt}" if k.ueberbelegt else ""
        click.echo(f"  {s.kommune[:24]:<24} {j['name'][:30]:<30} {art:<10} {j['status']:<11} "
                   f"{k.plaetze:>6} {k.gesperrt:>5} {k.belegbar:>6} {k.belegt:>6} "
                   f"{k.reserviert:>5} {k.frei:>5}{zusatz}")


@meldung_gruppe.command("quelle")
@click.argument("kommunenname", metavar="KOMMUNE")
@click.argument("quelle", type=click.Choice([q.value for q in Meldequelle]))
def quelle_befehl(kommunenname: str, quelle: str) -> None:
    """Woher die Spalten (6)–(11) der Meldung kommen: „unterkuenfte“ (aus der Liste der
    Unterkünfte, sofort übernommen) oder „eingabe“ (getippt; die letzten Zahlen bleiben)."""
    kommune = kommune_holen(kommunenname, "KOMMUNE")
    ausfuehren(lambda: dienst.meldequelle_setzen(
        db.session, kommune=kommune, quelle=Meldequelle(quelle), system=SYSTEM))
    db.session.commit()
    if quelle == Meldequelle.UNTERKUENFTE.value:
        m = kommune.meldung
        zusatz = "" if m is None else (
            f" (6) {m.in_gemeinschaftsunterkuenften}, (7) {m.dezentral_untergebracht}, "
            f"(8) {m.verfuegbar_gemeinschaftsunterkunft}, (9) {m.verfuegbar_dezentral}, "
            f"(10) {m.in_aussicht_gemeinschaftsunterkunft}, (11) {m.in_aussicht_dezentral}.")
        click.echo(f"{kommune.name}: (6)–(11) kommen jetzt aus der Unterkunftsliste.{zusatz}")
    else:
        click.echo(f"{kommune.name}: (6)–(11) werden jetzt eingegeben; die letzten Zahlen "
                   "bleiben stehen.")
