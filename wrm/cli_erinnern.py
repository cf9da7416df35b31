"""`wrm erinnern`: reminder e-mails for overdue reports, meant for cron."""

from __future__ import annotations

import smtplib
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from wrm.anzeige import zeitpunkt
from wrm.cli import abbrechen, eigener_landkreis
from wrm.db import db, jetzt
from wrm.services.benachrichtigungen import senden
from wrm.services.erinnerungen import Postausgang, faellige_erinnerungen, nachricht, versenden
from wrm.services.frische import meldefrist


def postausgang_aus_konfiguration() -> Postausgang:
    """The SMTP settings of the app (WRM_MAIL_*)."""
    config = current_app.config
    return Postausgang(
        server=config["MAIL_SERVER"], port=int(config["MAIL_PORT"]),
        absender=config["MAIL_ABSENDER"], benutzer=config["MAIL_BENUTZER"],
        passwort=config["MAIL_PASSWORT"], starttls=bool(config["MAIL_STARTTLS"]))


@click.command("benachrichtigen")
@with_appcontext
def benachrichtigen_befehl() -> None:
    """Die vorgemerkten E-Mails zu Vereinbarungen versenden (für cron, z. B. alle 5 Minuten)."""
    ergebnis = senden(db.session, postausgang=postausgang_aus_konfiguration())
    db.session.commit()  # also the failed attempt, so that it is counted
    if ergebnis.fehler:
        click.echo(ergebnis.fehler, err=True)
        sys.exit(1)
    click.echo(f"{ergebnis.gesendet} Benachrichtigung(en) versandt.")


@click.command("erinnern")
@with_appcontext
@click.option("--dry-run", "probelauf", is_flag=True,
              help="Nur anzeigen, wer erinnert würde; nichts versenden.")
def erinnern_befehl(probelauf: bool) -> None:
    """Kommune-Benutzer mit überfälliger Meldung per E-Mail erinnern (für cron)."""
    config = current_app.config
    landkreis = eigener_landkreis()
    frist = meldefrist(landkreis, int(config["MELDEFRIST_TAGE"]))
    faellig = faellige_erinnerungen(db.session, landkreis=landkreis, bezug=jetzt(),
                                    frist_tage=frist)
    link = config["BASIS_URL"].rstrip("/") + "/admin/meine-meldung/"
    nachrichten = []
    for erinnerung in faellig:
        zuletzt = zeitpunkt(erinnerung.stand) if erinnerung.stand else "nie"
        zeile = (f"{erinnerung.benutzer.name} ({erinnerung.kommune.name}, "
                 f"zuletzt gemeldet: {zuletzt})")
        if not erinnerung.benutzer.email:
            click.echo(f"Keine E-Mail-Adresse: {zeile}", err=True)
            continue
        nachrichten.append(nachricht(erinnerung, absender=config["MAIL_ABSENDER"], link=link,
                                     frist_tage=frist))
        click.echo(f"{'Würde erinnern' if probelauf else 'Erinnere'}: {zeile} "
                   f"<{erinnerung.benutzer.email}>")
    if nachrichten and not probelauf:
        try:
            versenden(nachrichten, postausgang_aus_konfiguration())
        except (OSError, smtplib.SMTPException) as fehler:
            abbrechen("Versand fehlgeschlagen:", [f"{config['MAIL_SERVER']}:"
                                                   f"{config['MAIL_PORT']}: {fehler}"])
    verb = "würden versandt" if probelauf else "versandt"
    click.echo(f"{len(nachrichten)} Erinnerung(en) {verb}; Meldefrist {frist} Tage.")
