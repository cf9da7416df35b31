"""E-mails about agreements to the users of both Kommunen: queued with the change (in its
transaction), sent by `wrm benachrichtigen`."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.orm import Session

from wrm.anzeige import bewegung, personenzahl
from wrm.db import jetzt
from wrm.meldefelder import bezeichnung
from wrm.models import Benachrichtigung, Benutzer, Rolle, Vereinbarung
from wrm.services.erinnerungen import Postausgang, versenden

#: After this many failed attempts an e-mail is no longer tried (its error stays readable).
HOECHSTE_VERSUCHE = 5


def vormerken(session: Session, *, vereinbarung: Vereinbarung, was: str,
              wer: str | None) -> int:
    """Queue one e-mail per active user with an address of either Kommune; returns how many."""
    kommunen = (vereinbarung.zuweisend_id, vereinbarung.aufnehmend_id)
    empfaenger = session.scalars(
        select(Benutzer.email).where(Benutzer.rolle == Rolle.KOMMUNE, Benutzer.aktiv,
                                     Benutzer.kommune_id.in_(kommunen),
                                     Benutzer.email.is_not(None))
        .order_by(Benutzer.name)).all()
    betreff = (f"Wohnraummanagement: Vereinbarung "
               f"{bewegung(vereinbarung.zuweisend.name, vereinbarung.aufnehmend.name)} {was}")
    text = (
        f"Guten Tag,\n\ndie Vereinbarung Nr. {vereinbarung.id} wurde geändert: {was}"
        f"{f' (von {wer})' if wer else ''}.\n\n"
        f"Zugewiesen an: {vereinbarung.zuweisend.name} (zuweisende Kommune)\n"
        f"Untergebracht in: {vereinbarung.aufnehmend.name} (aufnehmende Kommune)\n"
        f"Personen: {personenzahl(vereinbarung.personen)}\n"
        f"Status: {bezeichnung('status', vereinbarung.status)}\n\n"
        "Die Vereinbarung mit ihrem Verlauf finden Sie in WRM unter „Hilfe zwischen Kommunen“"
        ".\n\n(Diese Nachricht wurde automatisch von WRM – Wohnraummanagement versandt.)\n")
    zeitpunkt = jetzt()
    adressen = list(dict.fromkeys(e for e in empfaenger if e))  # one e-mail per address
    for adresse in adressen:
        session.add(Benachrichtigung(empfaenger=adresse, betreff=betreff, text=text,
                                     angelegt_am=zeitpunkt, versuche=0))
    return len(adressen)


@dataclass(frozen=True)
class Versandergebnis:
    """What one run sent and what failed (German reason)."""

    gesendet: int
    fehler: str | None


def offene(session: Session) -> list[Benachrichtigung]:
    """The e-mails still to send, oldest first."""
    return list(session.scalars(
        select(Benachrichtigung).where(Benachrichtigung.gesendet_am.is_(None),
                                       Benachrichtigung.versuche < HOECHSTE_VERSUCHE)
        .order_by(Benachrichtigung.id)))


def senden(session: Session, *, postausgang: Postausgang) -> Versandergebnis:
    """Send the queued e-mails over one connection and mark them sent; on an SMTP failure
    count the attempt and keep them queued. Caller commits."""
    warteschlange = offene(session)
    if not warteschlange:
        return Versandergebnis(0, None)
    nachrichten = []
    for eintrag in warteschlange:
        mail = EmailMessage()
        mail["Subject"], mail["From"], mail["To"] = (eintrag.betreff, postausgang.absender,
                                                     eintrag.empfaenger)
        mail.set_content(eintrag.text)
        nachrichten.append(mail)
    try:
        versenden(nachrichten, postausgang)
    except (smtplib.SMTPException, OSError) as fehler:
        grund = f"E-Mail-Versand fehlgeschlagen ({postausgang.server}:{postausgang.port}): " \
                f"{fehler}"
        for eintrag in warteschlange:
            eintrag.versuche += 1
            eintrag.letzter_fehler = grund
        return Versandergebnis(0, grund)
    zeitpunkt = jetzt()
    for eintrag in warteschlange:
        eintrag.gesendet_am = zeitpunkt
        eintrag.versuche += 1
    return Versandergebnis(len(warteschlange), None)
