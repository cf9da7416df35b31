"""`wrm umverteilung` and `wrm vereinbarung`: help between Kommunen from the command line,
through the same services as the screens and GraphQL. A refused change exits 1 in German."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import click
from flask.cli import AppGroup
from sqlalchemy import select

from wrm.anzeige import RICHTUNG, bewegung, personenzahl, zahl
from wrm.cli import abbrechen, eigener_landkreis, stichtag_lesen
from wrm.db import db
from wrm.models import Kommune, Platzart, Seite, Unterkunft, Vereinbarung, Vereinbarungsstatus
from wrm.namen import namensschluessel
from wrm.services.kommunen import kommune_finden
from wrm.services.meldungen import Konflikt
from wrm.services.pruefung import Validierungsfehler, Verweigert, stichtag_pruefen
from wrm.services.vereinbarungen import (
    Vereinbarungsangaben,
    beruecksichtigen,
    status_setzen,
    statuswort,
    vereinbarung_anlegen,
)
from wrm.services.vorschlag import vorschlag
from wrm.zeit import heute

#: Who the history names for changes made on the server's command line.
SYSTEM = "Kommandozeile"

umverteilung_gruppe = AppGroup("umverteilung", help="Umverteilung zwischen Kommunen.")
vereinbarung_gruppe = AppGroup("vereinbarung", help="Vereinbarungen zwischen Kommunen.")


@umverteilung_gruppe.command("vorschlag")
@click.option("--stichtag", callback=stichtag_lesen, metavar="JJJJ-MM-TT",
              help="Stand am Ende dieses Tages statt jetzt.")
@click.option("--format", "format_", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="Ausgabeformat.")
def vorschlag_befehl(stichtag: date | None, format_: str) -> None:
    """Wer wen aufnehmen könnte: so viele Personen wie möglich, auf kürzesten Wegen."""
    if stichtag is not None and (grund := stichtag_pruefen(stichtag, heute=heute())):
        abbrechen("Kein Vorschlag:", [grund])
    ergebnis = vorschlag(db.session, landkreis=eigener_landkreis(), stichtag=stichtag)
    if format_ == "json":
        click.echo(json.dumps({
            "stichtag": (stichtag or heute()).isoformat(),
            "vorschlag": [z.als_dict() for z in ergebnis.zeilen],
            "platziert": ergebnis.platziert, "personenkilometer": ergebnis.personenkilometer,
            "warnungen": list(ergebnis.warnungen)}, ensure_ascii=False, indent=2))
        return
    if not ergebnis.zeilen:
        click.echo("Kein Vorschlag: keine Kommune braucht Plätze, oder keine hat Plätze frei.")
    else:
        click.echo(f"Vorschlag ({RICHTUNG}):")
    for z in ergebnis.zeilen:
        km = f"{zahl(z.km)} km" if z.km is not None else "Entfernung unbekannt"
        click.echo(f"{bewegung(z.zuweisend, z.aufnehmend)}: {personenzahl(z.personen)} ({km})")
    click.echo(f"Platziert: {personenzahl(ergebnis.platziert)}, "
               f"{zahl(ergebnis.personenkilometer)} Personenkilometer.")
    for warnung in ergebnis.warnungen:
        click.echo(f"Warnung: {warnung}", err=True)


_UEBERBELEGUNG = ("Mehr Personen als die aufnehmende Kommune freie Plätze hat, ausdrücklich "
                  "bestätigt (Überbelegung).")


def kommune_holen(name: str, feld: str) -> Kommune:
    """The Kommune of that name in the CLI's Landkreis; else exit 1 naming the option `feld`."""
    kommune = kommune_finden(db.session, landkreis=eigener_landkreis(), name=name)
    if kommune is None:
        abbrechen("Nichts geändert:", [f"{feld}: Die Kommune „{name}“ gibt es nicht."])
    return kommune  # type: ignore[return-value]


def _vereinbarung(kennung: int) -> Vereinbarung:
    vereinbarung = db.session.scalar(
        select(Vereinbarung).join(Kommune, Kommune.id == Vereinbarung.zuweisend_id)
        .where(Vereinbarung.id == kennung, Kommune.landkreis_id == eigener_landkreis().id))
    if vereinbarung is None:
        abbrechen("Nichts geändert:", [f"Die Vereinbarung {kennung} gibt es nicht."])
    return vereinbarung  # type: ignore[return-value]


def ausfuehren(schritt: Callable[[], Any]) -> Any:
    """Run a service step; a refusal rolls back and exits 1 with the German reason."""
    try:
        ergebnis = schritt()
    except Validierungsfehler as fehler:
        abbrechen("Nichts geändert:", [f"{k}: {v}" for k, v in fehler.fehler.items()])
    except (Verweigert, Konflikt) as fehler:
        abbrechen("Nichts geändert:", [str(fehler)])
    db.session.commit()
    return ergebnis


@vereinbarung_gruppe.command("anlegen")
@click.option("--zuweisend", required=True, metavar="NAME", help="Kommune, der die Personen "
              "zugewiesen sind.")
@click.option("--aufnehmend", required=True, metavar="NAME", help="Kommune, die sie aufnimmt.")
@click.option("--personen", required=True, type=int, help="Zahl der Personen (> 0).")
@click.option("--anrechnung", type=click.Choice([s.value for s in Seite]),
              default=Seite.ZUWEISEND.value, show_default=True,
              help="Auf wessen Quote die Personen zählen.")
@click.option("--platzart", type=click.Choice([p.value for p in Platzart]),
              default=Platzart.GEMEINSCHAFTSUNTERKUNFT.value, show_default=True)
@click.option("--von", callback=stichtag_lesen, metavar="JJJJ-MM-TT", help="Beginn (heute).")
@click.option("--bis", callback=stichtag_lesen, metavar="JJJJ-MM-TT", help="Ende (offen).")
@click.option("--bemerkung", default=None)
@click.option("--ueberbelegung", "ueberbelegung", is_flag=True,
              help=_UEBERBELEGUNG)
def anlegen_befehl(zuweisend: str, aufnehmend: str, personen: int, anrechnung: str,
                   platzart: str, von: date | None, bis: date | None,
                   bemerkung: str | None, ueberbelegung: bool) -> None:
    """Eine Kommune um Aufnahme bitten (Status „angefragt“); gibt zuletzt die Nummer aus."""
    angaben = Vereinbarungsangaben(
        zuweisend=kommune_holen(zuweisend, "--zuweisend"),
        aufnehmend=kommune_holen(aufnehmend, "--aufnehmend"), personen=personen,
        platzart=Platzart(platzart), von=von, bis=bis, anrechnung=Seite(anrechnung),
        bemerkung=bemerkung)
    neu = ausfuehren(lambda: vereinbarung_anlegen(db.session, angaben=angaben, benutzer=None,
                                                   system=SYSTEM,
                                                   ueberbelegung_bestaetigt=ueberbelegung))
    click.echo(f"Vereinbarung angelegt: {bewegung(neu.zuweisend.name, neu.aufnehmend.name)}, "
               f"{personenzahl(neu.personen)}, angefragt.")
    click.echo(str(neu.id))


@vereinbarung_gruppe.command("status")
@click.argument("kennung", metavar="ID", type=int)
@click.argument("ziel", metavar="STATUS", type=click.Choice(
    [s.value for s in Vereinbarungsstatus if s is not Vereinbarungsstatus.ANGEFRAGT]))
@click.option("--grund", default=None, help="Grund (bei „abgelehnt“ Pflicht).")
@click.option("--datum", callback=stichtag_lesen, metavar="JJJJ-MM-TT",
              help="Tag der Belegung bzw. des Endes (heute).")
@click.option("--ueberbelegung", "ueberbelegung", is_flag=True,
              help="Bei „zugesagt“: " + _UEBERBELEGUNG)
@click.option("--unterkunft", "unterkuenfte", multiple=True, metavar="NAME=PERSONEN",
              help="Bei „zugesagt“: Plätze in dieser Unterkunft der aufnehmenden Kommune "
                   "reservieren (mehrfach; zusammen alle Personen).")
def status_befehl(kennung: int, ziel: str, grund: str | None, datum: date | None,
                  ueberbelegung: bool, unterkuenfte: tuple[str, ...]) -> None:
    """Einen Schritt gehen: zugesagt, abgelehnt, belegt, beendet, zurueckgezogen."""
    vereinbarung = _vereinbarung(kennung)
    plaetze = _plaetze(vereinbarung, unterkuenfte)
    ausfuehren(lambda: status_setzen(
        db.session, vereinbarung=vereinbarung, ziel=Vereinbarungsstatus(ziel),
        version=vereinbarung.version, benutzer=None, system=SYSTEM, grund=grund, datum=datum,
        ueberbelegung_bestaetigt=ueberbelegung, unterkuenfte=plaetze))
    click.echo(f"Vereinbarung {kennung}: {statuswort(Vereinbarungsstatus(ziel))}.")


def _plaetze(vereinbarung: Vereinbarung, angaben: tuple[str, ...]
             ) -> list[tuple[Unterkunft, int]]:
    """`NAME=PERSONEN` of the host's accommodations; else exit 1 in German."""
    plaetze = []
    for angabe in angaben:
        name, _, zahl_text = angabe.rpartition("=")
        try:
            personen = int(zahl_text)
        except ValueError:
            personen = None
        unterkunft = db.session.scalar(select(Unterkunft).where(
            Unterkunft.kommune_id == vereinbarung.aufnehmend_id,
            Unterkunft.schluessel == namensschluessel(name)))
        if not name or personen is None:
            abbrechen("Nichts geändert:", [f"--unterkunft: „{angabe}“ ist nicht NAME=PERSONEN."])
        if unterkunft is None:
            abbrechen("Nichts geändert:", [f"--unterkunft: „{name}“ gibt es bei "
                                           f"{vereinbarung.aufnehmend.name} nicht."])
        plaetze.append((unterkunft, personen))
    return plaetze  # type: ignore[return-value]


@vereinbarung_gruppe.command("beruecksichtigt")
@click.argument("kennung", metavar="ID", type=int)
@click.argument("kommune", metavar="KOMMUNE")
def beruecksichtigt_befehl(kennung: int, kommune: str) -> None:
    """Festhalten, dass die Meldung von KOMMUNE die Vereinbarung enthält."""
    vereinbarung = _vereinbarung(kennung)
    seite = kommune_holen(kommune, "KOMMUNE")
    ausfuehren(lambda: beruecksichtigen(db.session, vereinbarung=vereinbarung, kommune=seite,
                                         version=vereinbarung.version, benutzer=None,
                                         system=SYSTEM))
    click.echo(f"Vereinbarung {kennung} ist in der Meldung von {seite.name} berücksichtigt.")


def vereinbarung_als_dict(v: Vereinbarung) -> dict[str, object]:
    """The JSON shape of an agreement (`wrm vereinbarung liste --format json`)."""
    def tag(wert: date | None) -> str | None:
        return wert.isoformat() if wert else None
    return {"id": v.id, "zuweisend": v.zuweisend.name, "aufnehmend": v.aufnehmend.name,
            "personen": v.personen, "platzart": v.platzart.value, "von": tag(v.von),
            "bis": tag(v.bis), "anrechnung": v.anrechnung.value, "status": v.status.value,
            "grund": v.grund, "ueberbelegung": v.ueberbelegung, "belegt_am": tag(v.belegt_am),
            "beendet_am": tag(v.beendet_am),
            "zuweisend_beruecksichtigt": v.zuweisend_beruecksichtigt_am is not None,
            "aufnehmend_beruecksichtigt": v.aufnehmend_beruecksichtigt_am is not None,
            "version": v.version}


@vereinbarung_gruppe.command("liste")
@click.option("--format", "format_", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
def liste_befehl(format_: str) -> None:
    """Alle Vereinbarungen des Landkreises, die neuesten zuerst."""
    vereinbarungen = db.session.scalars(
        select(Vereinbarung).join(Kommune, Kommune.id == Vereinbarung.zuweisend_id)
        .where(Kommune.landkreis_id == eigener_landkreis().id)
        .order_by(Vereinbarung.id.desc())).all()
    if format_ == "json":
        click.echo(json.dumps([vereinbarung_als_dict(v) for v in vereinbarungen],
                              ensure_ascii=False, indent=2))
        return
    for v in vereinbarungen:
        ueber = f", Überbelegung um {zahl(v.ueberbelegung)}" if v.ueberbelegung else ""
        click.echo(f"{v.id:>5}  {bewegung(v.zuweisend.name, v.aufnehmend.name)}: "
                   f"{personenzahl(v.personen)}, {statuswort(v.status)}{ueber}")
