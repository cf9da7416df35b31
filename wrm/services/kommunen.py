"""Master data of the Kommunen: the county's list, imported from `name;art` files with optional
official key and WGS84 coordinates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from importlib import resources
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wrm.models import KREISUNTERKUENFTE, Art, Kommune, Landkreis, Meldequelle
from wrm.models.datenstand import schreibsperre
from wrm.namen import name_bereinigen, namensschluessel
from wrm.services.csvdatei import Fundstelle, Importfehler, lesen


@dataclass
class Stammdatenergebnis:
    """What a master data import changed."""

    angelegt: list[str] = field(default_factory=list)
    geaendert: list[str] = field(default_factory=list)
    unveraendert: list[str] = field(default_factory=list)


def landkreis_holen(session: Session, *, name: str) -> Landkreis:
    """The Landkreis of that name, created when missing."""
    landkreis = session.scalar(select(Landkreis).where(Landkreis.name == name))
    if landkreis is None:
        landkreis = Landkreis(name=name)
        session.add(landkreis)
        session.flush()
    return landkreis


def kreiskommune(session: Session, *, landkreis: Landkreis, anlegen: bool = True
                 ) -> Kommune | None:
    """The Landkreis's own row for its interim shelters (kind `Landkreis`), created with the
    first shelter (`anlegen`); None when it has none yet and `anlegen` is false."""
    vorhanden = session.scalar(select(Kommune).where(Kommune.landkreis_id == landkreis.id,
                                                     Kommune.art == Art.LANDKREIS))
    if vorhanden is None and anlegen:
        vorhanden = Kommune(landkreis=landkreis, name=KREISUNTERKUENFTE, art=Art.LANDKREIS,
                            meldequelle=Meldequelle.UNTERKUENFTE)
        session.add(vorhanden)
        session.flush()
    return vorhanden


def quotenpflichtig(abfrage: Any) -> Any:
    """A query of Kommunen without the county's own shelters' row, which has no quota,
    announcements, users or reminders."""
    return abfrage.where(Kommune.art != Art.LANDKREIS)


def kommune_finden(session: Session, *, landkreis: Landkreis, name: str) -> Kommune | None:
    """The Kommune of that name in the Landkreis (`wrm.namen`: spaces and case aside), or
    None."""
    gesucht = namensschluessel(name)
    for kommune in session.scalars(select(Kommune).where(Kommune.landkreis_id == landkreis.id)):
        if namensschluessel(kommune.name) == gesucht:
            return kommune
    return None


def kommunenname_fehler(session: Session, *, landkreis_id: int, name: str,
                        ausser_id: int | None = None) -> str | None:
    """Why a Kommune cannot have this (cleaned) name: empty, or another Kommune of the
    Landkreis has it (`wrm.namen`: spaces and case aside); None when it can."""
    if not name:
        return "Bitte einen Namen angeben."
    with session.no_autoflush:  # the Kommune being saved is not one of the others
        andere = session.scalars(select(Kommune).where(Kommune.landkreis_id == landkreis_id,
                                                       Kommune.id != (ausser_id or -1)))
        gleich = next((k for k in andere if namensschluessel(k.name) == namensschluessel(name)),
                      None)
    return f"Die Kommune „{gleich.name}“ gibt es schon." if gleich is not None else None


#: The kinds a Kommune of the master data can have (the county's own row is made by WRM).
KOMMUNENARTEN = tuple(a for a in Art if a is not Art.LANDKREIS)


def _art_lesen(text: str) -> Art:
    for art in KOMMUNENARTEN:
        if art.value.casefold() == text.strip().casefold():
            return art
    erlaubt = ", ".join(a.value for a in KOMMUNENARTEN)
    raise ValueError(f"„{text.strip()}“ ist keine gültige Art ({erlaubt})")


#: WGS84 bounds of the two coordinates, with the German wording of each.
KOORDINATEN = {"breitengrad": (-90.0, 90.0, "Der Breitengrad"),
               "laengengrad": (-180.0, 180.0, "Der Längengrad")}


def koordinate_lesen(spalte: str, text: str) -> float:
    """A WGS84 coordinate in degrees, with a decimal comma or point; ValueError in German."""
    unten, oben, wort = KOORDINATEN[spalte]
    try:
        wert = float(text.strip().replace(",", "."))
    except ValueError:
        raise ValueError(f"„{text.strip()}“ ist keine Zahl (Grad, z. B. 52,2799)") from None
    if not unten <= wert <= oben:  # also refuses NaN
        raise ValueError(f"{wort} liegt zwischen {unten:g} und {oben:g} (WGS84)")
    return wert


#: More inhabitants than any German municipality has (Berlin: 3.8 million).
HOECHSTE_EINWOHNERZAHL = 10_000_000


def einwohner_lesen(text: str) -> int:
    """A population: a whole number ≥ 0 (German thousands dots allowed); ValueError in German."""
    bereinigt = text.strip().replace(".", "").replace(" ", "")
    if not (bereinigt.isascii() and bereinigt.isdigit()):
        raise ValueError(f"„{text.strip()[:20]}“ ist keine Einwohnerzahl (ganze Zahl ≥ 0)")
    wert = int(bereinigt)
    if wert > HOECHSTE_EINWOHNERZAHL:
        raise ValueError(f"höchstens {HOECHSTE_EINWOHNERZAHL:,} Einwohner".replace(",", "."))
    return wert


def tag_lesen(text: str) -> date:
    """A day as JJJJ-MM-TT or TT.MM.JJJJ; ValueError in German."""
    for muster in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text.strip(), muster).date()
        except ValueError:
            continue
    raise ValueError(f"„{text.strip()[:20]}“ ist kein Datum (JJJJ-MM-TT oder TT.MM.JJJJ)")


def koordinaten_fehler(breitengrad: object, laengengrad: object) -> str | None:
    """Why a pair of coordinates is refused: only one of the two given; None when fine."""
    if (breitengrad is None) != (laengengrad is None):
        return "Breitengrad und Längengrad gehören zusammen: beide angeben oder beide leer lassen."
    return None


def ags_lesen(text: str) -> str:
    """An official municipality key: eight digits; ValueError in German."""
    if not (text.isascii() and text.isdigit() and len(text) == 8):
        raise ValueError(f"„{text[:20]}“ ist kein Gemeindeschlüssel (8 Ziffern)")
    return text


#: The optional columns of a master data file and how each cell is read.
OPTIONALE_SPALTEN: dict[str, Callable[[str], object]] = {
    "ags": ags_lesen,
    "einwohner": einwohner_lesen,
    "einwohner_stand": tag_lesen,
    **{spalte: partial(koordinate_lesen, spalte) for spalte in KOORDINATEN},
}


@dataclass(frozen=True)
class _Stammzeile:
    name: str
    art: Art
    # Only the optional columns the file fills in this row: an empty cell keeps what is stored.
    werte: dict[str, object]


def _zeile_lesen(nummer: int, zellen: dict[str, str]
                 ) -> tuple[_Stammzeile | None, list[Fundstelle]]:
    fehler: list[Fundstelle] = []
    werte: dict[str, object] = {}
    for spalte, lesen_ in OPTIONALE_SPALTEN.items():
        if text := zellen.get(spalte, "").strip():
            try:
                werte[spalte] = lesen_(text)
            except ValueError as grund:
                fehler.append(Fundstelle(nummer, spalte, str(grund)))
    if not fehler and (grund := koordinaten_fehler(
            zellen.get("breitengrad", "").strip() or None,
            zellen.get("laengengrad", "").strip() or None)):
        fehler.append(Fundstelle(nummer, "", grund))
    try:
        art = _art_lesen(zellen["art"])
    except ValueError as grund:
        fehler.append(Fundstelle(nummer, "art", str(grund)))
        return None, fehler
    return _Stammzeile(name_bereinigen(zellen["name"]), art, werte), fehler


def kommunen_importieren(
    session: Session, *, inhalt: bytes, landkreis: Landkreis
) -> Stammdatenergebnis:
    """Create or update Kommunen from a `name;art` file with the optional columns `ags`,
    `breitengrad`, `laengengrad`, `einwohner`, `einwohner_stand`, all or nothing; an empty
    optional cell leaves the stored value as it is. Caller commits."""
    tabelle = lesen(inhalt, pflicht=("name", "art"), optional=OPTIONALE_SPALTEN)
    fehler: list[Fundstelle] = []
    if len(set(KOORDINATEN) & set(tabelle.kopf)) == 1:
        raise Importfehler([Fundstelle(None, "", "Die Spalten breitengrad und laengengrad "
                                                 "gehören zusammen: beide oder keine.")])
    gelesen: list[_Stammzeile] = []
    namen: dict[str, int] = {}
    for nummer, zellen in tabelle.zeilen:
        name = name_bereinigen(zellen["name"])
        if not name:
            fehler.append(Fundstelle(nummer, "name", "Name fehlt"))
        elif namensschluessel(name) in namen:
            fehler.append(Fundstelle(nummer, "name", f"„{name}“ steht schon in "
                                                     f"Zeile {namen[namensschluessel(name)]}"))
        namen.setdefault(namensschluessel(name), nummer)
        zeile, zeilenfehler = _zeile_lesen(nummer, zellen)
        fehler += zeilenfehler
        if zeile is not None:
            gelesen.append(zeile)
    if fehler:
        raise Importfehler(fehler)
    schreibsperre(session)  # two imports at once: the second sees the first one's Kommunen
    ergebnis = Stammdatenergebnis()
    vorhanden = {namensschluessel(k.name): k for k in session.scalars(
        select(Kommune).where(Kommune.landkreis_id == landkreis.id))}
    for zeile in gelesen:
        kommune = vorhanden.get(namensschluessel(zeile.name))
        if kommune is None:
            session.add(Kommune(landkreis=landkreis, name=zeile.name, art=zeile.art,
                                **zeile.werte))
            ergebnis.angelegt.append(zeile.name)
            continue
        neu = {"art": zeile.art, **zeile.werte}
        if any(getattr(kommune, k) != v for k, v in neu.items()):
            for k, v in neu.items():
                setattr(kommune, k, v)
            ergebnis.geaendert.append(zeile.name)
        else:
            ergebnis.unveraendert.append(zeile.name)
    session.flush()
    return ergebnis


def paketdatei(name: str) -> bytes:
    """A data file shipped in the package (`wrm/data/`)."""
    return resources.files("wrm.data").joinpath(name).read_bytes()
