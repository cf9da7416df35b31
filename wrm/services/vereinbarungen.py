"""Help between Kommunen: requests for help, agreements and their steps, each change kept as a
`Vereinbarungsereignis`. Screens, GraphQL and the CLI all call these functions; who may take a
step is decided by `wrm.berechtigungen`. Services raise and never roll back: the caller owns
the transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from wrm import berechtigungen
from wrm.berechtigungen import Aktion
from wrm.db import jetzt
from wrm.models import (
    Benutzer,
    Ersuchensstatus,
    Hilfeersuchen,
    Kommune,
    Platzart,
    Seite,
    Vereinbarung,
    Vereinbarungsereignis,
    Vereinbarungsstatus,
)
from wrm.services.benachrichtigungen import vormerken
from wrm.services.meldungen import Konflikt
from wrm.services.pruefung import BEMERKUNG_HOECHSTLAENGE, Validierungsfehler, text_pruefen
from wrm.zeit import heute

S = Vereinbarungsstatus
#: The steps an agreement may take from each status; every other step is refused.
SCHRITTE: dict[Vereinbarungsstatus, frozenset[Vereinbarungsstatus]] = {
    S.ANGEFRAGT: frozenset({S.ZUGESAGT, S.ABGELEHNT, S.ZURUECKGEZOGEN}),
    S.ZUGESAGT: frozenset({S.BELEGT, S.ZURUECKGEZOGEN}),
    S.BELEGT: frozenset({S.BEENDET}),
}
#: German words of the statuses, for messages and screens.
STATUSWORT = {S.ANGEFRAGT: "angefragt", S.ZUGESAGT: "zugesagt", S.ABGELEHNT: "abgelehnt",
              S.BELEGT: "belegt", S.BEENDET: "beendet", S.ZURUECKGEZOGEN: "zurückgezogen"}
#: The most persons one agreement or request may name (a county's whole yearly quota is less).
HOECHSTE_PERSONENZAHL = 100_000


class Verweigert(PermissionError):
    """The user may not take this step; German message. Nothing was changed."""


@dataclass(frozen=True)
class Vereinbarungsangaben:
    """What an agreement says, as entered (checked by `vereinbarung_anlegen`)."""

    zuweisend: Kommune
    aufnehmend: Kommune
    personen: int
    platzart: Platzart = Platzart.GEMEINSCHAFTSUNTERKUNFT
    von: date | None = None
    bis: date | None = None
    anrechnung: Seite = Seite.ZUWEISEND
    leistungen_durch: Seite = Seite.ZUWEISEND
    kita_schule_durch: Seite = Seite.AUFNEHMEND
    bemerkung: str | None = None
    hilfeersuchen: Hilfeersuchen | None = None


def _name(benutzer: Benutzer | None, system: str | None) -> str | None:
    return benutzer.name if benutzer is not None else system


def _erlaubt(ja: bool, meldung: str) -> None:
    if not ja:
        raise Verweigert(meldung)


def _personen_pruefen(personen: object, fehler: dict[str, str]) -> None:
    if isinstance(personen, bool) or not isinstance(personen, int) or personen <= 0:
        fehler["personen"] = "Die Zahl der Personen muss eine ganze Zahl größer als 0 sein."
    elif personen > HOECHSTE_PERSONENZAHL:
        fehler["personen"] = f"Höchstens {HOECHSTE_PERSONENZAHL:_} Personen.".replace("_", ".")


def _bemerkung_pruefen(bemerkung: str | None, fehler: dict[str, str], feld: str = "bemerkung"
                       ) -> None:
    grund = text_pruefen(bemerkung, hoechstlaenge=BEMERKUNG_HOECHSTLAENGE, mehrzeilig=True)
    if grund:
        fehler[feld] = grund


def _ereignis(vereinbarung: Vereinbarung, *, vorgang: str, wer: str | None, zeitpunkt: datetime,
              alt: str | None = None, neu: str | None = None, grund: str | None = None
              ) -> Vereinbarungsereignis:
    return Vereinbarungsereignis(
        vereinbarung=vereinbarung, zeitpunkt=zeitpunkt, benutzer_name=wer, vorgang=vorgang,
        alt=alt, neu=neu, grund=grund, status=vereinbarung.status.value,
        personen=vereinbarung.personen,
        zuweisend_beruecksichtigt=vereinbarung.zuweisend_beruecksichtigt_am is not None,
        aufnehmend_beruecksichtigt=vereinbarung.aufnehmend_beruecksichtigt_am is not None)


def _speichern(session: Session, was: str) -> None:
    try:
        session.flush()
    except (StaleDataError, IntegrityError):
        raise Konflikt(f"{was} wurde gerade gleichzeitig von jemand anderem geändert; es wurde "
                       "nichts gespeichert. Bitte laden Sie die Seite neu.") from None


def _version_pruefen(gelesen: int, aktuell: int, was: str) -> None:
    if gelesen != aktuell:
        raise Konflikt(f"{was} wurde inzwischen geändert (Version {aktuell}, Sie hatten "
                       f"{gelesen} gelesen); es wurde nichts gespeichert. Bitte laden Sie neu.")


def vereinbarung_anlegen(session: Session, *, angaben: Vereinbarungsangaben,
                         benutzer: Benutzer | None, system: str | None = None) -> Vereinbarung:
    """Ask a host to house persons of the allocated Kommune: a new agreement, `angefragt`.

    `benutzer` None with a `system` name is the trusted CLI. Raises `Validierungsfehler`
    (field → German message) or `Verweigert`; caller commits.
    """
    a = angaben
    if benutzer is not None or system is None:
        _erlaubt(berechtigungen.darf_schritt(benutzer, S.ANGEFRAGT, zuweisend=a.zuweisend,
                                             aufnehmend=a.aufnehmend),
                 "Sie dürfen nur für Ihre eigene Kommune um Hilfe bitten.")
    fehler: dict[str, str] = {}
    _personen_pruefen(a.personen, fehler)
    if a.zuweisend.id == a.aufnehmend.id:
        fehler["aufnehmend"] = "Die aufnehmende Kommune muss eine andere sein."
    elif a.zuweisend.landkreis_id != a.aufnehmend.landkreis_id:
        fehler["aufnehmend"] = "Beide Kommunen müssen zum selben Landkreis gehören."
    for feld, kommune in (("zuweisend", a.zuweisend), ("aufnehmend", a.aufnehmend)):
        if not kommune.aktiv:
            fehler[feld] = f"Die Kommune „{kommune.name}“ ist deaktiviert."
    von = a.von or heute()
    if a.bis is not None and a.bis < von:
        fehler["bis"] = "„bis“ liegt vor „von“."
    _bemerkung_pruefen(a.bemerkung, fehler)
    if a.hilfeersuchen is not None and a.hilfeersuchen.kommune_id != a.zuweisend.id:
        fehler["hilfeersuchen"] = "Das Hilfeersuchen gehört zu einer anderen Kommune."
    if fehler:
        raise Validierungsfehler(fehler)
    zeitpunkt = jetzt()
    vereinbarung = Vereinbarung(
        zuweisend=a.zuweisend, aufnehmend=a.aufnehmend, personen=a.personen,
        platzart=a.platzart, von=von, bis=a.bis, anrechnung=a.anrechnung,
        leistungen_durch=a.leistungen_durch, kita_schule_durch=a.kita_schule_durch,
        bemerkung=a.bemerkung or None, hilfeersuchen=a.hilfeersuchen, status=S.ANGEFRAGT,
        angelegt_am=zeitpunkt, angelegt_von=_name(benutzer, system))
    session.add(vereinbarung)
    session.add(_ereignis(vereinbarung, vorgang="angelegt", wer=_name(benutzer, system),
                          zeitpunkt=zeitpunkt, neu=STATUSWORT[S.ANGEFRAGT]))
    _speichern(session, "Die Vereinbarung")
    vormerken(session, vereinbarung=vereinbarung, was="angefragt", wer=_name(benutzer, system))
    return vereinbarung


def status_setzen(session: Session, *, vereinbarung: Vereinbarung, ziel: Vereinbarungsstatus,
                  version: int, benutzer: Benutzer | None, system: str | None = None,
                  grund: str | None = None, datum: date | None = None) -> Vereinbarung:
    """Take one step (`zugesagt`, `abgelehnt`, `belegt`, `beendet`, `zurueckgezogen`) of an
    agreement read at `version`. `abgelehnt` needs a `grund`; `belegt`/`beendet` take a
    `datum` (default today). Raises `Validierungsfehler`, `Verweigert` or `Konflikt`."""
    if benutzer is not None or system is None:
        seite = berechtigungen.SEITE_DES_SCHRITTS.get(ziel)
        _erlaubt(ziel is not S.ANGEFRAGT and berechtigungen.darf_schritt(
            benutzer, ziel, zuweisend=vereinbarung.zuweisend,
            aufnehmend=vereinbarung.aufnehmend),
            "Diesen Schritt darf nur "
            + ("die zuweisende" if seite is Seite.ZUWEISEND else "die aufnehmende")
            + " Kommune oder der Landkreis gehen.")
    _version_pruefen(version, vereinbarung.version, "Die Vereinbarung")
    alt = vereinbarung.status
    if ziel not in SCHRITTE.get(alt, frozenset()):
        moeglich = ", ".join(sorted(STATUSWORT[s] for s in SCHRITTE.get(alt, frozenset())))
        raise Validierungsfehler({"status": (
            f"Von „{STATUSWORT[alt]}“ geht es nicht nach „{STATUSWORT.get(ziel, ziel)}“"
            + (f" (möglich: {moeglich})." if moeglich else "; die Vereinbarung ist "
               "abgeschlossen."))})
    fehler: dict[str, str] = {}
    grund = (grund or "").strip() or None
    if ziel is S.ABGELEHNT and grund is None:
        fehler["grund"] = "Bitte einen Grund für die Ablehnung angeben."
    _bemerkung_pruefen(grund, fehler, "grund")
    tag = datum or heute()
    if ziel is S.BEENDET and vereinbarung.belegt_am is not None and tag < vereinbarung.belegt_am:
        fehler["datum"] = "Das Ende liegt vor dem Tag der Belegung."
    if fehler:
        raise Validierungsfehler(fehler)
    vereinbarung.status = ziel
    if ziel in (S.ABGELEHNT, S.ZURUECKGEZOGEN):
        vereinbarung.grund = grund
    if ziel is S.BELEGT:
        vereinbarung.belegt_am = tag
    if ziel is S.BEENDET:
        vereinbarung.beendet_am = tag
    session.add(_ereignis(vereinbarung, vorgang="status", wer=_name(benutzer, system),
                          zeitpunkt=jetzt(), alt=STATUSWORT[alt], neu=STATUSWORT[ziel],
                          grund=grund))
    _speichern(session, "Die Vereinbarung")
    vormerken(session, vereinbarung=vereinbarung, was=STATUSWORT[ziel],
              wer=_name(benutzer, system))
    return vereinbarung


def beruecksichtigen(session: Session, *, vereinbarung: Vereinbarung, kommune: Kommune,
                     version: int, benutzer: Benutzer | None, system: str | None = None
                     ) -> Vereinbarung:
    """Record that `kommune`'s own report now includes the agreement (one side, independently
    of the other). Raises `Validierungsfehler`, `Verweigert` or `Konflikt`."""
    if benutzer is not None or system is None:
        _erlaubt(berechtigungen.darf_beruecksichtigen(benutzer, kommune),
                 "Nur die Kommune selbst oder der Landkreis kann das für ihre Meldung "
                 "festhalten.")
    _version_pruefen(version, vereinbarung.version, "Die Vereinbarung")
    if kommune.id == vereinbarung.zuweisend_id:
        feld = "zuweisend_beruecksichtigt_am"
    elif kommune.id == vereinbarung.aufnehmend_id:
        feld = "aufnehmend_beruecksichtigt_am"
    else:
        raise Validierungsfehler({"kommune": f"„{kommune.name}“ ist an dieser Vereinbarung "
                                             "nicht beteiligt."})
    if vereinbarung.status not in (S.ZUGESAGT, S.BELEGT, S.BEENDET):
        raise Validierungsfehler({"status": "Erst eine zugesagte Vereinbarung kann in der "
                                            "Meldung berücksichtigt werden."})
    if getattr(vereinbarung, feld) is not None:
        raise Validierungsfehler({"kommune": f"Für „{kommune.name}“ ist sie schon "
                                             "berücksichtigt."})
    zeitpunkt = jetzt()
    setattr(vereinbarung, feld, zeitpunkt)
    session.add(_ereignis(vereinbarung, vorgang="beruecksichtigt", wer=_name(benutzer, system),
                          zeitpunkt=zeitpunkt, neu=kommune.name))
    _speichern(session, "Die Vereinbarung")
    vormerken(session, vereinbarung=vereinbarung,
              was=f"in der Meldung von {kommune.name} berücksichtigt",
              wer=_name(benutzer, system))
    return vereinbarung


def ersuchen_anlegen(session: Session, *, kommune: Kommune, personen: int,
                     benoetigt_bis: date | None = None, bemerkung: str | None = None,
                     benutzer: Benutzer | None, system: str | None = None) -> Hilfeersuchen:
    """File a Kommune's request for help (`offen`). Raises `Validierungsfehler` or
    `Verweigert`; caller commits."""
    if benutzer is not None or system is None:
        _erlaubt(berechtigungen.darf_ersuchen(benutzer, kommune, Aktion.ANLEGEN),
                 "Sie dürfen nur für Ihre eigene Kommune um Hilfe bitten.")
    fehler: dict[str, str] = {}
    _personen_pruefen(personen, fehler)
    _bemerkung_pruefen(bemerkung, fehler)
    if benoetigt_bis is not None and benoetigt_bis < heute():
        fehler["benoetigt_bis"] = "Das Datum liegt in der Vergangenheit."
    if fehler:
        raise Validierungsfehler(fehler)
    zeitpunkt = jetzt()
    ersuchen = Hilfeersuchen(kommune=kommune, personen=personen, benoetigt_bis=benoetigt_bis,
                             bemerkung=bemerkung or None, status=Ersuchensstatus.OFFEN,
                             angelegt_am=zeitpunkt, angelegt_von=_name(benutzer, system))
    session.add(ersuchen)
    _speichern(session, "Das Hilfeersuchen")
    session.add(Vereinbarungsereignis(hilfeersuchen_id=ersuchen.id, zeitpunkt=zeitpunkt,
                                      benutzer_name=_name(benutzer, system), vorgang="ersuchen",
                                      neu="offen"))
    return ersuchen


def ersuchen_schliessen(session: Session, *, ersuchen: Hilfeersuchen, status: Ersuchensstatus,
                        version: int, benutzer: Benutzer | None, system: str | None = None
                        ) -> Hilfeersuchen:
    """Close an open request as `erledigt` or `zurueckgezogen`."""
    if benutzer is not None or system is None:
        _erlaubt(berechtigungen.darf_ersuchen(benutzer, ersuchen.kommune, Aktion.AENDERN),
                 "Nur die Kommune selbst oder der Landkreis kann das Hilfeersuchen schließen.")
    _version_pruefen(version, ersuchen.version, "Das Hilfeersuchen")
    if ersuchen.status is not Ersuchensstatus.OFFEN or status is Ersuchensstatus.OFFEN:
        raise Validierungsfehler({"status": "Nur ein offenes Hilfeersuchen kann erledigt oder "
                                            "zurückgezogen werden."})
    alt, ersuchen.status = ersuchen.status, status
    session.add(Vereinbarungsereignis(hilfeersuchen_id=ersuchen.id, zeitpunkt=jetzt(),
                                      benutzer_name=_name(benutzer, system), vorgang="ersuchen",
                                      alt=alt.value, neu=status.value))
    _speichern(session, "Das Hilfeersuchen")
    return ersuchen
