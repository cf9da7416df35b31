"""The agreements between Kommunen as the figures see them (`kennzahlen.Hilfe`): now, or as
they stood at the end of a Stichtag (from their history)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from wrm import kennzahlen
from wrm.models import Kommune, Vereinbarung, Vereinbarungsereignis, Verlaufseintrag
from wrm.models.meldung import Meldungsfelder
from wrm.zeit import tagesende

_ZAEHLEND = sorted(kennzahlen.ZAEHLENDE_STATUS)


def hilfen(session: Session, *, landkreis_ids: list[int], stichtag: date | None = None
           ) -> list[kennzahlen.Hilfe]:
    """The agreements of these Landkreise that count in the figures (`zugesagt`, `belegt`),
    with each side's inclusion: now, or at the end of `stichtag`. One query."""
    kommunen = select(Kommune.id).where(Kommune.landkreis_id.in_(landkreis_ids))
    if stichtag is None:
        zeilen = session.execute(
            select(Vereinbarung.zuweisend_id, Vereinbarung.aufnehmend_id, Vereinbarung.personen,
                   Vereinbarung.status, Vereinbarung.zuweisend_beruecksichtigt_am.is_not(None),
                   Vereinbarung.aufnehmend_beruecksichtigt_am.is_not(None))
            .where(Vereinbarung.zuweisend_id.in_(kommunen), Vereinbarung.status.in_(_ZAEHLEND)))
        return [kennzahlen.Hilfe(z, a, p, str(s), bool(zb), bool(ab))
                for z, a, p, s, zb, ab in zeilen]
    # The latest event of each agreement before midnight holds its state then.
    letztes = (
        select(Vereinbarungsereignis.id)
        .where(Vereinbarungsereignis.vereinbarung_id == Vereinbarung.id,
               Vereinbarungsereignis.zeitpunkt < tagesende(stichtag))
        .order_by(Vereinbarungsereignis.zeitpunkt.desc(), Vereinbarungsereignis.id.desc())
        .limit(1).correlate(Vereinbarung).scalar_subquery()
    )
    zeilen = session.execute(
        select(Vereinbarung.zuweisend_id, Vereinbarung.aufnehmend_id,
               Vereinbarungsereignis.personen, Vereinbarungsereignis.status,
               Vereinbarungsereignis.zuweisend_beruecksichtigt,
               Vereinbarungsereignis.aufnehmend_beruecksichtigt)
        .join(Vereinbarungsereignis, Vereinbarungsereignis.id == letztes)
        .where(Vereinbarung.zuweisend_id.in_(kommunen),
               Vereinbarungsereignis.status.in_(_ZAEHLEND)))
    return [kennzahlen.Hilfe(z, a, p, s, bool(zb), bool(ab)) for z, a, p, s, zb, ab in zeilen]


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
