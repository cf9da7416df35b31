"""Validation of a report: the one set of rules shared by forms, import and API."""

from __future__ import annotations

from collections.abc import Mapping

from wrm.kennzahlen import Zeile
from wrm.meldefelder import FELDER_NACH_NAME, HOECHSTWERT, ZAHLENNAMEN, Lage


class Validierungsfehler(ValueError):
    """Invalid input; `fehler` maps each field name to a German message. Nothing was saved."""

    def __init__(self, fehler: Mapping[str, str]) -> None:
        self.fehler = dict(fehler)
        super().__init__("; ".join(f"{FELDER_NACH_NAME[k].titel if k in FELDER_NACH_NAME else k}: "
                                   f"{v}" for k, v in self.fehler.items()))


def zahl_lesen(text: str) -> int | None:
    """Read a cell as a whole number; empty is None. Raises ValueError with a German message."""
    text = text.strip()
    if not text:
        return None
    vorzeichen = text[1:] if text[0] in "+-" else text
    if not vorzeichen.isascii() or not vorzeichen.isdigit():
        raise ValueError(f"„{text}“ ist keine ganze Zahl")
    return int(text)


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
        return f"darf höchstens {HOECHSTWERT:,} sein".replace(",", ".")
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
    untergebracht = (zeile.in_gemeinschaftsunterkuenften, zeile.dezentral_untergebracht)
    if zeile.ankuenfte is not None and any(u is not None for u in untergebracht):
        summe = sum(u or 0 for u in untergebracht)
        if abs(summe - zeile.ankuenfte) > max(5, zeile.ankuenfte // 10):
            ergebnis.append(
                f"(6) + (7) ergeben {summe} untergebrachte Personen, gemeldet sind aber "
                f"{zeile.ankuenfte} Ankünfte (2). Bitte prüfen.")
    for name in ZAHLENNAMEN:
        vorher, jetzt = (alt or {}).get(name), getattr(zeile, name)
        if isinstance(vorher, int) and isinstance(jetzt, int) and vorher > 0 \
                and abs(jetzt - vorher) * 2 > vorher:
            ergebnis.append(f"{FELDER_NACH_NAME[name].titel} hat sich stark verändert "
                            f"({vorher} → {jetzt}). Bitte prüfen.")
    return ergebnis
