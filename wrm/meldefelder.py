"""The one catalogue of what WRM's columns and values are called: the report fields of the
concept paper (column names, numbers, German labels and help texts), the computed columns, the
paper's two table layouts, the summary block, and the German words for stored values.

One list serves the import header, the admin forms, the API, the screens, the exports and the
CLI, so that every part speaks the same column names (`zuweisungen`, `ankuenfte`, ...).
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
    """One column: of the paper's "Übersicht" (with its number), or computed or descriptive
    (`nummer` None). `auswertung` is its header in the paper's "Kontinuierliche Auswertung"."""

    name: str
    nummer: int | None
    label: str
    hilfe: str = ""
    kurz: str = ""
    auswertung: str = ""

    @property
    def spaltenkopf(self) -> str:
        """The short column header of wide tables, e.g. "(1) Zuweisungen"."""
        kurz = self.kurz or self.label
        return kurz if self.nummer is None else f"({self.nummer}) {kurz}"

    @property
    def titel(self) -> str:
        """The label with the paper's column number: "(1) vom Land ausgesprochene Zuweisungen"."""
        return self.label if self.nummer is None else f"({self.nummer}) {self.label}"

    @property
    def auswertungstitel(self) -> str:
        """The header in the paper's "Kontinuierliche Auswertung"."""
        return self.auswertung or self.label


ZUWEISUNGEN = Feld(
    "zuweisungen", 1, "vom Land ausgesprochene Zuweisungen", kurz="Zuweisungen",
    auswertung="bisherige Zuweisungen",
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
         kurz="verfügbar GU", auswertung="verfügbar GU",
         hilfe="Plätze in Gemeinschaftsunterkünften, die sofort belegt werden können."),
    Feld("verfuegbar_dezentral", 9, "verfügbar dezentral", kurz="verfügbar dez.",
         auswertung="verfügbar dezentral",
         hilfe="Dezentrale Plätze, die sofort belegt werden können."),
    Feld("in_aussicht_gemeinschaftsunterkunft", 10, "in Aussicht, Gemeinschaftsunterkünfte",
         kurz="Aussicht GU", auswertung="in Aussicht GU",
         hilfe="Plätze in Gemeinschaftsunterkünften, die in Aussicht stehen."),
    Feld("in_aussicht_dezentral", 11, "in Aussicht, dezentral", kurz="Aussicht dez.",
         auswertung="in Aussicht dezentral",
         hilfe="Dezentrale Plätze, die in Aussicht stehen."),
)

LAGE = Feld("lage", 12, "Einschätzung der Lage", kurz="Lage", hilfe="ausreichend oder kritisch",
            auswertung="Einschätzung der Kommune")
ZU_ERFUELLEN = Feld("zu_erfuellen", 5, "zu erfüllen", kurz="zu erfüllen",
                    hilfe="Aufnahmequote minus Zuweisungen; negativ heißt: Quote übererfüllt.",
                    auswertung="noch zu erfüllende Quote")
AUFNAHMEQUOTE = Feld("aufnahmequote", None, "Aufnahmequote",
                     hilfe="Vom Landkreis für den Verteilzeitraum festgelegte Quote.")

# Columns that are not the paper's numbered ones: who, when, and the computed sums.
KOMMUNE = Feld("kommune", None, "Kommune")
SOFORT_VERFUEGBAR = Feld("sofort_verfuegbar", None, "sofort verfügbar (8)+(9)")
IN_AUSSICHT = Feld("in_aussicht", None, "in Aussicht (10)+(11)")
GESAMT_VERFUEGBAR = Feld("gesamt_verfuegbar", None, "Summe verfügbar", kurz="Summe",
                         auswertung="Summe")
BEDARF = Feld("bedarf", None, "Bedarf", auswertung="Bedarf (fehlender Wohnraum)",
              hilfe="Fehlender Wohnraum: zu erfüllen (höchstens bis 0) minus alle Plätze; "
                    "negativ heißt: Plätze über den eigenen Bedarf hinaus.")
STAND = Feld("stand", None, "Stand")
ANRECHNUNGEN = Feld("anrechnungen", None, "Anrechnungen (Quotenkonto)", kurz="Anrechnungen",
                    hilfe="Vom Landkreis bestätigte Anrechnungen auf die Quote; gehen in (5) ein.")
#: Help between Kommunen (agreements), beside the paper's columns.
HILFE: tuple[Feld, ...] = (
    Feld("zugesagt_fuer_andere", None, "für andere zugesagt", kurz="zugesagt für andere",
         hilfe="Personen anderer Kommunen, die diese Kommune aufzunehmen zugesagt hat und die "
               "ihre Meldung noch nicht enthält; erhöht den Bedarf."),
    Feld("zusagen_anderer", None, "Zusagen anderer", kurz="Zusagen anderer",
         hilfe="Personen dieser Kommune, die andere Kommunen aufzunehmen zugesagt haben und "
               "die ihre Meldung noch nicht enthält; senkt den Bedarf."),
    Feld("in_anderen_kommunen", None, "in anderen Kommunen untergebracht",
         kurz="in anderen Kommunen",
         hilfe="Personen dieser Kommune, die nach einer Vereinbarung anderswo wohnen."),
)
#: The row keys beyond the paper's columns, never empty (agreements, ledger).
ZUSATZSCHLUESSEL: tuple[str, ...] = (*(f.name for f in HILFE), ANRECHNUNGEN.name)
GEMELDET_VON = Feld("gemeldet_von", None, "gemeldet von")
BEMERKUNG = Feld("bemerkung", None, "Bemerkung (intern)", kurz="Bemerkung")

ZAHLENNAMEN: tuple[str, ...] = tuple(f.name for f in ZAHLENFELDER)
FELDER_NACH_NAME: dict[str, Feld] = {f.name: f for f in (*ZAHLENFELDER, LAGE)}

#: The paper's "Kontinuierliche Auswertung": its columns, in its order.
AUSWERTUNG: tuple[Feld, ...] = (
    KOMMUNE, ZUWEISUNGEN, ZU_ERFUELLEN, *ZAHLENFELDER[6:], GESAMT_VERFUEGBAR, BEDARF, LAGE,
)
#: The paper's "Übersicht" with its numbered columns (1)–(12) and the computed sums.
UEBERSICHT: tuple[Feld, ...] = (
    KOMMUNE, AUFNAHMEQUOTE, *ZAHLENFELDER[:4], ZU_ERFUELLEN, *ZAHLENFELDER[4:], LAGE,
    SOFORT_VERFUEGBAR, IN_AUSSICHT, GESAMT_VERFUEGBAR, BEDARF,
)
#: The paper's summary block below the Auswertung: (key of `Zusammenfassung`, label).
ZUSAMMENFASSUNG: tuple[tuple[str, str], ...] = (
    ("benoetigt", "benötigter Wohnraum (Personen)"),
    ("sofort_verfuegbar", "davon sofort verfügbar (Personen)"),
    ("in_aussicht", "in Aussicht stehender Wohnraum (Personen)"),
    ("gesamt_verfuegbar", "aktuelle Gesamtverfügbarkeit (Personen)"),
    ("fehlend", "fehlender Wohnraum (Personen)"),
)
#: The summary lines of agreements not yet included in both sides' reports, before "fehlend"
#: when not 0 (`wrm.kennzahlen.fehlend`).
ZUSAMMENFASSUNG_HILFE: tuple[tuple[str, str], ...] = (
    ("zugesagt_fuer_andere", "zuzüglich zugesagter Plätze, noch als frei gemeldet (Personen)"),
    ("zusagen_anderer", "abzüglich Zusagen, noch nicht in den Meldungen der Zuweisenden "
                        "(Personen)"),
)


def zusammenfassungszeilen(zusammenfassung: object) -> tuple[tuple[str, str], ...]:
    """The summary block's lines (key, label) for these figures: the paper's, with the
    agreements' lines before "fehlend" where they are not 0."""
    hilfe = tuple(z for z in ZUSAMMENFASSUNG_HILFE if getattr(zusammenfassung, z[0], 0))
    return (*ZUSAMMENFASSUNG[:-1], *hilfe, ZUSAMMENFASSUNG[-1])

#: German words for stored values, by what they are: roles, kinds of history entries, lage.
#: (Kinds of Kommune are stored as German words already.)
WERTBEZEICHNUNGEN: dict[str, dict[str, str]] = {
    "rolle": {"landkreis": "Landkreis", "kommune": "Kommune", "presse": "Pressestelle"},
    "vorgang": {"geaendert": "geändert", "bestaetigt": "bestätigt", "import": "Import",
                "unterkuenfte": "aus der Unterkunftsliste", "quelle": "Quelle umgestellt",
                "angelegt": "angelegt", "belegung": "Belegung geändert"},
    "lage": {"ausreichend": "ausreichend", "kritisch": "kritisch"},
    "status": {"angefragt": "angefragt", "zugesagt": "zugesagt", "abgelehnt": "abgelehnt",
               "belegt": "belegt", "beendet": "beendet", "zurueckgezogen": "zurückgezogen",
               "offen": "offen", "erledigt": "erledigt", "in_betrieb": "in Betrieb",
               "in_aussicht": "in Aussicht", "geschlossen": "geschlossen"},
    "unterkunftsstatus": {"in_betrieb": "in Betrieb", "in_aussicht": "in Aussicht",
                          "geschlossen": "geschlossen"},
    "platzart": {"gemeinschaftsunterkunft": "Gemeinschaftsunterkunft",
                 "dezentral": "dezentral"},
    # An accommodation's kind (a Kommune's kind is stored as a German word already).
    "art": {"gemeinschaftsunterkunft": "Gemeinschaftsunterkunft", "dezentral": "dezentral"},
    "meldequelle": {"eingabe": "eingegeben", "unterkuenfte": "aus der Unterkunftsliste"},
    "seite": {"zuweisend": "zuweisende Kommune", "aufnehmend": "aufnehmende Kommune"},
    "ereignis": {"angelegt": "angelegt", "status": "Status",
                 "beruecksichtigt": "in Meldung berücksichtigt", "ersuchen": "Hilfeersuchen"},
    "buchungsart": {"anrechnung": "Anrechnung", "vereinbarung": "Vereinbarung",
                    "korrektur": "Korrektur"},
    "anpassungsart": {"uebertrag": "Übertrag", "entlastung": "Entlastung"},
    "anrechnung": {"zuweisend": "zuweisende Kommune", "aufnehmend": "aufnehmende Kommune"},
    "leistungen_durch": {"zuweisend": "zuweisende Kommune",
                         "aufnehmend": "aufnehmende Kommune"},
    "kita_schule_durch": {"zuweisend": "zuweisende Kommune",
                          "aufnehmend": "aufnehmende Kommune"},
}


def bezeichnung(art: str, wert: object) -> str:
    """The German word for a stored value (`art`: "rolle", "vorgang", "lage"); the value itself
    when the catalogue has none; empty for None."""
    if wert is None:
        return ""
    text = str(getattr(wert, "value", wert))
    return WERTBEZEICHNUNGEN.get(art, {}).get(text, text)

#: Largest figure accepted anywhere (import, forms, API).
HOECHSTWERT = 1_000_000
