"""The quota calculation of a period from the Kommunen's population, proposed by WRM and applied
by the county (`wrm.kennzahlen.quoten` does the arithmetic)."""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from wrm import berechtigungen
from wrm.berechtigungen import Aktion
from wrm.kennzahlen.quoten import Quotenberechnung, Quotengrundlage, berechnen
from wrm.models import Anpassungsart, Aufnahmequote, Benutzer, Kommune, Landkreis, Verteilzeitraum
from wrm.models.datenstand import schreibsperre
from wrm.namen import namensschluessel
from wrm.services.kommunen import quotenpflichtig
from wrm.services.meldungen import Konflikt
from wrm.services.pruefung import Validierungsfehler, erlaubt
from wrm.services.quotenanpassungen import Anpassungen, anpassungen
from wrm.services.verteilzeitraeume import offen_pruefen, quote_setzen, quoten_von


def zeitraum_finden(session: Session, *, landkreis: Landkreis, name: str
                    ) -> Verteilzeitraum | None:
    """The Landkreis' period of that name (`wrm.namen`: spaces and case aside), or None."""
    gesucht = namensschluessel(name)
    return next((z for z in session.scalars(select(Verteilzeitraum).where(
        Verteilzeitraum.landkreis_id == landkreis.id)) if namensschluessel(z.name) == gesucht),
        None)


def quoten_berechnen(session: Session, *, zeitraum: Verteilzeitraum,
                     kontingent: int | None = None) -> Quotenberechnung:
    """The proposal for every active Kommune of the period's Landkreis, with the carry-over and
    relief in force (`wrm.services.quotenanpassungen`); `kontingent` instead of the period's.
    Changes nothing.

    Raises `Validierungsfehler` without a contingent, for a negative one, or when Kommunen have
    no population (all of them named)."""
    kontingent = zeitraum.kontingent if kontingent is None else kontingent
    if kontingent is None:
        raise Validierungsfehler({"kontingent": f"Für „{zeitraum.name}“ ist kein Kontingent "
                                                "hinterlegt; bitte angeben."})
    if kontingent < 0:
        raise Validierungsfehler({"kontingent": "Das Kontingent darf nicht negativ sein."})
    kommunen = session.scalars(quotenpflichtig(select(Kommune).where(
        Kommune.landkreis_id == zeitraum.landkreis_id, Kommune.aktiv))).all()
    kommunen = sorted(kommunen, key=lambda k: k.sortierschluessel)
    ohne = [k.name for k in kommunen if k.einwohner is None]
    if ohne:
        raise Validierungsfehler({"einwohner": "Ohne Einwohnerzahl: " + ", ".join(ohne) + "."})
    if not kommunen or sum(k.einwohner for k in kommunen) == 0:  # type: ignore[misc]
        raise Validierungsfehler({"einwohner": "Die Kommunen haben zusammen keine Einwohner."})
    stand = anpassungen(session, zeitraum=zeitraum)
    keine = Anpassungen()
    return berechnen(kontingent, [Quotengrundlage(
        kommune=k.name, einwohner=k.einwohner,  # type: ignore[arg-type]
        uebertrag=stand.get(k.id, keine).wert(Anpassungsart.UEBERTRAG),
        entlastung=stand.get(k.id, keine).wert(Anpassungsart.ENTLASTUNG)) for k in kommunen])


def fingerabdruck(session: Session, *, zeitraum: Verteilzeitraum,
                  berechnung: Quotenberechnung) -> str:
    """A short digest of what the county saw: the calculation (contingent, each Kommune's
    calculated quota) and the quotas in force beside it. Applying refuses a calculation whose
    digest is another one now: its inputs (population, carry-over, relief, Kommunen,
    contingent) changed, or quotas were applied or set in between."""
    gesetzt = session.execute(
        select(Kommune.name, Aufnahmequote.wert).join(Aufnahmequote.kommune)
        .where(Aufnahmequote.verteilzeitraum_id == zeitraum.id).order_by(Kommune.name)).all()
    text = (f"{berechnung.kontingent}|"
            + ";".join(f"{z.kommune}={z.quote}" for z in berechnung.zeilen) + "|"
            + ";".join(f"{name}={wert}" for name, wert in gesetzt))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _darf_anwenden(benutzer: Benutzer | None, zeitraum: Verteilzeitraum,
                   benutzer_name: str | None) -> None:
    erlaubt(berechtigungen.bereich_von(benutzer, Aufnahmequote, Aktion.AENDERN).landkreis_id
            == zeitraum.landkreis_id, "Quoten wendet nur der Landkreis an.",
            benutzer=benutzer, system=benutzer_name)


def berechnung_anwenden(session: Session, *, zeitraum: Verteilzeitraum,
                        kontingent: int | None, gesehen: str | None,
                        benutzer: Benutzer | None, benutzer_name: str | None = None
                        ) -> tuple[Quotenberechnung, int]:
    """Calculate and apply in one step under the write lock (`schreibsperre`): the calculation
    the caller saw, identified by its `fingerabdruck` (`gesehen`; None for the trusted CLI,
    which applies what it calculates). Of several applications at once exactly one changes the
    quotas; each other one then finds another digest and is a `Konflikt`, so no change is
    stored twice and two contingents never mix. Returns the calculation and how many quotas
    changed. Raises `Validierungsfehler`, `Verweigert` or `Konflikt`. Caller commits."""
    _darf_anwenden(benutzer, zeitraum, benutzer_name)
    schreibsperre(session)  # the period and everything below are read anew under the lock
    offen_pruefen(zeitraum)
    berechnung = quoten_berechnen(session, zeitraum=zeitraum, kontingent=kontingent)
    if gesehen is not None and fingerabdruck(session, zeitraum=zeitraum,
                                             berechnung=berechnung) != gesehen:
        raise Konflikt("Die Grundlagen der Berechnung haben sich inzwischen geändert, oder die "
                       "Quoten wurden inzwischen gesetzt; es wurde nichts gespeichert. Bitte "
                       "prüfen Sie die neue Berechnung.")
    return berechnung, quoten_anwenden(session, zeitraum=zeitraum, berechnung=berechnung,
                                       benutzer=benutzer, benutzer_name=benutzer_name)


def quoten_anwenden(session: Session, *, zeitraum: Verteilzeitraum,
                    berechnung: Quotenberechnung, benutzer: Benutzer | None,
                    benutzer_name: str | None = None) -> int:
    """Set every Kommune's quota to the calculated one (one history entry per changed quota,
    each marked as calculated) and store the contingent on the period; returns how many
    changed. Only the county (or the trusted CLI, `benutzer_name` without a user); raises
    `Verweigert` otherwise. The quotas are read under the write lock, so each history entry
    starts from the quota really in force. Caller commits; `berechnung_anwenden` also checks
    that the calculation is still the one the caller saw."""
    _darf_anwenden(benutzer, zeitraum, benutzer_name)
    schreibsperre(session)
    kommunen = {k.name: k for k in session.scalars(quotenpflichtig(select(Kommune).where(
        Kommune.landkreis_id == zeitraum.landkreis_id)))}
    bestehende = quoten_von(session, zeitraum=zeitraum)
    geaendert = 0
    for zeile in berechnung.zeilen:
        geaendert += quote_setzen(session, kommune=kommunen[zeile.kommune], zeitraum=zeitraum,
                                  wert=zeile.quote, benutzer=benutzer,
                                  benutzer_name=benutzer_name, bestehende=bestehende,
                                  manuell=False)
    zeitraum.kontingent = berechnung.kontingent
    session.flush()
    return geaendert
