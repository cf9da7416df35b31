"""The Quotenblatt: one Kommune's quota in one period, line by line, so anyone can recompute it:
population share, rounding, carry-over and relief with their reasons, the quota set,
assignments, every credit, rest."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.orm import Session

from wrm import kennzahlen
from wrm.anzeige import datum, zahl, zeitpunkt
from wrm.kennzahlen.quoten import Quotenzeile
from wrm.meldefelder import bezeichnung
from wrm.models import Buchung, Kommune, Quotenanpassung, Verteilzeitraum
from wrm.services.pruefung import Validierungsfehler
from wrm.services.quotenanpassungen import Anpassungen, anpassungen
from wrm.services.quotenberechnung import quoten_berechnen
from wrm.services.verteilzeitraeume import quoten_von


@dataclass(frozen=True, slots=True)
class Quotenblatt:
    """What the sheet shows; `berechnung` is None when the period has no contingent or a
    Kommune lacks its population (`fehlt` says why)."""

    kommune: Kommune
    zeitraum: Verteilzeitraum
    berechnung: Quotenzeile | None
    fehlt: str | None
    quote: int | None
    manuell: bool
    anpassungen: Anpassungen
    zuweisungen: int | None
    buchungen: tuple[Buchung, ...]

    @property
    def anrechnungen(self) -> int:
        """Σ of the ledger's entries."""
        return sum(b.personen for b in self.buchungen)

    @property
    def zu_erfuellen(self) -> int | None:
        """(5), by the one rule of `wrm.kennzahlen`."""
        return kennzahlen.zu_erfuellen(self.quote, self.zuweisungen, self.anrechnungen)


def quotenblatt(session: Session, *, kommune: Kommune, zeitraum: Verteilzeitraum
                ) -> Quotenblatt:
    """The sheet of `kommune` in `zeitraum` (the current report's (1) as assignments)."""
    try:
        berechnung = next(z for z in quoten_berechnen(session, zeitraum=zeitraum).zeilen
                          if z.kommune == kommune.name)
        fehlt = None
    except (Validierungsfehler, StopIteration) as grund:
        berechnung = None
        fehlt = ("; ".join(grund.fehler.values()) if isinstance(grund, Validierungsfehler)
                 else "Die Kommune ist deaktiviert.")
    quote = quoten_von(session, zeitraum=zeitraum, kommune_ids=[kommune.id]).get(kommune.id)
    buchungen = tuple(session.scalars(
        select(Buchung).where(Buchung.kommune_id == kommune.id,
                              Buchung.verteilzeitraum_id == zeitraum.id)
        .order_by(Buchung.eingetragen_am, Buchung.id)))
    return Quotenblatt(
        kommune=kommune, zeitraum=zeitraum, berechnung=berechnung, fehlt=fehlt,
        quote=quote.wert if quote else None, manuell=quote.manuell if quote else False,
        anpassungen=anpassungen(session, zeitraum=zeitraum, kommune_ids=[kommune.id]).get(
            kommune.id, Anpassungen()),
        zuweisungen=kommune.meldung.zuweisungen if kommune.meldung else None,
        buchungen=buchungen)


@dataclass(frozen=True, slots=True)
class Posten:
    """One line of the sheet: what, how many (a number, or a word where there is none), why.
    The screen and the XLSX show the same lines."""

    kennung: str  # unique within the sheet (the screen's element id)
    titel: str
    wert: int | float | str | None
    erlaeuterung: str = ""
    betont: bool = False
    zeichen: str = ""  # how the line enters the sum: "+", "−", "=" (none: an input)

    @property
    def rechnung(self) -> str:
        """The sign as a word, for spreadsheets (a cell starting with "=" or "+" would be
        read as a formula)."""
        return {"+": "plus", "−": "minus", "=": "ergibt"}.get(self.zeichen, "")


def _gerundet(wert: Fraction, stellen: int) -> float:
    return round(float(wert), stellen)


def _herkunft(eintrag: Quotenanpassung | None) -> str:
    if eintrag is None:
        return ""
    art = "beim Abschluss berechnet" if eintrag.automatisch else "festgelegt"
    von = f", {eintrag.eingetragen_von}" if eintrag.eingetragen_von else ""
    return f"{eintrag.grund} ({art} {zeitpunkt(eintrag.eingetragen_am)}{von})"


def _herkunft_der_quote(blatt: Quotenblatt) -> str:
    if blatt.quote is None:
        return ""
    text = "von Hand gesetzt" if blatt.manuell else "aus der Berechnung"
    if blatt.berechnung is not None and blatt.berechnung.quote != blatt.quote:
        text += (f"; weicht von der berechneten Quote ({zahl(blatt.berechnung.quote)}) ab, "
                 "bis der Landkreis die Berechnung anwendet")
    return text


def posten(blatt: Quotenblatt) -> list[Posten]:
    """The sheet line by line, from the contingent to (5)."""
    zeilen: list[Posten] = []
    c = blatt.berechnung
    if c is not None:
        stand = (f" (Stand {datum(blatt.kommune.einwohner_stand)})"
                 if blatt.kommune.einwohner_stand else "")
        zeilen += [
            Posten("kontingent", "Kontingent des Landkreises", blatt.zeitraum.kontingent),
            Posten("einwohner", f"Einwohner{stand}", c.einwohner,
                   f"Anteil {zahl(_gerundet(c.anteil * 100, 4))} %"),
            Posten("rechnerisch", "rechnerisch (Kontingent × Anteil)",
                   _gerundet(c.rechnerisch, 3)),
            Posten("grundquote", "Grundquote", c.grundquote,
                   "abgerundet, plus 1 aus der Verteilung der Reste" if c.restplatz
                   else "abgerundet"),
            Posten("uebertrag", "Übertrag aus dem Vorzeitraum", c.uebertrag,
                   _herkunft(blatt.anpassungen.uebertrag), zeichen="+"),
            Posten("entlastung", "Entlastung", c.entlastung,
                   _herkunft(blatt.anpassungen.entlastung), zeichen="−"),
            Posten("berechnet", "berechnete Quote", c.quote,
                   "wäre negativ, daher 0" if c.auf_null_gesetzt else "", betont=True,
                   zeichen="="),
        ]
    else:
        zeilen.append(Posten("berechnung", "Berechnung", "nicht möglich", blatt.fehlt))
    zeilen += [
        Posten("quote", "Aufnahmequote (gesetzt)", blatt.quote if blatt.quote is not None
               else "keine", _herkunft_der_quote(blatt), betont=True),
        Posten("zuweisungen", "(1) Zuweisungen (aktuelle Meldung)",
               blatt.zuweisungen if blatt.zuweisungen is not None else "nicht gemeldet",
               zeichen="−"),
        *(Posten(f"buchung-{b.id}", f"{bezeichnung('buchungsart', b.art)} vom "
                 f"{datum(b.datum)}", b.personen,
                 f"{b.quelle} (gebucht {zeitpunkt(b.eingetragen_am)}"
                 f"{f', {b.eingetragen_von}' if b.eingetragen_von else ''})", zeichen="−")
          for b in blatt.buchungen),
        Posten("zu-erfuellen", "(5) zu erfüllen",
               blatt.zu_erfuellen if blatt.zu_erfuellen is not None else "–", betont=True,
               zeichen="="),
    ]
    return zeilen
