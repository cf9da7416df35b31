"""The rules of an accommodation's fields: one German message per field, nothing saved when
any is broken. Screens, the API and the file import all check through `unterkunft_pruefen`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from wrm.anzeige import datum
from wrm.kennzahlen.unterkuenfte import Kapazitaet
from wrm.models import Platzart, Unterkunftsstatus
from wrm.services.kommunen import KOORDINATEN, koordinaten_fehler
from wrm.services.pruefung import (
    BEMERKUNG_HOECHSTLAENGE,
    FRUEHESTER_STICHTAG,
    NAME_HOECHSTLAENGE,
    text_pruefen,
    zahl_pruefen,
)

#: How far ahead a place in prospect may be announced.
HOECHSTENS_VORAUS = timedelta(days=5 * 366)
#: The counts of the capacity chain (required) and of the residents' groups (optional).
KAPAZITAETSZAHLEN = ("plaetze", "gesperrt", "belegt", "reserviert")
GRUPPENZAHLEN = ("davon_minderjaehrige", "leistung_asylblg", "leistung_sgb", "leistung_sonstige")
ARTEN = tuple(a.value for a in Platzart)
STATUS = tuple(s.value for s in Unterkunftsstatus)


def _wort(wert: object) -> object:
    return getattr(wert, "value", wert)


def _texte(werte: Mapping[str, object], fehler: dict[str, str]) -> None:
    name = werte.get("name")
    if not isinstance(name, str) or not name.strip():
        fehler["name"] = "ist erforderlich"
    elif grund := text_pruefen(name, hoechstlaenge=NAME_HOECHSTLAENGE):
        fehler["name"] = grund
    for feld, laenge, mehrzeilig in (("adresse", NAME_HOECHSTLAENGE, False),
                                     ("sperrgrund", NAME_HOECHSTLAENGE, False),
                                     ("bemerkung", BEMERKUNG_HOECHSTLAENGE, True)):
        text = werte.get(feld)
        if text is not None and not isinstance(text, str):
            fehler[feld] = "muss ein Text sein"
        elif grund := text_pruefen(text, hoechstlaenge=laenge, mehrzeilig=mehrzeilig):
            fehler[feld] = grund


def _zahlen(werte: Mapping[str, object], fehler: dict[str, str]) -> None:
    for feld in KAPAZITAETSZAHLEN:
        if werte.get(feld) is None:
            fehler[feld] = "ist erforderlich (eine ganze Zahl ab 0)"
        elif grund := zahl_pruefen(werte[feld]):
            fehler[feld] = grund
    for feld in GRUPPENZAHLEN:
        if grund := zahl_pruefen(werte.get(feld)):
            fehler[feld] = grund


def _tag(werte: Mapping[str, object], heute: date, fehler: dict[str, str]) -> None:
    status, ab = _wort(werte.get("status")), werte.get("verfuegbar_ab")
    if ab is not None and not isinstance(ab, date):
        fehler["verfuegbar_ab"] = "muss ein Datum sein (JJJJ-MM-TT oder TT.MM.JJJJ)"
    elif status == Unterkunftsstatus.IN_AUSSICHT.value and ab is None:
        fehler["verfuegbar_ab"] = "ist erforderlich, wenn die Unterkunft in Aussicht steht"
    elif ab is not None and ab < FRUEHESTER_STICHTAG:
        fehler["verfuegbar_ab"] = f"darf nicht vor dem {datum(FRUEHESTER_STICHTAG)} liegen"
    elif ab is not None and ab > heute + HOECHSTENS_VORAUS:
        fehler["verfuegbar_ab"] = (f"darf höchstens fünf Jahre in der Zukunft liegen (bis "
                                   f"{datum(heute + HOECHSTENS_VORAUS)})")


def _kette(werte: Mapping[str, object], fehler: dict[str, str]) -> None:
    """The rules between the counts, once each count is itself fine."""
    plaetze, gesperrt, belegt = werte.get("plaetze"), werte.get("gesperrt"), werte.get("belegt")
    if not {"plaetze", "gesperrt"} & fehler.keys() and gesperrt > plaetze:  # type: ignore[operator]
        fehler["gesperrt"] = (f"Gesperrte Plätze ({gesperrt}) dürfen nicht mehr sein als "
                              f"Plätze ({plaetze}).")
    if "gesperrt" not in fehler and (gesperrt or 0) > 0 and not (
            isinstance(werte.get("sperrgrund"), str) and werte["sperrgrund"].strip()):  # type: ignore[union-attr]
        fehler.setdefault("sperrgrund", "ist erforderlich, wenn Plätze gesperrt sind")
    status = _wort(werte.get("status"))
    if "belegt" not in fehler and (belegt or 0) > 0 and status in STATUS and (
            status != Unterkunftsstatus.IN_BETRIEB.value):
        fehler["belegt"] = (f"Belegt kann nur eine Unterkunft in Betrieb sein (Status "
                            f"„{status}“); bitte 0 eintragen oder den Status ändern.")
    if "belegt" in fehler:
        return
    minderjaehrige = werte.get("davon_minderjaehrige")
    if "davon_minderjaehrige" not in fehler and minderjaehrige is not None and (
            minderjaehrige > belegt):  # type: ignore[operator]
        fehler["davon_minderjaehrige"] = (f"Minderjährige ({minderjaehrige}) dürfen nicht mehr "
                                          f"sein als Belegte ({belegt}).")
    leistungen = [werte.get(f) for f in GRUPPENZAHLEN[1:]]
    if not set(GRUPPENZAHLEN[1:]) & fehler.keys() and any(x is not None for x in leistungen):
        summe = sum(x or 0 for x in leistungen)  # type: ignore[misc]
        if summe != belegt:
            fehler["leistung_asylblg"] = (f"Die Zahlen nach Leistungsträger (AsylbLG, SGB II/XII, "
                                          f"sonstige) ergeben {summe}, belegt sind {belegt}.")


def unterkunft_pruefen(werte: Mapping[str, object], *, heute: date) -> dict[str, str]:
    """Every broken rule of an accommodation's fields as {field: German message}; empty when
    valid. Overbooking is not among them: it is a warning (`warnungen`)."""
    fehler: dict[str, str] = {}
    _texte(werte, fehler)
    if _wort(werte.get("art")) not in ARTEN:
        fehler["art"] = "muss „gemeinschaftsunterkunft“ oder „dezentral“ sein"
    if _wort(werte.get("status")) not in STATUS:
        fehler["status"] = "muss „in_betrieb“, „in_aussicht“ oder „geschlossen“ sein"
    _zahlen(werte, fehler)
    _tag(werte, heute, fehler)
    for feld, (unten, oben, wort) in KOORDINATEN.items():
        wert = werte.get(feld)
        if wert is not None and (isinstance(wert, bool) or not isinstance(wert, int | float)
                                 or not unten <= wert <= oben):
            fehler[feld] = f"{wort} liegt zwischen {unten:g} und {oben:g} (WGS84)"
    if grund := koordinaten_fehler(werte.get("breitengrad"), werte.get("laengengrad")):
        fehler.setdefault("breitengrad", grund)
    _kette(werte, fehler)
    return fehler


def kapazitaet(werte: Mapping[str, object]) -> Kapazitaet:
    """The capacity chain of valid values."""
    return Kapazitaet(art=str(_wort(werte["art"])), status=str(_wort(werte["status"])),
                      plaetze=int(werte["plaetze"]), gesperrt=int(werte["gesperrt"]),  # type: ignore[call-overload]
                      belegt=int(werte["belegt"]),  # type: ignore[call-overload]
                      reserviert=int(werte["reserviert"]))  # type: ignore[call-overload]


def warnungen(werte: Mapping[str, object]) -> list[str]:
    """What is allowed but worth a second look: more persons living or promised than places."""
    kette = kapazitaet(werte)
    if kette.ueberbelegt:
        return [f"„{werte['name']}“ ist um {kette.ueberbelegt} "
                f"{'Person' if kette.ueberbelegt == 1 else 'Personen'} überbelegt (belegt "
                f"{kette.belegt} + reserviert {kette.reserviert} > belegbar {kette.belegbar})."]
    return []
