"""Auswertung: the paper's sorted table, Gesamt row and summary, now or at a Stichtag."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

import strawberry
from strawberry.types import Info

from wrm import kennzahlen
from wrm.api.context import kontext
from wrm.api.fehler import UngueltigeEingabe
from wrm.api.meldungen import Meldung, Spalten, meldung_aus
from wrm.db import jetzt
from wrm.services.pruefung import stichtag_pruefen
from wrm.zeit import heute, tagesende


@strawberry.type(description="Spaltensummen; `bedarf` ist wie im Konzeptpapier das Fehlende "
                             "des Landkreises (Σ zu erfüllen − Σ verfügbar).")
class Summen(Spalten):
    """The Gesamt row."""


@strawberry.type(description="Der Zusammenfassungsblock unter der Tabelle. `fehlend` = "
                             "benoetigt − gesamtVerfuegbar + zugesagtFuerAndere − "
                             "zusagenAnderer: Vereinbarungen, die noch nicht beide Seiten in "
                             "ihre Meldung übernommen haben, zählen wie in den Zeilen; ohne "
                             "Vereinbarungen die Zahl des Konzeptpapiers.")
class Zusammenfassung:
    """Needed, available, missing for the county."""

    benoetigt: int
    sofort_verfuegbar: int
    in_aussicht: int
    gesamt_verfuegbar: int
    zugesagt_fuer_andere: int = strawberry.field(description=(
        "Σ zugesagter Plätze, die die aufnehmenden Kommunen noch als frei melden."))
    zusagen_anderer: int = strawberry.field(description=(
        "Σ zugesagter Personen, die die zuweisenden Kommunen noch in (1) als ihre führen."))
    fehlend: int


@strawberry.type(description="Die „Kontinuierliche Auswertung“ des Konzeptpapiers.")
class Auswertung:
    """Rows by bedarf ascending, the Gesamt row and the summary."""

    stichtag: date
    zeilen: list[Meldung]
    gesamt: Summen
    zusammenfassung: Zusammenfassung


@strawberry.type
class AuswertungQuery:
    """Reading the Auswertung."""

    @strawberry.field(description="Heute, oder mit `stichtag` so, wie die Zahlen am Ende "
                                  "dieses Tages standen (aus dem Verlauf).")
    def auswertung(self, info: Info, stichtag: date | None = None) -> Auswertung:
        """Compute the Auswertung with `wrm.kennzahlen` from the request's loaded stand."""
        ctx = kontext(info)
        if stichtag is not None and (grund := stichtag_pruefen(stichtag, heute=heute())):
            raise UngueltigeEingabe(grund, fehler={"stichtag": grund})
        stand = ctx.stand(stichtag)
        ergebnis = kennzahlen.auswerten(s.zeile for s in stand)
        nach_zeile = {id(s.zeile): s for s in stand}  # auswerten sorts the very same rows
        bezug = jetzt() if stichtag is None else tagesende(stichtag)
        zeilen = [meldung_aus(nach_zeile[id(z)], bezug=bezug, frist_tage=ctx.meldefrist_tage,
                              stichtag=stichtag) for z in ergebnis.zeilen]
        zusammenfassung = asdict(ergebnis.zusammenfassung)
        return Auswertung(stichtag=stichtag or heute(), zeilen=zeilen,
                          gesamt=Summen(**ergebnis.gesamt),
                          zusammenfassung=Zusammenfassung(**zusammenfassung))
