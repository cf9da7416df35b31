"""Carry-over and relief of the quotas (the terms besides the population share), and closing a
period: each Kommune's rest becomes its carry-over in the next period."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wrm import berechtigungen
from wrm.anzeige import zahl
from wrm.berechtigungen import Aktion
from wrm.db import jetzt
from wrm.meldefelder import HOECHSTWERT, bezeichnung
from wrm.models import (
    Anpassungsart,
    Benutzer,
    Buchung,
    Kommune,
    Quotenanpassung,
    Verteilzeitraum,
)
from wrm.models.datenstand import schreibsperre
from wrm.namen import name_bereinigen, namensschluessel
from wrm.services.meldungen import Konflikt
from wrm.services.pruefung import (
    BEMERKUNG_HOECHSTLAENGE,
    Validierungsfehler,
    erlaubt,
    text_pruefen,
)
from wrm.services.stand import staende
from wrm.services.vereinbarungen import speichern
from wrm.services.verteilzeitraeume import offen_pruefen, quoten_von
from wrm.zeit import heute

#: Reason of a carry-over computed by closing a period ("{zeitraum}" is the closed one).
ABSCHLUSSGRUND = "Rest aus „{zeitraum}“: Quote {quote} − Zuweisungen {zuweisungen} − " \
                 "Anrechnungen {anrechnungen}"


@dataclass(frozen=True, slots=True)
class Anpassungen:
    """A Kommune's carry-over and relief in force in a period (the latest entry of each kind;
    None where there is none, which counts 0)."""

    uebertrag: Quotenanpassung | None = None
    entlastung: Quotenanpassung | None = None

    def wert(self, art: Anpassungsart) -> int:
        """The persons of that kind, 0 without an entry."""
        eintrag = self.uebertrag if art is Anpassungsart.UEBERTRAG else self.entlastung
        return eintrag.personen if eintrag is not None else 0


def anpassungen(session: Session, *, zeitraum: Verteilzeitraum,
                kommune_ids: list[int] | None = None) -> dict[int, Anpassungen]:
    """The entries in force per Kommune id (of the given Kommunen, or all). One query."""
    abfrage = select(Quotenanpassung).where(Quotenanpassung.verteilzeitraum_id == zeitraum.id)
    if kommune_ids is not None:
        abfrage = abfrage.where(Quotenanpassung.kommune_id.in_(kommune_ids))
    ergebnis: dict[int, Anpassungen] = {}
    # In entry order, so the latest of each kind is the one kept.
    for eintrag in session.scalars(abfrage.order_by(Quotenanpassung.eingetragen_am,
                                                    Quotenanpassung.id)):
        alt = ergebnis.get(eintrag.kommune_id, Anpassungen())
        ergebnis[eintrag.kommune_id] = (
            Anpassungen(uebertrag=eintrag, entlastung=alt.entlastung)
            if eintrag.art is Anpassungsart.UEBERTRAG
            else Anpassungen(uebertrag=alt.uebertrag, entlastung=eintrag))
    return ergebnis


def verlauf(session: Session, *, zeitraum: Verteilzeitraum, kommune: Kommune
            ) -> list[Quotenanpassung]:
    """Every entry of the Kommune in the period, oldest first."""
    return list(session.scalars(select(Quotenanpassung).where(
        Quotenanpassung.verteilzeitraum_id == zeitraum.id,
        Quotenanpassung.kommune_id == kommune.id)
        .order_by(Quotenanpassung.eingetragen_am, Quotenanpassung.id)))


def _pruefen(art: Anpassungsart, personen: object, grund: str) -> dict[str, str]:
    fehler: dict[str, str] = {}
    kleinste = 0 if art is Anpassungsart.ENTLASTUNG else -HOECHSTWERT
    if isinstance(personen, bool) or not isinstance(personen, int) \
            or not kleinste <= personen <= HOECHSTWERT:
        fehler["personen"] = (f"Eine ganze Zahl zwischen {zahl(kleinste)} und "
                              f"{zahl(HOECHSTWERT)}.")
    if not (grund or "").strip():
        fehler["grund"] = "Bitte den Grund angeben."
    elif text := text_pruefen(grund, hoechstlaenge=BEMERKUNG_HOECHSTLAENGE, mehrzeilig=True):
        fehler["grund"] = text
    return fehler


def anpassen(session: Session, *, kommune: Kommune, zeitraum: Verteilzeitraum,
             art: Anpassungsart, personen: int, grund: str, benutzer: Benutzer | None,
             system: str | None = None, gelesen: int | None = None,
             automatisch: bool = False) -> Quotenanpassung | None:
    """Set a Kommune's carry-over or relief in a period, with its reason (the county only).
    `gelesen` is the id of the entry in force the caller saw (None: none); a newer one is a
    `Konflikt`. Returns the new entry, or None when nothing changed. Raises
    `Validierungsfehler`, `Verweigert` or `Konflikt`. Caller commits."""
    erlaubt(berechtigungen.im_bereich(benutzer, Quotenanpassung, Aktion.ANLEGEN, kommune),
            "Übertrag und Entlastung setzt nur der Landkreis.", benutzer=benutzer, system=system)
    fehler = _pruefen(art, personen, grund)
    if zeitraum.landkreis_id != kommune.landkreis_id:
        fehler["zeitraum"] = "Der Verteilzeitraum gehört zu einem anderen Landkreis."
    if fehler:
        raise Validierungsfehler(fehler)
    schreibsperre(session)
    offen_pruefen(zeitraum)
    bisher = anpassungen(session, zeitraum=zeitraum, kommune_ids=[kommune.id]).get(
        kommune.id, Anpassungen())
    aktuell = bisher.uebertrag if art is Anpassungsart.UEBERTRAG else bisher.entlastung
    if (aktuell.id if aktuell else None) != gelesen:
        raise Konflikt(f"{'Der Übertrag' if art is Anpassungsart.UEBERTRAG else 'Die Entlastung'}"
                       f" von {kommune.name} wurde inzwischen geändert; es wurde nichts "
                       "gespeichert. Bitte laden Sie neu.")
    if aktuell is not None and aktuell.personen == personen and aktuell.grund == grund.strip():
        return None
    eintrag = Quotenanpassung(
        kommune=kommune, verteilzeitraum_id=zeitraum.id, art=art, personen=personen,
        grund=grund.strip(), vorgaenger_id=gelesen or 0, automatisch=automatisch,
        eingetragen_am=jetzt(), eingetragen_von=benutzer.name if benutzer is not None else system)
    session.add(eintrag)
    # A writer who saw the same entry and saved first: the unique chain refuses this one.
    speichern(session, f"{bezeichnung('anpassungsart', art)} von {kommune.name}")
    return eintrag


@dataclass(frozen=True, slots=True)
class Rest:
    """A Kommune's rest at closing: quota − assignments − credits (None: no quota)."""

    kommune: Kommune
    quote: int | None
    zuweisungen: int | None
    anrechnungen: int

    @property
    def uebertrag(self) -> int:
        """What carries over: the rest; 0 without a quota."""
        if self.quote is None:
            return 0
        return self.quote - (self.zuweisungen or 0) - self.anrechnungen


def naechster_zeitraum(session: Session, zeitraum: Verteilzeitraum) -> Verteilzeitraum | None:
    """The Landkreis' period beginning first after this one."""
    return session.scalars(select(Verteilzeitraum).where(
        Verteilzeitraum.landkreis_id == zeitraum.landkreis_id,
        Verteilzeitraum.beginn > zeitraum.beginn).order_by(Verteilzeitraum.beginn).limit(1)
    ).first()


def reste(session: Session, *, zeitraum: Verteilzeitraum) -> list[Rest]:
    """Each active Kommune's rest in the period: its quota and every credit booked to the
    period, and the assignments (1) reported up to the period's end (today, if later)."""
    stichtag = min(zeitraum.ende or heute(), heute())
    gebucht = dict(session.execute(
        select(Buchung.kommune_id, func.sum(Buchung.personen))
        .where(Buchung.verteilzeitraum_id == zeitraum.id).group_by(Buchung.kommune_id)).all())
    quoten = quoten_von(session, zeitraum=zeitraum)
    return [Rest(kommune=s.kommune, quote=quoten[s.kommune.id].wert
                 if s.kommune.id in quoten else None, zuweisungen=s.zeile.zuweisungen,
                 anrechnungen=int(gebucht.get(s.kommune.id, 0)))
            for s in staende(session, landkreis=zeitraum.landkreis, stichtag=stichtag)
            if not s.kommune.des_landkreises]  # the county's own shelters have no quota


@dataclass(frozen=True, slots=True)
class Abschluss:
    """What closing a period did: the next period and each Kommune's carry-over into it."""

    zeitraum: Verteilzeitraum
    naechster: Verteilzeitraum
    reste: list[Rest]
    abweichend: dict[str, tuple[int, str]]

    def uebertrag(self, rest: Rest) -> int:
        """The carry-over set for the Kommune (the county's decision where it made one)."""
        return self.abweichend.get(rest.kommune.name, (rest.uebertrag, ""))[0]


def abschliessen(session: Session, *, zeitraum: Verteilzeitraum, benutzer: Benutzer | None,
                 system: str | None = None,
                 abweichend: dict[str, tuple[int, str]] | None = None) -> Abschluss:
    """Close the period: each Kommune's rest becomes its carry-over in the next period (one
    entry each), unless `abweichend` (Kommune name → persons, reason) says otherwise. The
    period must have an end and a next period must exist. Raises `Validierungsfehler` or
    `Verweigert`; changes nothing then. Caller commits."""
    erlaubt(berechtigungen.bereich_von(benutzer, Verteilzeitraum, Aktion.AENDERN).landkreis_id
            == zeitraum.landkreis_id,
            "Verteilzeiträume schließt nur der Landkreis ab.", benutzer=benutzer, system=system)
    # Under the lock: a second closing finds the period closed, and no credit or report can
    # arrive between the rests read here and the carry-over written from them.
    schreibsperre(session)
    offen_pruefen(zeitraum)
    naechster = naechster_zeitraum(session, zeitraum)
    fehler: dict[str, str] = {}
    if zeitraum.ende is None:
        fehler["ende"] = (f"„{zeitraum.name}“ hat kein Ende; bitte erst das Ende eintragen und "
                          "den folgenden Verteilzeitraum anlegen.")
    elif naechster is None:
        fehler["naechster"] = (f"Nach „{zeitraum.name}“ gibt es keinen Verteilzeitraum, in den "
                               "der Rest übertragen werden kann; bitte zuerst anlegen.")
    alle = reste(session, zeitraum=zeitraum)
    # The county's decisions under the Kommunen's own names (`wrm.namen`: spaces, case aside).
    namen = {namensschluessel(r.kommune.name): r.kommune.name for r in alle}
    abweichend = {namen.get(namensschluessel(name), name_bereinigen(name)): entscheidung
                  for name, entscheidung in (abweichend or {}).items()}
    for name, (personen, grund) in abweichend.items():
        if name not in namen.values():
            fehler[f"abweichend {name}"] = f"Die Kommune „{name}“ gibt es nicht."
        for feld, text in _pruefen(Anpassungsart.UEBERTRAG, personen, grund).items():
            fehler[f"abweichend {name} ({feld})"] = text
    if fehler:
        raise Validierungsfehler(fehler)
    assert naechster is not None
    offen_pruefen(naechster, "naechster")
    abschluss = Abschluss(zeitraum=zeitraum, naechster=naechster, reste=alle,
                          abweichend=abweichend)
    wer = benutzer.name if benutzer is not None else system
    stand = anpassungen(session, zeitraum=naechster)
    for rest in alle:
        if rest.kommune.name in abweichend:
            grund = abweichend[rest.kommune.name][1].strip()
        elif rest.quote is None:
            grund = f"Keine Quote in „{zeitraum.name}“, daher kein Rest"
        else:
            grund = ABSCHLUSSGRUND.format(zeitraum=zeitraum.name, quote=rest.quote,
                                          zuweisungen=rest.zuweisungen or 0,
                                          anrechnungen=rest.anrechnungen)
        bisher = stand.get(rest.kommune.id, Anpassungen()).uebertrag
        anpassen(session, kommune=rest.kommune, zeitraum=naechster,
                 art=Anpassungsart.UEBERTRAG, personen=abschluss.uebertrag(rest), grund=grund,
                 benutzer=None, system=wer, gelesen=bisher.id if bisher else None,
                 automatisch=rest.kommune.name not in abweichend)
    zeitraum.abgeschlossen_am = jetzt()
    zeitraum.abgeschlossen_von = wer
    session.flush()
    return abschluss
