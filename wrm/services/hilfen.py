"""The agreements between Kommunen as the figures see them (`kennzahlen.Hilfe`): now, or as
they stood at the end of a Stichtag (from their history)."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Integer, bindparam, select
from sqlalchemy.orm import Session

from wrm import kennzahlen
from wrm.models import Kommune, Vereinbarung, Vereinbarungsereignis, Verlaufseintrag
from wrm.models.meldung import Meldungsfelder
from wrm.services.vorrat import Vorrat, selbst
from wrm.zeit import tagesende

_ZAEHLEND = sorted(kennzahlen.ZAEHLENDE_STATUS)


def hilfen(session: Session, *, landkreis_ids: list[int], stichtag: date | None = None,
           vorrat: Vorrat = selbst) -> list[kennzahlen.Hilfe]:
    """The agreements of these Landkreise that count in the figures (`zugesagt`, `belegt`),
    with each side's inclusion: now, or at the end of `stichtag` (from their history). One
    query, which does not depend on the day."""
    kreise = tuple(landkreis_ids)
    if stichtag is None:
        return vorrat(("hilfen", kreise), lambda: _jetzt(session, kreise))
    verlaeufe = vorrat(("hilfeverlaeufe", kreise), lambda: _verlaeufe(session, kreise))
    grenze = tagesende(stichtag)
    return [hilfe for verlauf in verlaeufe if (hilfe := verlauf.am(grenze)) is not None]


def _jetzt(session: Session, kreise: tuple[int, ...]) -> list[kennzahlen.Hilfe]:
    return [kennzahlen.Hilfe(z, a, p, str(s), bool(zb), bool(ab))
            for z, a, p, s, zb, ab in session.execute(_JETZT, {"landkreise": kreise})]


@dataclass(frozen=True, slots=True)
class _Verlauf:
    """One agreement's events, oldest first."""

    zuweisend_id: int
    aufnehmend_id: int
    zeitpunkte: list[datetime]
    ereignisse: list[Any]  # rows: personen, status, each side's inclusion

    def am(self, grenze: datetime) -> kennzahlen.Hilfe | None:
        """The agreement as its latest event before `grenze` left it, if that counts."""
        stelle = bisect_left(self.zeitpunkte, grenze)
        if stelle == 0:
            return None
        personen, status, zb, ab = self.ereignisse[stelle - 1]
        if status not in kennzahlen.ZAEHLENDE_STATUS:
            return None
        return kennzahlen.Hilfe(self.zuweisend_id, self.aufnehmend_id, personen, status,
                                bool(zb), bool(ab))


def _verlaeufe(session: Session, kreise: tuple[int, ...]) -> list[_Verlauf]:
    verlaeufe: dict[int, _Verlauf] = {}
    for vid, zuweisend, aufnehmend, zeitpunkt, *ereignis in session.execute(
            _EREIGNISSE, {"landkreise": kreise}):
        verlauf = verlaeufe.get(vid)
        if verlauf is None:
            verlauf = verlaeufe[vid] = _Verlauf(zuweisend, aufnehmend, [], [])
        verlauf.zeitpunkte.append(zeitpunkt)
        verlauf.ereignisse.append(tuple(ereignis))
    return list(verlaeufe.values())


# Built once, with bound parameters (read on every request of the API).
_IHRE = Vereinbarung.zuweisend_id.in_(select(Kommune.id).where(
    Kommune.landkreis_id.in_(bindparam("landkreise", type_=Integer, expanding=True))))
_JETZT = select(
    Vereinbarung.zuweisend_id, Vereinbarung.aufnehmend_id, Vereinbarung.personen,
    Vereinbarung.status, Vereinbarung.zuweisend_beruecksichtigt_am.is_not(None),
    Vereinbarung.aufnehmend_beruecksichtigt_am.is_not(None),
).where(_IHRE, Vereinbarung.status.in_(_ZAEHLEND))
# Events in the order "latest before midnight" reads them: by time, then by id.
_EREIGNISSE = (
    select(Vereinbarung.id, Vereinbarung.zuweisend_id, Vereinbarung.aufnehmend_id,
           Vereinbarungsereignis.zeitpunkt, Vereinbarungsereignis.personen,
           Vereinbarungsereignis.status, Vereinbarungsereignis.zuweisend_beruecksichtigt,
           Vereinbarungsereignis.aufnehmend_beruecksichtigt)
    .join(Vereinbarungsereignis, Vereinbarungsereignis.vereinbarung_id == Vereinbarung.id)
    .where(_IHRE)
    .order_by(Vereinbarung.id, Vereinbarungsereignis.zeitpunkt, Vereinbarungsereignis.id)
)


def einschluss_hinweis(session: Session, *, vereinbarung: Vereinbarung, kommune: Kommune
                       ) -> str | None:
    """A German hint when `kommune` marked the agreement as included but its report did not
    move by the agreement's persons since the promise (`kennzahlen.einschluss_plausibel`)."""
    zusage = next((e.zeitpunkt for e in vereinbarung.ereignisse if e.neu == "zugesagt"), None)
    meldung = kommune.meldung
    if zusage is None or meldung is None:
        return None
    vorher = session.scalar(
        select(Verlaufseintrag).where(Verlaufseintrag.kommune_id == kommune.id,
                                      Verlaufseintrag.zeitpunkt <= zusage)
        .order_by(Verlaufseintrag.zeitpunkt.desc(), Verlaufseintrag.id.desc()).limit(1))
    aufnehmend = kommune.id == vereinbarung.aufnehmend_id
    if kennzahlen.einschluss_plausibel(
            aufnehmend=aufnehmend, personen=vereinbarung.personen,
            zuweisungen_vorher=vorher.zuweisungen if vorher else None,
            zuweisungen_jetzt=meldung.zuweisungen,
            sofort_vorher=kennzahlen.summe(*(_sofort(vorher) if vorher else ())),
            sofort_jetzt=kennzahlen.summe(*_sofort(meldung))):
        return None
    if aufnehmend:
        return (f"Hinweis: Die Meldung von {kommune.name} nennt seit der Zusage nicht "
                f"{vereinbarung.personen} sofort verfügbare Plätze weniger (8)+(9). Bitte "
                "prüfen Sie die Zahlen, sonst zählen die Plätze doppelt.")
    return (f"Hinweis: Die Meldung von {kommune.name} nennt seit der Zusage nicht "
            f"{vereinbarung.personen} Zuweisungen mehr (1). Bitte prüfen Sie die Zahlen, "
            "sonst fehlen die Personen im Bedarf.")


def _sofort(quelle: Meldungsfelder) -> tuple[int | None, int | None]:
    return quelle.verfuegbar_gemeinschaftsunterkunft, quelle.verfuegbar_dezentral
