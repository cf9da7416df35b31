"""Keeping accommodations: create and change one (with its history and optimistic locking),
"three persons moved in", the list now or as it stood at a Stichtag, and where a Kommune's
columns (6)–(11) come from. A change that moves the sums of a Kommune whose figures come from
its list writes the report in the same transaction (`wrm.services.unterkunftssummen`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from wrm import berechtigungen
from wrm.anzeige import zeitpunkt as zeitpunkt_text
from wrm.berechtigungen import Aktion
from wrm.db import jetzt
from wrm.kennzahlen.unterkuenfte import Kapazitaet
from wrm.models import (
    Benutzer,
    Kommune,
    Landkreis,
    Meldequelle,
    Platzart,
    Unterkunft,
    Unterkunftseintrag,
    Unterkunftsstatus,
    Verlaufseintrag,
)
from wrm.models.datenstand import schreibsperre
from wrm.models.unterkunft import UNTERKUNFTSFELDER
from wrm.models.verlauf import VORGANG_QUELLE, VORGANG_UNTERKUENFTE
from wrm.namen import name_bereinigen, namensschluessel
from wrm.services import meldungen, unterkunftssummen
from wrm.services.kommunen import kreiskommune
from wrm.services.meldungen import Konflikt
from wrm.services.pruefung import Validierungsfehler, erlaubt
from wrm.services.unterkunftspruefung import kapazitaet, unterkunft_pruefen, warnungen
from wrm.zeit import heute, tagesende

VORGANG_ANGELEGT = "angelegt"
VORGANG_GEAENDERT = "geaendert"
VORGANG_BELEGUNG = "belegung"
VORGANG_IMPORT = "import"
#: How the county's own shelters are named as their owner in files, JSON and `--kommune`.
LANDKREIS = "Landkreis"


@dataclass
class Gespeichert:
    """The outcome of a save: the accommodation, whether anything changed, the warnings
    (overbooking), and the report's history entry when the sums moved the report."""

    unterkunft: Unterkunft
    geaendert: bool
    warnungen: list[str] = field(default_factory=list)
    meldung: Verlaufseintrag | None = None


def _json(wert: Any) -> Any:
    if isinstance(wert, Enum):
        return wert.value
    if isinstance(wert, date):
        return wert.isoformat()
    return wert


def bereinigt(werte: Mapping[str, object]) -> dict[str, object]:
    """The fields in their stored form: names and texts trimmed (empty text: none), kinds as
    their enum members where valid (the rules check the words)."""
    ergebnis: dict[str, object] = {f: werte.get(f) for f in UNTERKUNFTSFELDER}
    for feld in ("name", "adresse", "sperrgrund", "bemerkung"):
        text = ergebnis[feld]
        if isinstance(text, str):
            text = name_bereinigen(text) if feld != "bemerkung" else text.strip()
            ergebnis[feld] = text or None
    for feld in ("art", "status"):
        ergebnis[feld] = getattr(ergebnis[feld], "value", ergebnis[feld])
    return ergebnis


def besitzername(kommune: Kommune) -> str:
    """How an accommodation's owner is written in files, JSON and `--kommune`: the Kommune's
    name, or `Landkreis` for the county's own."""
    return LANDKREIS if kommune.des_landkreises else kommune.name


def _doppelt(session: Session, *, landkreis_id: int, kommune_id: int, name: str,
             ohne: int | None) -> bool:
    abfrage = select(func.count(Unterkunft.id)).where(
        Unterkunft.landkreis_id == landkreis_id, Unterkunft.schluessel == namensschluessel(name),
        Unterkunft.kommune_id == kommune_id)
    if ohne is not None:
        abfrage = abfrage.where(Unterkunft.id != ohne)
    return bool(session.scalar(abfrage))


def _konflikt(session: Session, unterkunft: Unterkunft, version: int) -> Konflikt:
    spaetere = session.scalars(
        select(Unterkunftseintrag).where(Unterkunftseintrag.unterkunft_id == unterkunft.id,
                                         Unterkunftseintrag.version > version)
        .order_by(Unterkunftseintrag.id)).all()
    wer = "; ".join(f"{e.benutzer_name or 'unbekannt'} am {zeitpunkt_text(e.zeitpunkt)}: "
                    f"{', '.join(e.aenderungen) or 'gespeichert'}" for e in spaetere)
    return Konflikt(
        f"Die Unterkunft „{unterkunft.name}“ wurde inzwischen geändert ({wer or 'unbekannt'}) "
        "und Ihre Eingaben wurden nicht gespeichert. Bitte laden Sie sie neu.",
        frozenset(f for e in spaetere for f in e.aenderungen))


def aenderungen(alt: Mapping[str, object], neu: Mapping[str, object]) -> dict[str, list[Any]]:
    """{field: [old, new]} of every field that differs, in JSON form (kinds as words, days as
    ISO text): what a history entry keeps."""
    return {f: [_json(alt.get(f)), _json(neu.get(f))] for f in UNTERKUNFTSFELDER
            if _json(alt.get(f)) != _json(neu.get(f))}


def aendern(unterkunft: Unterkunft, werte: dict[str, object], *, benutzer: Benutzer | None,
            benutzer_name: str | None, vorgang: str | None, zeitpunkt: datetime
            ) -> Unterkunftseintrag | None:
    """Set checked, cleaned values (`bereinigt`, `unterkunft_pruefen`) on the accommodation and
    return its history entry, not yet added (its `version` is the one after the next flush);
    None when nothing differs."""
    neu = {**werte, "art": Platzart(werte["art"]), "status": Unterkunftsstatus(werte["status"])}
    alt = unterkunft.werte() if unterkunft.id is not None else {}
    geaendert = aenderungen(alt, neu)
    if not geaendert:
        return None
    for feld in UNTERKUNFTSFELDER:
        setattr(unterkunft, feld, neu[feld])
    unterkunft.schluessel = namensschluessel(str(neu["name"]))
    unterkunft.geaendert_am = zeitpunkt
    return Unterkunftseintrag(
        unterkunft=unterkunft, zeitpunkt=zeitpunkt, benutzer=benutzer, benutzer_name=benutzer_name,
        vorgang=vorgang or (VORGANG_ANGELEGT if not alt else VORGANG_GEAENDERT),
        version=(unterkunft.version or 0) + 1, aenderungen=geaendert,
        **{f: neu[f] for f in UNTERKUNFTSFELDER})


def speichern(session: Session, *, landkreis: Landkreis, kommune: Kommune | None,
              werte: Mapping[str, object], unterkunft: Unterkunft | None = None,
              version: int | None = None, benutzer: Benutzer | None = None,
              system: str | None = None, vorgang: str | None = None,
              zeitpunkt: datetime | None = None) -> Gespeichert:
    """Create an accommodation of `kommune` (None: the Landkreis's own) or change
    `unterkunft`, read at `version` (required for a change). Raises `Validierungsfehler`
    (German, by field), `Verweigert`, or `Konflikt` when it changed since `version`.
    Saving unchanged values changes nothing. Caller commits."""
    aktion = Aktion.ANLEGEN if unterkunft is None else Aktion.AENDERN
    erlaubt(berechtigungen.unterkunft_im_bereich(
        benutzer, aktion, landkreis_id=landkreis.id,
        kommune_id=kommune.id if kommune is not None else None),
        "Unterkünfte pflegt nur die eigene Kommune oder der Landkreis.",
        benutzer=benutzer, system=system)
    if kommune is None:  # the county's own: its row, made with its first shelter
        kommune = kreiskommune(session, landkreis=landkreis)
    if kommune.landkreis_id != landkreis.id:
        raise Validierungsfehler(
            {"kommune": f"„{kommune.name}“ gehört nicht zum {landkreis.name}."})
    neu = bereinigt(werte)
    fehler = unterkunft_pruefen(neu, heute=heute())
    if unterkunft is not None and version is None:
        fehler["version"] = "fehlt: bitte die Unterkunft neu laden"
    if fehler:
        raise Validierungsfehler(fehler)
    # The name check and the report's sums read other rows: under the write lock.
    schreibsperre(session)
    if _doppelt(session, landkreis_id=landkreis.id, kommune_id=kommune.id, name=str(neu["name"]),
                ohne=unterkunft.id if unterkunft is not None else None):
        raise Validierungsfehler({"name": f"Die Unterkunft „{neu['name']}“ gibt es bei "
                                          f"{besitzername(kommune)} schon."})
    if unterkunft is not None and version != unterkunft.version:
        raise _konflikt(session, unterkunft, version)  # type: ignore[arg-type]
    zeitpunkt = zeitpunkt or jetzt()
    if unterkunft is None:
        unterkunft = Unterkunft(landkreis=landkreis, kommune=kommune, angelegt_am=zeitpunkt)
    name = benutzer.name if benutzer is not None else system
    eintrag = aendern(unterkunft, neu, benutzer=benutzer, benutzer_name=name, vorgang=vorgang,
                      zeitpunkt=zeitpunkt)
    if eintrag is None:
        return Gespeichert(unterkunft, False, warnungen(neu))
    session.add(unterkunft)  # only now: a half-set new one must not be flushed early
    try:
        session.flush()  # bumps the version; fails if someone else bumped it first
    except StaleDataError:
        raise Konflikt("Die Unterkunft wurde gerade gleichzeitig von jemand anderem "
                       "gespeichert; Ihre Eingaben wurden nicht gespeichert.") from None
    eintrag.version = unterkunft.version
    session.add(eintrag)
    meldung = meldung_nachziehen(session, kommune=kommune, benutzer=benutzer,
                                 benutzer_name=name, zeitpunkt=zeitpunkt)
    return Gespeichert(unterkunft, True, warnungen(neu), meldung)


def belegung_aendern(session: Session, *, unterkunft: Unterkunft, personen: int, version: int,
                     benutzer: Benutzer | None = None, system: str | None = None
                     ) -> Gespeichert:
    """The daily task: `personen` moved in (positive) or out (negative) of `unterkunft`."""
    if isinstance(personen, bool) or not isinstance(personen, int) or personen == 0:
        raise Validierungsfehler({"personen": "Eine ganze Zahl ungleich 0: eingezogen (+) "
                                              "oder ausgezogen (−)."})
    if unterkunft.belegt + personen < 0:
        raise Validierungsfehler({"personen": f"Es wohnen nur {unterkunft.belegt} Personen in "
                                              f"„{unterkunft.name}“."})
    werte = unterkunft.werte()
    werte["belegt"] = unterkunft.belegt + personen
    return speichern(session, landkreis=unterkunft.landkreis, kommune=unterkunft.kommune,
                     werte=werte, unterkunft=unterkunft, version=version, benutzer=benutzer,
                     system=system, vorgang=VORGANG_BELEGUNG)


def meldung_nachziehen(session: Session, *, kommune: Kommune, benutzer: Benutzer | None,
                       benutzer_name: str | None, zeitpunkt: datetime) -> Verlaufseintrag | None:
    """Write the list's (6)–(11) into the report of a Kommune whose figures come from its
    list, when they differ (a history entry saying so); None when nothing changed or the
    Kommune has no report yet (its first one will take them). The county's own row, which
    nobody reports by hand, gets its first report here."""
    meldung = kommune.meldung
    if kommune.meldequelle != Meldequelle.UNTERKUENFTE:
        return None
    if meldung is None:
        if not kommune.des_landkreises:
            return None
        return meldungen.speichern(session, kommune=kommune, version=0, benutzer=benutzer,
                                   benutzer_name=benutzer_name, vorgang=VORGANG_UNTERKUENFTE,
                                   zeitpunkt=zeitpunkt, werte={"lage": "ausreichend"})
    session.flush()
    werte = meldung.werte()
    if all(werte[f] == w for f, w in unterkunftssummen.summen(
            session, kommune_id=kommune.id).items()):
        return None
    return meldungen.speichern(
        session, kommune=kommune, werte={**werte, **dict.fromkeys(unterkunftssummen.FELDER)},
        version=meldung.version, benutzer=benutzer, benutzer_name=benutzer_name,
        vorgang=VORGANG_UNTERKUENFTE, zeitpunkt=zeitpunkt)


def meldequelle_setzen(session: Session, *, kommune: Kommune, quelle: Meldequelle,
                       benutzer: Benutzer | None = None, system: str | None = None
                       ) -> Verlaufseintrag | None:
    """Switch where the Kommune's (6)–(11) come from. To `unterkuenfte` the list's sums are
    written at once; back to `eingabe` the last figures stay as typed values. The switch is a
    history entry of the report (when the Kommune has one yet). Caller commits."""
    erlaubt(berechtigungen.darf_meldung_aendern(benutzer, kommune),
            "Die Quelle der Meldung stellt nur die eigene Kommune oder der Landkreis um.",
            benutzer=benutzer, system=system)
    if kommune.des_landkreises:
        raise Validierungsfehler({"kommune": "Die Zahlen der Unterkünfte des Landkreises kommen "
                                             "immer aus seiner Liste."})
    schreibsperre(session)
    alt = Meldequelle(kommune.meldequelle)
    if alt == quelle:
        return None
    if quelle == Meldequelle.UNTERKUENFTE and not session.scalar(
            select(func.count(Unterkunft.id)).where(Unterkunft.kommune_id == kommune.id)):
        # An empty list would turn every figure of (6)–(11) into 0: surely not meant.
        raise Validierungsfehler({"quelle": f"Für {kommune.name} sind noch keine Unterkünfte "
                                            "erfasst; bitte zuerst die Liste anlegen."})
    kommune.meldequelle = quelle
    meldung = kommune.meldung
    if meldung is None:
        return None
    werte = meldung.werte()
    if quelle == Meldequelle.UNTERKUENFTE:
        werte.update(dict.fromkeys(unterkunftssummen.FELDER))  # the list fills them
    eintrag = meldungen.speichern(
        session, kommune=kommune, werte=werte, version=meldung.version, benutzer=benutzer,
        benutzer_name=benutzer.name if benutzer is not None else system)
    # Whether or not a figure moved, the entry records the switch.
    eintrag.vorgang = VORGANG_QUELLE
    eintrag.aenderungen = {**eintrag.aenderungen, "meldequelle": [alt.value, quelle.value]}
    return eintrag


@dataclass(frozen=True)
class Unterkunftsstand:
    """One accommodation as the list shows it (now, or at the end of a Stichtag)."""

    id: int
    kommune: str
    werte: dict[str, Any]
    version: int

    @property
    def kapazitaet(self) -> Kapazitaet:
        """Its capacity chain."""
        return kapazitaet(self.werte)

    def als_json(self) -> dict[str, Any]:
        """The documented JSON form (`wrm unterkuenfte liste --format json`)."""
        k = self.kapazitaet
        return {"kommune": self.kommune, "name": self.werte["name"],
                "art": _json(self.werte["art"]), "status": _json(self.werte["status"]),
                "verfuegbar_ab": _json(self.werte["verfuegbar_ab"]),
                "plaetze": k.plaetze, "gesperrt": k.gesperrt, "belegbar": k.belegbar,
                "belegt": k.belegt, "reserviert": k.reserviert, "frei": k.frei,
                "ueberbelegt": k.ueberbelegt}


def als_stand(unterkunft: Unterkunft) -> Unterkunftsstand:
    """An accommodation as it is now, as the list shows it."""
    return Unterkunftsstand(id=unterkunft.id, kommune=besitzername(unterkunft.kommune),
                            werte=unterkunft.werte(), version=unterkunft.version)


def liste(session: Session, *, landkreis: Landkreis, benutzer: Benutzer | None,
          kommune: Kommune | None = None, nur_landkreis: bool = False,
          stichtag: date | None = None, system: str | None = None) -> list[Unterkunftsstand]:
    """The accommodations the user may see (a trusted `system` caller: all of the Landkreis),
    of one Kommune, of the Landkreis's own (`nur_landkreis`), or all; now, or as they stood at
    the end of `stichtag` (those created later are not in it). Ordered by owner and name."""
    bedingungen = [Unterkunft.landkreis_id == landkreis.id]
    if system is None:
        bedingungen.append(berechtigungen.bereich(benutzer, Unterkunft))
    besitzer = {k.id: k for k in session.scalars(
        select(Kommune).where(Kommune.landkreis_id == landkreis.id))}
    if kommune is not None:
        bedingungen.append(Unterkunft.kommune_id == kommune.id)
    elif nur_landkreis:
        bedingungen.append(Unterkunft.kommune_id.in_(
            [i for i, k in besitzer.items() if k.des_landkreises]))
    if stichtag is None:
        zeilen = [(u.id, u.kommune_id, u.werte(), u.version) for u in session.scalars(
            select(Unterkunft).where(*bedingungen))]
    else:
        letzte = (select(func.max(Unterkunftseintrag.id).label("id"))
                  .join(Unterkunft, Unterkunft.id == Unterkunftseintrag.unterkunft_id)
                  .where(*bedingungen, Unterkunftseintrag.zeitpunkt <= tagesende(stichtag))
                  .group_by(Unterkunftseintrag.unterkunft_id).subquery())
        zeilen = [(e.unterkunft_id, e.unterkunft.kommune_id, e.werte(), e.version)
                  for e in session.scalars(select(Unterkunftseintrag).where(
                      Unterkunftseintrag.id.in_(select(letzte.c.id))))]
    staende = [Unterkunftsstand(id=i, kommune=besitzername(besitzer[k]), werte=w, version=v)
               for i, k, w, v in zeilen]
    return sorted(staende, key=lambda s: (s.kommune == LANDKREIS, s.kommune.casefold(),
                                          natuerlich(s.werte["name"])))


def natuerlich(name: str) -> tuple[tuple[int, int | str], ...]:
    """A name's sort key with its numbers as numbers: "Wohnung 2" before "Wohnung 10"."""
    return tuple((0, int(teil)) if teil.isdigit() else (1, teil)
                 for teil in re.split(r"(\d+)", namensschluessel(name)) if teil)
