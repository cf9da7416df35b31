"""The report fields of the concept paper: column names, numbers, German labels and help texts.

One list serves the import header, the admin forms, the API and the exports, so that every part
speaks the same column names (`zuweisungen`, `ankuenfte`, ...).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Lage(enum.StrEnum):
    """A Kommune's own assessment of its situation, column (12)."""

    AUSREICHEND = "ausreichend"
    KRITISCH = "kritisch"


@dataclass(frozen=True)
class Feld:
    """One column of the paper's "Übersicht"."""

    name: str
    nummer: int
    label: str
    hilfe: str = ""
    kurz: str = ""

    @property
    def spaltenkopf(self) -> str:
        """The short column header of wide tables, e.g. "(1) Zuweisungen"."""
        return f"({self.nummer}) {self.kurz or self.label}"

    @property
    def titel(self) -> str:
        """The label with the paper's column number: "(1) vom Land ausgesprochene Zuweisungen"."""
        return f"({self.nummer}) {self.label}"


ZUWEISUNGEN = Feld(
    "zuweisungen", 1, "vom Land ausgesprochene Zuweisungen", kurz="Zuweisungen",
    hilfe="Anzahl der Personen, die laut Zuweisungsbescheid des Landes der Kommune zugeordnet "
    "werden.",
)

#: The figures a Kommune reports, in the paper's column order; (5) is computed, not reported.
ZAHLENFELDER: tuple[Feld, ...] = (
    ZUWEISUNGEN,
    Feld("ankuenfte", 2, "davon Ankünfte vor Ort", kurz="Ankünfte",
         hilfe="Wie viele der zugewiesenen Personen bereits in der Kommune angekommen sind; "
         "höchstens so viele wie (1)."),
    Feld("keine_quotenanrechnung", 3, "keine Quotenanrechnung", kurz="keine Anrechnung",
         hilfe="Aufgenommene Personen, die nicht auf die Quote angerechnet werden."),
    Feld("moegliche_quotenanrechnung", 4, "mögliche Quotenanrechnung", kurz="mögl. Anrechnung",
         hilfe="Anzahl der Personen, für die voraussichtlich noch eine Anrechnung auf die Quote "
         "erfolgen wird (z. B. nachgeborene Kinder)."),
    Feld("in_gemeinschaftsunterkuenften", 6, "in Gemeinschaftsunterkünften", kurz="in GU",
         hilfe="Personen, die derzeit in Gemeinschaftsunterkünften untergebracht sind."),
    Feld("dezentral_untergebracht", 7, "dezentral untergebracht", kurz="dezentral",
         hilfe="Personen, die derzeit dezentral (z. B. in Wohnungen) untergebracht sind."),
    Feld("verfuegbar_gemeinschaftsunterkunft", 8, "verfügbar in Gemeinschaftsunterkünften",
         kurz="verfügbar GU",
         hilfe="Plätze in Gemeinschaftsunterkünften, die sofort belegt werden können."),
    Feld("verfuegbar_dezentral", 9, "verfügbar dezentral", kurz="verfügbar dez.",
         hilfe="Dezentrale Plätze, die sofort belegt werden können."),
    Feld("in_aussicht_gemeinschaftsunterkunft", 10, "in Aussicht, Gemeinschaftsunterkünfte",
         kurz="Aussicht GU", hilfe="Plätze in Gemeinschaftsunterkünften, die in Aussicht stehen."),
    Feld("in_aussicht_dezentral", 11, "in Aussicht, dezentral", kurz="Aussicht dez.",
         hilfe="Dezentrale Plätze, die in Aussicht stehen."),
)

LAGE = Feld("lage", 12, "Einschätzung der Lage", kurz="Lage", hilfe="ausreichend oder kritisch")
ZU_ERFUELLEN = Feld("zu_erfuellen", 5, "zu erfüllen", kurz="zu erfüllen",
                    hilfe="Aufnahmequote minus Zuweisungen; negativ heißt: Quote übererfüllt.")
AUFNAHMEQUOTE = Feld("aufnahmequote", 0, "Aufnahmequote",
                     hilfe="Vom Landkreis für den Verteilzeitraum festgelegte Quote.")

ZAHLENNAMEN: tuple[str, ...] = tuple(f.name for f in ZAHLENFELDER)
FELDER_NACH_NAME: dict[str, Feld] = {f.name: f for f in (*ZAHLENFELDER, LAGE)}

#: Largest figure accepted anywhere (import, forms, API).
HOECHSTWERT = 1_000_000
