"""Help between Kommunen: requests for help, agreements and their steps, each change kept as a
`Vereinbarungsereignis`. Screens, GraphQL and the CLI all call these functions; who may take a
step is decided by `wrm.berechtigungen`. Services raise and never roll back: the caller owns
the transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from wrm import berechtigungen, kennzahlen
from wrm.anzeige import bewegung, personenzahl, zahl
from wrm.anzeige import datum as anzeige_datum
from wrm.db import jetzt
from wrm.meldefelder import HOECHSTWERT, bezeichnung
from wrm.models import (
    Benutzer,
    Buchungsart,
    Hilfeersuchen,
    Kommune,
    Meldequelle,
    Platzart,
    Seite,
    Unterkunft,
    Vereinbarung,
    Vereinbarungsereignis,
    Vereinbarungsstatus,
)
from wrm.models.datenstand import schreibsperre
from wrm.services import meldungen, reservierungen
from wrm.services.benachrichtigungen import vormerken
from wrm.services.buchungen import buchen
from wrm.services.meldungen import Konflikt
from wrm.services.pruefung import (
    BEMERKUNG_HOECHSTLAENGE,
    Validierungsfehler,
    datum_pruefen,
    erlaubt,
    text_pruefen,
)
from wrm.services.stand import staende
from wrm.services.verteilzeitraeume import zeitraeume_von, zeitraum_mit
from wrm.zeit import heute

S = Vereinbarungsstatus
#: The steps an agreement may take from each status; every other step is refused.
SCHRITTE: dict[Vereinbarungsstatus, frozenset[Vereinbarungsstatus]] = {
    S.ANGEFRAGT: frozenset({S.ZUGESAGT, S.ABGELEHNT, S.ZURUECKGEZOGEN}),
    S.ZUGESAGT: frozenset({S.BELEGT, S.ZURUECKGEZOGEN}),
    S.BELEGT: frozenset({S.BEENDET}),
}

#: The statuses in which a side may mark the agreement as included in its own report.
BERUECKSICHTIGBAR = frozenset({S.ZUGESAGT, S.BELEGT, S.BEENDET})


def statuswort(status: Vereinbarungsstatus) -> str:
    """The status as users read it, from the one label catalogue (`meldefelder`)."""
    return bezeichnung("status", status)


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


class Ueberbelegung(Validierungsfehler):
    """More persons than the host has free places (`kennzahlen.freie_plaetze`), and the
    caller did not confirm it; nothing was saved."""

    def __init__(self, *, aufnehmend: Kommune, personen: int, frei: int) -> None:
        super().__init__({"personen": (
            f"{aufnehmend.name} hat {zahl(frei)} freie Plätze (sofort verfügbar, ohne schon "
            f"zugesagte); {personenzahl(personen)} wären eine Überbelegung um "
            f"{personenzahl(kennzahlen.ueberbelegung(personen, frei))}. Bitte die Überbelegung "
            "ausdrücklich bestätigen.")})


def ueberbelegung_von(session: Session, *, aufnehmend: Kommune, personen: int) -> tuple[int, int]:
    """(the host's free places now, the persons above them) for an agreement of `personen`
    that does not count yet (`angefragt`)."""
    stand = staende(session, landkreis=aufnehmend.landkreis, kommune_id=aufnehmend.id)
    frei = stand[0].zeile.freie_plaetze if stand else 0
    return frei, kennzahlen.ueberbelegung(personen, frei)


def _ueberbelegung_pruefen(session: Session, *, aufnehmend: Kommune, personen: int,
                           bestaetigt: bool) -> int | None:
    """The overbooking to store (None: none); `Ueberbelegung` unless confirmed."""
    frei, ueber = ueberbelegung_von(session, aufnehmend=aufnehmend, personen=personen)
    if ueber and not bestaetigt:
        raise Ueberbelegung(aufnehmend=aufnehmend, personen=personen, frei=frei)
    return ueber or None


def wer(benutzer: Benutzer | None, system: str | None) -> str | None:
    """Who the history names: the user, or the trusted caller (the CLI) by its name."""
    return benutzer.name if benutzer is not None else system


def personen_pruefen(personen: object, fehler: dict[str, str]) -> None:
    """Add a German message to `fehler` unless `personen` is a whole number from 1 on."""
    if isinstance(personen, bool) or not isinstance(personen, int) or personen <= 0:
        fehler["personen"] = "Die Zahl der Personen muss eine ganze Zahl größer als 0 sein."
    elif personen > HOECHSTWERT:
        fehler["personen"] = f"Höchstens {zahl(HOECHSTWERT)} Personen."


def bemerkung_pruefen(bemerkung: str | None, fehler: dict[str, str], feld: str = "bemerkung"
                       ) -> None:
    """Add a German message to `fehler` when the note breaks the text rule of `pruefung`."""
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


def speichern(session: Session, was: str) -> None:
    """Flush; a concurrent change of the same record is a `Konflikt` naming `was`."""
    try:
        session.flush()
    except (StaleDataError, IntegrityError):
        raise Konflikt(f"{was} wurde gerade gleichzeitig von jemand anderem geändert; es wurde "
                       "nichts gespeichert. Bitte laden Sie die Seite neu.") from None


def version_pruefen(gelesen: int, aktuell: int, was: str) -> None:
    """A `Konflikt` when the record changed since the caller read it at `gelesen`."""
    if gelesen != aktuell:
        raise Konflikt(f"{was} wurde inzwischen geändert (Version {aktuell}, Sie hatten "
                       f"{gelesen} gelesen); es wurde nichts gespeichert. Bitte laden Sie neu.")


def vereinbarung_anlegen(session: Session, *, angaben: Vereinbarungsangaben,
                         benutzer: Benutzer | None, system: str | None = None,
                         ueberbelegung_bestaetigt: bool = False) -> Vereinbarung:
    """Ask a host to house persons of the allocated Kommune: a new agreement, `angefragt`.

    More persons than the host has free places need `ueberbelegung_bestaetigt` (else
    `Ueberbelegung`) and are stored as the agreement's `ueberbelegung`. `benutzer` None with a
    `system` name is the trusted CLI. Raises `Validierungsfehler` (field → German message) or
    `Verweigert`; caller commits.
    """
    a = angaben
    erlaubt(berechtigungen.darf_schritt(benutzer, S.ANGEFRAGT, zuweisend=a.zuweisend,
                                        aufnehmend=a.aufnehmend),
            "Sie dürfen nur für Ihre eigene Kommune um Hilfe bitten.",
            benutzer=benutzer, system=system)
    fehler: dict[str, str] = {}
    personen_pruefen(a.personen, fehler)
    if a.zuweisend.id == a.aufnehmend.id:
        fehler["aufnehmend"] = "Die aufnehmende Kommune muss eine andere sein."
    elif a.zuweisend.landkreis_id != a.aufnehmend.landkreis_id:
        fehler["aufnehmend"] = "Beide Kommunen müssen zum selben Landkreis gehören."
    for feld, kommune in (("zuweisend", a.zuweisend), ("aufnehmend", a.aufnehmend)):
        if not kommune.aktiv:
            fehler[feld] = f"Die Kommune „{kommune.name}“ ist deaktiviert."
    von = a.von or heute()
    if grund := datum_pruefen(von, heute=heute()):
        fehler["von"] = grund
    if a.bis is not None and a.bis < von:
        fehler["bis"] = "„bis“ liegt vor „von“."
    elif a.bis is not None and (grund := datum_pruefen(a.bis, heute=heute())):
        fehler["bis"] = grund
    bemerkung_pruefen(a.bemerkung, fehler)
    if a.hilfeersuchen is not None and a.hilfeersuchen.kommune_id != a.zuweisend.id:
        fehler["hilfeersuchen"] = "Das Hilfeersuchen gehört zu einer anderen Kommune."
    if fehler:
        raise Validierungsfehler(fehler)
    schreibsperre(session)  # the host's free places are read as they are when this is saved
    ueber = _ueberbelegung_pruefen(session, aufnehmend=a.aufnehmend, personen=a.personen,
                                   bestaetigt=ueberbelegung_bestaetigt)
    zeitpunkt = jetzt()
    vereinbarung = Vereinbarung(
        zuweisend=a.zuweisend, aufnehmend=a.aufnehmend, personen=a.personen,
        platzart=a.platzart, von=von, bis=a.bis, anrechnung=a.anrechnung,
        leistungen_durch=a.leistungen_durch, kita_schule_durch=a.kita_schule_durch,
        bemerkung=a.bemerkung or None, hilfeersuchen=a.hilfeersuchen, status=S.ANGEFRAGT,
        ueberbelegung=ueber, angelegt_am=zeitpunkt, angelegt_von=wer(benutzer, system))
    session.add(vereinbarung)
    session.add(_ereignis(vereinbarung, vorgang="angelegt", wer=wer(benutzer, system),
                          zeitpunkt=zeitpunkt, neu=statuswort(S.ANGEFRAGT)))
    speichern(session, "Die Vereinbarung")
    vormerken(session, vereinbarung=vereinbarung, was="angefragt", wer=wer(benutzer, system))
    return vereinbarung


def status_setzen(session: Session, *, vereinbarung: Vereinbarung, ziel: Vereinbarungsstatus,
                  version: int, benutzer: Benutzer | None, system: str | None = None,
                  grund: str | None = None, datum: date | None = None,
                  ueberbelegung_bestaetigt: bool = False,
                  unterkuenfte: Sequence[tuple[Unterkunft, int]] = ()) -> Vereinbarung:
    """Take one step (`zugesagt`, `abgelehnt`, `belegt`, `beendet`, `zurueckgezogen`) of an
    agreement read at `version`. `abgelehnt` needs a `grund`; `belegt`/`beendet` take a
    `datum` (default today; not before the agreement's start or the day of moving in, at most
    a year ahead, and for a changed allocation in a Verteilzeitraum). `zugesagt` with more
    persons than the host has free places needs `ueberbelegung_bestaetigt`. At `zugesagt` a
    host that keeps its accommodation list may name `unterkuenfte` ((accommodation, persons))
    where the places are reserved (`wrm.services.reservierungen`); they move in at `belegt` and
    are released at `zurueckgezogen`. Raises `Validierungsfehler` (`Ueberbelegung`),
    `Verweigert` or `Konflikt`."""
    seite = berechtigungen.SEITE_DES_SCHRITTS.get(ziel)
    erlaubt(ziel is not S.ANGEFRAGT and berechtigungen.darf_schritt(
        benutzer, ziel, zuweisend=vereinbarung.zuweisend, aufnehmend=vereinbarung.aufnehmend),
        "Diesen Schritt darf nur "
        + ("die zuweisende" if seite is Seite.ZUWEISEND else "die aufnehmende")
        + " Kommune oder der Landkreis gehen.", benutzer=benutzer, system=system)
    schreibsperre(session)  # the agreement and the host's places as they are when saved
    version_pruefen(version, vereinbarung.version, "Die Vereinbarung")
    alt = vereinbarung.status
    if ziel not in SCHRITTE.get(alt, frozenset()):
        moeglich = ", ".join(sorted(statuswort(s) for s in SCHRITTE.get(alt, frozenset())))
        raise Validierungsfehler({"status": (
            f"Von „{statuswort(alt)}“ geht es nicht nach „{statuswort(ziel)}“"
            + (f" (möglich: {moeglich})." if moeglich else "; die Vereinbarung ist "
               "abgeschlossen."))})
    fehler: dict[str, str] = {}
    grund = (grund or "").strip() or None
    if ziel is S.ABGELEHNT and grund is None:
        fehler["grund"] = "Bitte einen Grund für die Ablehnung angeben."
    bemerkung_pruefen(grund, fehler, "grund")
    tag = datum or heute()
    if ziel is S.BEENDET and vereinbarung.belegt_am is not None and tag < vereinbarung.belegt_am:
        fehler["datum"] = "Das Ende liegt vor dem Tag der Belegung."
    elif ziel in (S.BELEGT, S.BEENDET) and (grund_datum := datum_pruefen(
            tag, heute=heute(), fruehestens=vereinbarung.von,
            fruehestens_was="dem Beginn der Vereinbarung")):
        fehler["datum"] = grund_datum
    if fehler:
        raise Validierungsfehler(fehler)
    if ziel is S.ZUGESAGT:
        vereinbarung.ueberbelegung = _ueberbelegung_pruefen(
            session, aufnehmend=vereinbarung.aufnehmend, personen=vereinbarung.personen,
            bestaetigt=ueberbelegung_bestaetigt)
    vereinbarung.status = ziel
    if ziel in (S.ABGELEHNT, S.ZURUECKGEZOGEN):
        vereinbarung.grund = grund
    if ziel is S.BELEGT:
        vereinbarung.belegt_am = tag
        if vereinbarung.anrechnung is Seite.AUFNEHMEND:
            _umbuchen(session, vereinbarung, tag, wer(benutzer, system))
    if ziel is S.BEENDET:
        vereinbarung.beendet_am = tag
    if unterkuenfte and ziel is not S.ZUGESAGT:
        raise Validierungsfehler({"unterkuenfte": "Unterkünfte werden bei der Zusage genannt."})
    zeitpunkt = jetzt()
    session.add(_ereignis(vereinbarung, vorgang="status", wer=wer(benutzer, system),
                          zeitpunkt=zeitpunkt, alt=statuswort(alt), neu=statuswort(ziel),
                          grund=grund))
    _plaetze_fuehren(session, vereinbarung, ziel, unterkuenfte, benutzer=benutzer, system=system,
                     bestaetigt=ueberbelegung_bestaetigt, zeitpunkt=zeitpunkt)
    speichern(session, "Die Vereinbarung")
    vormerken(session, vereinbarung=vereinbarung, was=statuswort(ziel),
              wer=wer(benutzer, system))
    return vereinbarung


def _plaetze_fuehren(session: Session, vereinbarung: Vereinbarung, ziel: Vereinbarungsstatus,
                     unterkuenfte: Sequence[tuple[Unterkunft, int]], *,
                     benutzer: Benutzer | None, system: str | None, bestaetigt: bool,
                     zeitpunkt: datetime) -> None:
    """The step in the host's accommodations. Where the host's figures come from its list,
    the reservation already lowers its free places: from then on the agreement counts as
    included in the host's report (recorded in its history), so it never counts twice."""
    if ziel is S.ZUGESAGT and unterkuenfte:
        session.flush()  # the agreement's id for the reservations
        reservierungen.reservieren(session, vereinbarung=vereinbarung, plaetze=unterkuenfte,
                                   benutzer=benutzer, system=system,
                                   ueberbelegung_bestaetigt=bestaetigt)
        host = vereinbarung.aufnehmend
        if (host.meldequelle == Meldequelle.UNTERKUENFTE
                and vereinbarung.aufnehmend_beruecksichtigt_am is None):
            vereinbarung.aufnehmend_beruecksichtigt_am = zeitpunkt
            session.add(_ereignis(vereinbarung, vorgang="beruecksichtigt",
                                  wer=wer(benutzer, system), zeitpunkt=zeitpunkt,
                                  neu=f"{host.name} (aus der Unterkunftsliste)"))
    elif ziel is S.BELEGT:
        reservierungen.einziehen(session, vereinbarung=vereinbarung, benutzer=benutzer,
                                 system=system)
    elif ziel in (S.ZURUECKGEZOGEN, S.ABGELEHNT):
        reservierungen.freigeben(session, vereinbarung=vereinbarung, benutzer=benutzer,
                                 system=system)


def _umbuchen(session: Session, vereinbarung: Vereinbarung, tag: date, wer: str | None) -> None:
    """The state changed the allocation: the persons count on the host's quota from now on,
    no longer on the allocated Kommune's (two ledger entries in the period of the day; Σ (5)
    stays the same). A Landkreis without any period has no quota to book to; a day in no
    period of a Landkreis that has periods is refused."""
    landkreis_id = vereinbarung.zuweisend.landkreis_id
    if not zeitraeume_von(session, landkreis_id=landkreis_id):
        return
    zeitraum = zeitraum_mit(session, landkreis_id=landkreis_id, tag=tag)
    if zeitraum is None:
        raise Validierungsfehler({"datum": (
            f"Kein Verteilzeitraum enthält den {anzeige_datum(tag)}; die Umbuchung auf die "
            "Quote der aufnehmenden Kommune gehört in den Verteilzeitraum ihres Tages.")})
    quelle = (f"Vereinbarung {vereinbarung.id}: "
              f"{bewegung(vereinbarung.zuweisend.name, vereinbarung.aufnehmend.name)}, "
              "Zuweisung geändert")
    for kommune, personen in ((vereinbarung.aufnehmend, vereinbarung.personen),
                              (vereinbarung.zuweisend, -vereinbarung.personen)):
        buchen(session, kommune=kommune, zeitraum=zeitraum, personen=personen,
               art=Buchungsart.VEREINBARUNG, quelle=quelle, benutzer=None,
               system=wer or "WRM", datum=tag, vereinbarung_id=vereinbarung.id)


def mit_einschluessen_speichern(
    session: Session, *, kommune: Kommune, werte: Mapping[str, object], version: int,
    benutzer: Benutzer | None, einschluesse: Sequence[tuple[int, int]] = (),
) -> None:
    """Save a Kommune's report (`meldungen.speichern`) and mark the agreements `einschluesse`
    ((id, version as read)) as included in it, in one transaction: the figures never count a
    move twice, or not at all, between the two. Raises `Validierungsfehler`, `Verweigert` or
    `Konflikt`; nothing is kept then. Caller commits."""
    meldungen.speichern(session, kommune=kommune, werte=werte, version=version,
                        benutzer=benutzer)
    for kennung, gelesen in einschluesse:
        vereinbarung = session.get(Vereinbarung, kennung)
        if vereinbarung is None or kommune.id not in (vereinbarung.zuweisend_id,
                                                      vereinbarung.aufnehmend_id):
            raise Validierungsfehler({"enthalten": f"„{kommune.name}“ ist an der "
                                                   f"Vereinbarung {kennung} nicht beteiligt."})
        beruecksichtigen(session, vereinbarung=vereinbarung, kommune=kommune, version=gelesen,
                         benutzer=benutzer)


def beruecksichtigen(session: Session, *, vereinbarung: Vereinbarung, kommune: Kommune,
                     version: int, benutzer: Benutzer | None, system: str | None = None
                     ) -> Vereinbarung:
    """Record that `kommune`'s own report now includes the agreement (one side, independently
    of the other). Raises `Validierungsfehler`, `Verweigert` or `Konflikt`."""
    erlaubt(berechtigungen.darf_beruecksichtigen(benutzer, kommune),
            "Nur die Kommune selbst oder der Landkreis kann das für ihre Meldung festhalten.",
            benutzer=benutzer, system=system)
    version_pruefen(version, vereinbarung.version, "Die Vereinbarung")
    if kommune.id == vereinbarung.zuweisend_id:
        feld = "zuweisend_beruecksichtigt_am"
    elif kommune.id == vereinbarung.aufnehmend_id:
        feld = "aufnehmend_beruecksichtigt_am"
    else:
        raise Validierungsfehler({"kommune": f"„{kommune.name}“ ist an dieser Vereinbarung "
                                             "nicht beteiligt."})
    if vereinbarung.status not in BERUECKSICHTIGBAR:
        raise Validierungsfehler({"status": "Erst eine zugesagte Vereinbarung kann in der "
                                            "Meldung berücksichtigt werden."})
    if getattr(vereinbarung, feld) is not None:
        raise Validierungsfehler({"kommune": f"Für „{kommune.name}“ ist sie schon "
                                             "berücksichtigt."})
    zeitpunkt = jetzt()
    setattr(vereinbarung, feld, zeitpunkt)
    session.add(_ereignis(vereinbarung, vorgang="beruecksichtigt", wer=wer(benutzer, system),
                          zeitpunkt=zeitpunkt, neu=kommune.name))
    speichern(session, "Die Vereinbarung")
    vormerken(session, vereinbarung=vereinbarung,
              was=f"in der Meldung von {kommune.name} berücksichtigt",
              wer=wer(benutzer, system))
    return vereinbarung
