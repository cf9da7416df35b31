"""`wrm token`: API tokens for scripts (GraphQL); the clear text is shown once."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from wrm.anzeige import zeitpunkt
from wrm.cli import abbrechen
from wrm.db import db
from wrm.models import Benutzer
from wrm.namen import name_bereinigen
from wrm.services.pruefung import Validierungsfehler
from wrm.services.tokens import token_anlegen, tokens_von, tokens_widerrufen

token_gruppe = AppGroup("token", help="API-Tokens für Skripte (GraphQL).")


def _benutzer_holen(name: str) -> Benutzer:
    benutzer = db.session.scalar(select(Benutzer).where(Benutzer.name == name_bereinigen(name)))
    if benutzer is None:
        abbrechen("Abgebrochen:", [f"Benutzer „{name}“ gibt es nicht."])
    return benutzer  # type: ignore[return-value]


@token_gruppe.command("anlegen")
@click.argument("benutzername", metavar="BENUTZER")
@click.option("--name", default="", help="Wofür der Token dient, z. B. „Pressestelle Skript“.")
def token_anlegen_befehl(benutzername: str, name: str) -> None:
    """Neuen Token ausgeben; er wird nur dieses eine Mal angezeigt (letzte Zeile)."""
    try:
        token, klartext = token_anlegen(db.session, benutzer=_benutzer_holen(benutzername),
                                        name=name)
    except Validierungsfehler as fehler:
        abbrechen("Kein Token angelegt:", list(fehler.fehler.values()))
    db.session.commit()
    click.echo(f"Token {token.id} „{token.name}“ für {benutzername} angelegt. Er wird nur jetzt "
               "angezeigt; gespeichert ist nur sein Hash:", err=True)
    click.echo(klartext)


@token_gruppe.command("widerrufen")
@click.argument("benutzername", metavar="BENUTZER")
@click.option("--name", default=None, help="Nur Tokens mit diesem Namen.")
@click.option("--id", "token_id", type=int, default=None, help="Nur den Token mit dieser Nummer.")
def token_widerrufen_befehl(benutzername: str, name: str | None, token_id: int | None) -> None:
    """Tokens eines Benutzers widerrufen (alle, oder nach Name bzw. Nummer)."""
    widerrufen = tokens_widerrufen(db.session, benutzer=_benutzer_holen(benutzername), name=name,
                                   token_id=token_id)
    db.session.commit()
    if not widerrufen:
        abbrechen("Nichts widerrufen:", ["Kein gültiger Token passt zu diesen Angaben."])
    click.echo(f"{len(widerrufen)} Token(s) widerrufen: "
               + ", ".join(f"{t.id} „{t.name}“" for t in widerrufen))


@token_gruppe.command("liste")
@click.argument("benutzername", metavar="BENUTZER")
def token_liste_befehl(benutzername: str) -> None:
    """Tokens eines Benutzers mit Nummer, Name, Status und letzter Nutzung."""
    for token in tokens_von(db.session, benutzer=_benutzer_holen(benutzername)):
        status = "widerrufen" if token.widerrufen_am else "gültig"
        zuletzt = zeitpunkt(token.zuletzt_benutzt) if token.zuletzt_benutzt else "nie"
        click.echo(f"{token.id}\t{token.name}\t{status}\tzuletzt benutzt: {zuletzt}")
