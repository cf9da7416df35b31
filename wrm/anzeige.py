"""How numbers, days and timestamps read in German, everywhere: screens (as Jinja filters),
charts, exports, messages and the CLI. Babel does the formatting; no Flask needed."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from wrm.zeit import ZEITZONE

GEBIETSSCHEMA = "de_DE"


def zahl(wert: float | None) -> str:
    """1.123 and −407 (a real minus sign, as in print); empty for "not reported"."""
    if wert is None:
        return ""
    return format_decimal(wert, locale=GEBIETSSCHEMA).replace("-", "−", 1)


def prozent(anteil: float) -> str:
    """A share as a percentage with two decimals, always: 0.0803 → "8,03 %", 0.08 → "8,00 %"."""
    return format_decimal(anteil * 100, format="#,##0.00", locale=GEBIETSSCHEMA).replace(
        "-", "−", 1) + " %"


def personenzahl(anzahl: int) -> str:
    """"1 Person", "1.234 Personen"."""
    return f"{zahl(anzahl)} {'Person' if anzahl == 1 else 'Personen'}"


#: How every screen, file, e-mail and command line reads a move between two Kommunen: from the
#: persons' view, the Kommune they are allocated to first, the one that houses them second.
RICHTUNG = "zugewiesen an → untergebracht in"


def bewegung(zuweisend: str, aufnehmend: str) -> str:
    """A move as every arrow reads it (`RICHTUNG`): "Kommune C → Kommune U"."""
    return f"{zuweisend} → {aufnehmend}"


def wert(wert: object) -> str:
    """A reported value as text beside a field or in a change: "leer" for not reported."""
    return "leer" if wert is None or wert == "" else str(wert)


def datum(tag: date) -> str:
    """A day: 01.03.2026."""
    return format_date(tag, "dd.MM.yyyy", locale=GEBIETSSCHEMA)


def tag_kurz(tag: date) -> str:
    """A day without the year, for chart axes: 01.03."""
    return format_date(tag, "dd.MM.", locale=GEBIETSSCHEMA)


def zeitpunkt(wert: datetime | None, *, sekunden: bool = False) -> str:
    """A moment in the county's local time: 01.03.2026 14:05 (aware) or as it is (naive, as
    spreadsheets hold it); empty for None."""
    if wert is None:
        return ""
    muster = "dd.MM.yyyy HH:mm:ss" if sekunden else "dd.MM.yyyy HH:mm"
    zone = ZEITZONE if wert.tzinfo is not None else None
    return format_datetime(wert, muster, tzinfo=zone, locale=GEBIETSSCHEMA)


def kalenderwoche(iso: str | None) -> str:
    """An ISO week as Germans write it: "2027-W05" reads "KW 5/2027"; empty for None."""
    if iso is None:
        return ""
    jahr, _, woche = iso.partition("-W")
    return f"KW {int(woche)}/{jahr}"
