"""Saving and confirming reports: validation, optimistic locking, and the history entry."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from wrm import anzeige
from wrm.db import jetzt
from wrm.meldefelder import FELDER_NACH_NAME, ZAHLENNAMEN, Lage
from wrm.models import Benutzer, Kommune, Meldequelle, Meldung, Verlaufseintrag
from wrm.models.verlauf import VORGANG_BESTAETIGT, VORGANG_GEAENDERT
from wrm.services import unterkunftssummen
from wrm.services.pruefung import Validierungsfehler, pruefen

#: Every field a report consists of, in the paper's order.
MELDUNGSFELDER: tuple[str, ...] = (*ZAHLENNAMEN, "lage", "bemerkung")


@dataclass(frozen=True)
class Abweichung:
    """A field both the user and someone else changed, to different values."""

    vorher: object
    gespeichert: object
    eingabe: object


@dataclass(frozen=True)
class Zusammenfuehrung:
    """The three-way merge of the user's input with what was saved since the user's version.

    `werte`: the user's value where only the user changed a field, the saved value where only
    others did; `abweichungen`: the fields both changed differently (the user must choose).
    """

    werte: dict[str, object]
    fremd_geaendert: frozenset[str]
    abweichungen: dict[str, Abweichung] = field(default_factory=dict)


def zusammenfuehren(vorher: Mapping[str, object], gespeichert: Mapping[str, object],
                    eingabe: Mapping[str, object]) -> Zusammenfuehrung:
    """Merge `eingabe` (made on `vorher`) with `gespeichert` (what others made of `vorher`)."""
    werte, fremd, abweichungen = {}, set(), {}
    for name in MELDUNGSFELDER:
        alt, gesp, neu = vorher.get(name), gespeichert.get(name), eingabe.get(name)
        if gesp != alt:
            fremd.add(name)
        if neu in (alt, gesp):
            werte[name] = gesp  # the user did not touch it, or arrived at the same value
        elif gesp == alt:
            werte[name] = neu  # only the user changed it
        else:
            werte[name] = neu
            abweichungen[name] = Abweichung(vorher=alt, gespeichert=gesp, eingabe=neu)
    return Zusammenfuehrung(werte=werte, fremd_geaendert=frozenset(fremd),
                            abweichungen=abweichungen)


class Konflikt(Exception):
    """The report changed after the caller read it; nothing was saved. German message.

    `felder` names the report fields others changed since then (empty when unknown);
    `zusammenfuehrung`, when the caller's input is known, is the three-way merge to show.
    """

    def __init__(self, meldung: str, felder: frozenset[str] = frozenset(),
                 zusammenfuehrung: Zusammenfuehrung | None = None) -> None:
        super().__init__(meldung)
        self.felder = felder
        self.zusammenfuehrung = zusammenfuehrung


def werte_bei(session: Session, *, kommune_id: int, version: int) -> dict[str, object]:
    """A Kommune's report as it was at `version`, from the history (version 0: empty)."""
    eintrag = session.scalar(
        select(Verlaufseintrag)
        .where(Verlaufseintrag.kommune_id == kommune_id, Verlaufseintrag.version == version)
        .order_by(Verlaufseintrag.id.desc()).limit(1))
    return eintrag.werte() if eintrag is not None else {}


def normalisieren(werte: Mapping[str, object]) -> dict[str, object]:
    """The full set of report fields from a mapping; lage as its word, blank bemerkung as None."""
    ergebnis: dict[str, object] = {name: werte.get(name) for name in MELDUNGSFELDER}
    lage = ergebnis["lage"]
    if isinstance(lage, Lage):
        ergebnis["lage"] = lage.value
    bemerkung = ergebnis["bemerkung"]
    if isinstance(bemerkung, str) and not bemerkung.strip():
        ergebnis["bemerkung"] = None
    return ergebnis


def aenderungen(alt: Mapping[str, object], neu: Mapping[str, object]) -> dict[str, list[object]]:
    """{field: [old, new]} for every report field whose value differs."""
    return {
        name: [alt.get(name), neu.get(name)]
        for name in MELDUNGSFELDER
        if alt.get(name) != neu.get(name)
    }


def _konflikt(session: Session, meldung: Meldung, version: int,
              eingabe: Mapping[str, object] | None = None) -> Konflikt:
    spaetere = session.scalars(
        select(Verlaufseintrag)
        .where(Verlaufseintrag.kommune_id == meldung.kommune_id,
               Verlaufseintrag.version > version)
        .order_by(Verlaufseintrag.zeitpunkt)
    ).all()
    teile, geaendert = [], set()
    for eintrag in spaetere:
        geaendert.update(eintrag.aenderungen)
        felder = ", ".join(FELDER_NACH_NAME[f].titel if f in FELDER_NACH_NAME else f
                           for f in eintrag.aenderungen) or "Angaben bestätigt"
        wer = eintrag.benutzer_name or "unbekannt"
        wann = anzeige.zeitpunkt(eintrag.zeitpunkt)
        teile.append(f"{wer} am {wann}: {felder}")
    details = "; ".join(teile) or f"{meldung.gemeldet_von_name or 'unbekannt'}"
    zusammenfuehrung = None
    if eingabe is not None:
        zusammenfuehrung = zusammenfuehren(
            werte_bei(session, kommune_id=meldung.kommune_id, version=version),
            meldung.werte(), eingabe)
    return Konflikt(
        "Die Meldung wurde inzwischen geändert und Ihre Eingaben wurden nicht gespeichert "
        f"({details}). Bitte prüfen Sie die aktuellen Zahlen und speichern Sie erneut.",
        frozenset(geaendert), zusammenfuehrung)


def _verlauf_schreiben(
    session: Session, *, meldung: Meldung, benutzer: Benutzer | None, benutzer_name: str | None,
    vorgang: str, geaendert: dict[str, list[object]], zeitpunkt: datetime, version_danach: int,
    sofort: bool = True,
) -> Verlaufseintrag:
    try:
        if sofort:
            session.flush()  # bumps meldung.version; fails if someone else bumped it first
    except (StaleDataError, IntegrityError):  # a concurrent update, or a concurrent first report
        raise Konflikt(
            "Die Meldung wurde gerade gleichzeitig von jemand anderem gespeichert; "
            "Ihre Eingaben wurden nicht gespeichert. Bitte laden Sie die Meldung neu."
        ) from None
    eintrag = Verlaufseintrag(
        kommune_id=meldung.kommune.id, zeitpunkt=zeitpunkt, benutzer=benutzer,
        benutzer_name=benutzer_name, vorgang=vorgang, version=version_danach,
        aenderungen=geaendert,
        **{name: getattr(meldung, name) for name in MELDUNGSFELDER},
    )
    session.add(eintrag)
    return eintrag


def speichern(
    session: Session,
    *,
    kommune: Kommune,
    werte: Mapping[str, object],
    version: int,
    benutzer: Benutzer | None = None,
    benutzer_name: str | None = None,
    vorgang: str = VORGANG_GEAENDERT,
    zeitpunkt: datetime | None = None,
    sofort: bool = True,
) -> Verlaufseintrag:
    """Validate and save a Kommune's report read at `version` (0: none yet); caller commits.

    Raises `Validierungsfehler` for invalid figures and `Konflikt` when the report changed since
    `version` was read; the caller then rolls back (nothing of this save reaches the database),
    as it owns the transaction. Saving unchanged figures confirms them.
    With `sofort=False` nothing is flushed yet (bulk imports flush once; the version check then
    happens at that flush, as `StaleDataError`).
    """
    neu = normalisieren(werte)
    if kommune.meldequelle == Meldequelle.UNTERKUENFTE:
        neu = unterkunftssummen.uebernehmen(session, kommune=kommune, werte=neu)
    fehler = pruefen(neu)
    if fehler:
        raise Validierungsfehler(fehler)
    meldung = kommune.meldung
    aktuelle_version = meldung.version if meldung is not None else 0
    if version != aktuelle_version:
        if meldung is None:
            raise Konflikt("Für diese Kommune gibt es noch keine Meldung; bitte neu laden.")
        raise _konflikt(session, meldung, version, neu)
    zeitpunkt = zeitpunkt or jetzt()
    alt = meldung.werte() if meldung is not None else {}
    geaendert = aenderungen(alt, neu)
    if meldung is None:
        meldung = Meldung(kommune=kommune, **neu)
        session.add(meldung)
    else:
        for name, (_, wert) in geaendert.items():
            setattr(meldung, name, wert)
    name = benutzer.name if benutzer is not None else benutzer_name
    meldung.stand = zeitpunkt
    meldung.gemeldet_von = benutzer
    meldung.gemeldet_von_name = name
    return _verlauf_schreiben(
        session, meldung=meldung, benutzer=benutzer, benutzer_name=name,
        vorgang=vorgang if geaendert else VORGANG_BESTAETIGT, geaendert=geaendert,
        zeitpunkt=zeitpunkt, version_danach=version + 1, sofort=sofort,
    )


def bestaetigen(
    session: Session,
    *,
    kommune: Kommune,
    benutzer: Benutzer | None = None,
    version: int,
    zeitpunkt: datetime | None = None,
) -> Verlaufseintrag:
    """Record that the figures read at `version` are still current: new stand and a history
    entry, no edit. Raises `Konflikt` when the report changed since `version`."""
    meldung = kommune.meldung
    if meldung is None:
        raise Validierungsfehler(
            {"kommune": "Es gibt noch keine Meldung, die bestätigt werden kann."})
    if version != meldung.version:
        raise _konflikt(session, meldung, version)
    zeitpunkt = zeitpunkt or jetzt()
    name = benutzer.name if benutzer is not None else None
    meldung.stand = zeitpunkt
    meldung.gemeldet_von = benutzer
    meldung.gemeldet_von_name = name
    # Changing `stand` alone still bumps the version, so a form opened earlier notices it.
    return _verlauf_schreiben(
        session, meldung=meldung, benutzer=benutzer, benutzer_name=name,
        vorgang=VORGANG_BESTAETIGT, geaendert={}, zeitpunkt=zeitpunkt,
        version_danach=meldung.version + 1,
    )


def erste_meldungen(
    session: Session,
    *,
    meldungen: list[tuple[int, Mapping[str, object]]],
    benutzer: Benutzer | None,
    benutzer_name: str | None,
    vorgang: str,
    zeitpunkt: datetime,
) -> None:
    """First reports of Kommunen that have none yet, as two bulk INSERTs (report and history).

    `meldungen` pairs a Kommune id with its figures. The rules are those of `speichern`; a bulk
    import of thousands of new Kommunen would otherwise spend most of its time in the unit of
    work. A Kommune that has a report already violates the unique key: nothing is written.
    """
    name = benutzer.name if benutzer is not None else benutzer_name
    berichte, verlauf = [], []
    for kommune_id, werte in meldungen:
        neu = normalisieren(werte)
        if fehler := pruefen(neu):
            raise Validierungsfehler(fehler)
        berichte.append({"kommune_id": kommune_id, "stand": zeitpunkt, "version": 1,
                         "gemeldet_von_id": benutzer.id if benutzer is not None else None,
                         "gemeldet_von_name": name, **neu})
        verlauf.append({"kommune_id": kommune_id, "zeitpunkt": zeitpunkt, "version": 1,
                        "benutzer_id": benutzer.id if benutzer is not None else None,
                        "benutzer_name": name, "vorgang": vorgang,
                        "aenderungen": aenderungen({}, neu), **neu})
    if berichte:
        session.execute(insert(Meldung), berichte)
        session.execute(insert(Verlaufseintrag), verlauf)
