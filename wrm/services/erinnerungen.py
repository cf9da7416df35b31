"""Reminder e-mails to kommune users whose report is overdue."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.orm import Session

from wrm.anzeige import zeitpunkt
from wrm.kennzahlen import veraltet
from wrm.models import Benutzer, Kommune, Landkreis, Rolle
from wrm.services.stand import staende


@dataclass(frozen=True)
class Erinnerung:
    """One overdue Kommune and one of its users (the e-mail may be missing)."""

    benutzer: Benutzer
    kommune: Kommune
    stand: datetime | None


@dataclass(frozen=True)
class Postausgang:
    """SMTP settings (WRM_MAIL_*)."""

    server: str
    port: int
    absender: str
    benutzer: str | None = None
    passwort: str | None = None
    starttls: bool = False


def faellige_erinnerungen(session: Session, *, landkreis: Landkreis, bezug: datetime,
                          frist_tage: int) -> list[Erinnerung]:
    """Every active kommune user whose Kommune's report is overdue at `bezug`."""
    ueberfaellig = {s.kommune.id: (s.kommune, s.zeile.stand)
                    for s in staende(session, landkreis=landkreis)
                    if veraltet(s.zeile.stand, bezug, frist_tage)}
    benutzer = session.scalars(
        select(Benutzer).where(Benutzer.rolle == Rolle.KOMMUNE, Benutzer.aktiv,
                               Benutzer.kommune_id.in_(ueberfaellig)).order_by(Benutzer.name))
    return [Erinnerung(b, *ueberfaellig[b.kommune_id]) for b in benutzer]  # type: ignore[index]


def nachricht(erinnerung: Erinnerung, *, absender: str, link: str, frist_tage: int
              ) -> EmailMessage:
    """The German reminder e-mail with a link to "Meine Meldung"."""
    stand = (f"Ihre letzte Meldung ist vom {zeitpunkt(erinnerung.stand)}."
             if erinnerung.stand else "Für Ihre Kommune liegt noch keine Meldung vor.")
    mail = EmailMessage()
    mail["Subject"] = f"Wohnraummanagement: Bitte Zahlen für {erinnerung.kommune.name} melden"
    mail["From"] = absender
    mail["To"] = erinnerung.benutzer.email
    mail.set_content(
        f"Guten Tag,\n\n{stand} Der Landkreis bittet darum, die Zahlen mindestens alle "
        f"{frist_tage} Tage zu aktualisieren oder unverändert zu bestätigen – das dauert nur "
        f"eine Minute:\n\n{link}\n\nSind die Zahlen unverändert, genügt dort ein Klick auf "
        "„Angaben unverändert bestätigen“.\n\nVielen Dank!\nIhr Landkreis\n\n"
        "(Diese Nachricht wurde automatisch von WRM – Wohnraummanagement versandt.)\n")
    return mail


def versenden(nachrichten: list[EmailMessage], postausgang: Postausgang) -> None:
    """Send the e-mails over one SMTP connection."""
    with smtplib.SMTP(postausgang.server, postausgang.port, timeout=30) as smtp:
        if postausgang.starttls:
            smtp.starttls()
        if postausgang.benutzer:
            smtp.login(postausgang.benutzer, postausgang.passwort or "")
        for mail in nachrichten:
            smtp.send_message(mail)
