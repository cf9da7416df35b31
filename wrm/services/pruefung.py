"""Input rules, the one set shared by forms, import and API: a report's figures, free text,
numbers, record ids and versions, and the days figures may be asked for."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, timedelta

from wrm.anzeige import datum, zahl
from wrm.kennzahlen import Zeile, stark_veraendert, unterbringung_weicht_ab
from wrm.meldefelder import FELDER_NACH_NAME, HOECHSTWERT, ZAHLENNAMEN, Lage

#: The longest internal note of a report, in characters.
BEMERKUNG_HOECHSTLAENGE = 2000
#: The longest name (of a Kommune, a user) and any other single-line cell of an import.
NAME_HOECHSTLAENGE = 200
#: Largest key the database can hold in an integer id column (PostgreSQL `integer`).
HOECHSTE_KENNUNG = 2**31 - 1
#: The earliest day anyone may ask figures for; the paper's data start in 2015.
FRUEHESTER_STICHTAG = date(2000, 1, 1)
# More digits than this cannot be a figure; checked before `int()`, whose own limit message
# (4,300 digits) is English and whose work grows with the length.
_HOECHSTE_ZIFFERN = 18
# C0 control characters and DEL, except tab, line feed and carriage return: PostgreSQL refuses
# NUL, and none of them belongs in a name, a note or a search.
_STEUERZEICHEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Validierungsfehler(ValueError):
    """Invalid input; `fehler` maps each field name to a German message. Nothing was saved."""

    def __init__(self, fehler: Mapping[str, str]) -> None:
        self.fehler = dict(fehler)
        super().__init__("; ".join(f"{FELDER_NACH_NAME[k].titel if k in FELDER_NACH_NAME else k}: "
                                   f"{v}" for k, v in self.fehler.items()))


class Verweigert(PermissionError):
    """The user may not take this step; German message. Nothing was changed."""


def erlaubt(darf: bool, meldung: str, *, benutzer: object | None, system: str | None) -> None:
    """Raise `Verweigert` with the German `meldung` unless the user `darf` (the answer of
    `wrm.berechtigungen`). The command line calls without a user but with a `system` name: its
    operator holds the server and may everything."""
    if benutzer is None and system is not None:
        return
    if not darf:
        raise Verweigert(meldung)


def kurz(text: str, laenge: int = 20) -> str:
    """A user's text quoted in a message, cut so a huge input does not make a huge message."""
    return text if len(text) <= laenge else text[:laenge] + "…"


def zahl_lesen(text: str) -> int | None:
    """Read a cell as a whole number; empty is None. Raises ValueError with a German message."""
    text = text.strip()
    if not text:
        return None
    ziffern = text[1:] if text[0] in "+-" else text
    if not ziffern.isascii() or not ziffern.isdigit():
        raise ValueError(f"„{kurz(text)}“ ist keine ganze Zahl")
    if len(ziffern.lstrip("0")) > _HOECHSTE_ZIFFERN:
        raise ValueError(f"„{kurz(text)}“ hat zu viele Ziffern (erlaubt sind ganze Zahlen "
                         f"bis {zahl(HOECHSTWERT)})")
    return int(text)


def _ganzzahl_lesen(text: object, *, kleinste: int) -> int | None:
    text = str(text).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 10:
        return None
    wert = int(text)
    return wert if kleinste <= wert <= HOECHSTE_KENNUNG else None


def kennung_lesen(text: object) -> int | None:
    """A record id from a URL or form (digits, 1 … `HOECHSTE_KENNUNG`), else None (then 404)."""
    return _ganzzahl_lesen(text, kleinste=1)


def version_lesen(text: object) -> int | None:
    """A report version read from a form (0 … `HOECHSTE_KENNUNG`), else None."""
    return _ganzzahl_lesen(text, kleinste=0)


def steuerzeichen(text: str) -> bool:
    """Whether a text holds control characters (other than tab and line breaks)."""
    return _STEUERZEICHEN.search(text) is not None


def text_pruefen(text: str | None, *, hoechstlaenge: int, mehrzeilig: bool = False
                 ) -> str | None:
    """The rule for free text: no control characters, at most `hoechstlaenge` characters."""
    if text is None:
        return None
    if steuerzeichen(text) or (not mehrzeilig and any(z in text for z in "\r\n")):
        return "enthält unzulässige Steuerzeichen"
    if len(text) > hoechstlaenge:
        return (f"darf höchstens {zahl(hoechstlaenge)} Zeichen lang sein "
                f"(sind {zahl(len(text))})")
    return None


def stichtag_pruefen(tag: date, *, heute: date) -> str | None:
    """Why figures cannot be asked for at this day (too early or in the future), or None."""
    if tag < FRUEHESTER_STICHTAG:
        return (f"Der Stichtag darf nicht vor dem {datum(FRUEHESTER_STICHTAG)} "
                "liegen.")
    if tag > heute:
        return "Der Stichtag darf nicht in der Zukunft liegen."
    return None


#: How far ahead a day of an agreement or a credit may lie.
HOECHSTENS_VORAUS = timedelta(days=366)


def datum_pruefen(tag: date, *, heute: date, fruehestens: date | None = None,
                  fruehestens_was: str = "") -> str | None:
    """Why a day of an agreement or a credit cannot be (German), or None: not before
    `FRUEHESTER_STICHTAG` (the earliest day figures exist for) nor before `fruehestens` (e.g.
    the agreement's start, named by `fruehestens_was`), and at most a year ahead."""
    if tag < FRUEHESTER_STICHTAG:
        return f"Das Datum darf nicht vor dem {datum(FRUEHESTER_STICHTAG)} liegen."
    if fruehestens is not None and tag < fruehestens:
        return f"Das Datum liegt vor {fruehestens_was} ({datum(fruehestens)})."
    if tag > heute + HOECHSTENS_VORAUS:
        return (f"Das Datum darf höchstens ein Jahr in der Zukunft liegen (bis "
                f"{datum(heute + HOECHSTENS_VORAUS)}).")
    return None


def lage_lesen(text: str) -> Lage | None:
    """Read lage case-insensitively; empty is None. Raises ValueError with a German message."""
    text = text.strip()
    if not text:
        return None
    try:
        return Lage(text.lower())
    except ValueError:
        raise ValueError(f"„{text}“ ist keine gültige Lage (ausreichend oder kritisch)") from None


def zahl_pruefen(wert: object) -> str | None:
    """The rule for one figure: empty, or a whole number from 0 to `HOECHSTWERT`."""
    if wert is None:
        return None
    if isinstance(wert, bool) or not isinstance(wert, int):
        return "muss eine ganze Zahl sein"
    if wert < 0:
        return "darf nicht negativ sein"
    if wert > HOECHSTWERT:
        return f"darf höchstens {zahl(HOECHSTWERT)} sein"
    return None


def pruefen(werte: Mapping[str, object]) -> dict[str, str]:
    """All rule violations of a report as {field: German message}; empty when valid."""
    fehler: dict[str, str] = {}
    for name in ZAHLENNAMEN:
        meldung = zahl_pruefen(werte.get(name))
        if meldung:
            fehler[name] = meldung
    zuweisungen, ankuenfte = werte.get("zuweisungen"), werte.get("ankuenfte")
    if (
        "ankuenfte" not in fehler and "zuweisungen" not in fehler
        and isinstance(ankuenfte, int) and ankuenfte > (zuweisungen or 0)
    ):
        fehler["ankuenfte"] = (
            f"(2) Ankünfte ({ankuenfte}) dürfen nicht größer sein als "
            f"(1) Zuweisungen ({zuweisungen if zuweisungen is not None else 'leer'})"
        )
    lage = werte.get("lage")
    if lage is None or lage == "":
        fehler["lage"] = "ist erforderlich (ausreichend oder kritisch)"
    elif lage not in {m.value for m in Lage}:
        fehler["lage"] = "muss „ausreichend“ oder „kritisch“ sein"
    bemerkung = werte.get("bemerkung")
    if bemerkung is not None and not isinstance(bemerkung, str):
        fehler["bemerkung"] = "muss ein Text sein"
    elif grund := text_pruefen(bemerkung, hoechstlaenge=BEMERKUNG_HOECHSTLAENGE,
                               mehrzeilig=True):
        fehler["bemerkung"] = grund
    return fehler


def hinweise(zeile: Zeile, alt: Mapping[str, object] | None) -> list[str]:
    """Plausibility warnings after a save: they do not block, they ask the user to check."""
    ergebnis = []
    bedarf = zeile.bedarf
    if zeile.widerspruch and zeile.lage == Lage.AUSREICHEND:
        ergebnis.append(
            f"Die Lage ist als „ausreichend“ eingeschätzt, der errechnete Bedarf beträgt aber "
            f"{bedarf} Personen. Bitte erläutern Sie die Einschätzung in der Bemerkung.")
    elif zeile.widerspruch:
        ergebnis.append(
            f"Die Lage ist als „kritisch“ eingeschätzt, rechnerisch sind aber {-bedarf} Plätze "  # type: ignore[operator]
            "mehr vorhanden als benötigt. Bitte erläutern Sie die Einschätzung in der Bemerkung.")
    if unterbringung_weicht_ab(zeile.ankuenfte, zeile.untergebracht):
        ergebnis.append(
            f"(6) + (7) ergeben {zeile.untergebracht} untergebrachte Personen, gemeldet sind "
            f"aber {zeile.ankuenfte} Ankünfte (2). Bitte prüfen.")
    for name in ZAHLENNAMEN:
        vorher, jetzt = (alt or {}).get(name), getattr(zeile, name)
        if stark_veraendert(vorher, jetzt):  # type: ignore[arg-type]
            ergebnis.append(f"{FELDER_NACH_NAME[name].titel} hat sich stark verändert "
                            f"({vorher} → {jetzt}). Bitte prüfen.")
    return ergebnis
