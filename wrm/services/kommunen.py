"""Master data of the Kommunen: the county's list, imported from `name;art` files."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources

from sqlalchemy import select
from sqlalchemy.orm import Session

from wrm.models import Art, Kommune, Landkreis
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


def kommune_finden(session: Session, *, landkreis: Landkreis, name: str) -> Kommune | None:
    """The Kommune of that name in the Landkreis (case-insensitive), or None."""
    gesucht = name.strip().casefold()
    for kommune in session.scalars(select(Kommune).where(Kommune.landkreis_id == landkreis.id)):
        if kommune.name.casefold() == gesucht:
            return kommune
    return None


def _art_lesen(text: str) -> Art:
    for art in Art:
        if art.value.casefold() == text.strip().casefold():
            return art
    erlaubt = ", ".join(a.value for a in Art)
    raise ValueError(f"„{text.strip()}“ ist keine gültige Art ({erlaubt})")


def kommunen_importieren(
    session: Session, *, inhalt: bytes, landkreis: Landkreis
) -> Stammdatenergebnis:
    """Create or update Kommunen from a `name;art` file, all or nothing; caller commits."""
    tabelle = lesen(inhalt, pflicht=("name", "art"))
    fehler: list[Fundstelle] = []
    gelesen: list[tuple[str, Art]] = []
    namen: dict[str, int] = {}
    for nummer, zellen in tabelle.zeilen:
        name = zellen["name"].strip()
        if not name:
            fehler.append(Fundstelle(nummer, "name", "Name fehlt"))
        elif name.casefold() in namen:
            fehler.append(Fundstelle(nummer, "name", f"„{name}“ steht schon in "
                                                     f"Zeile {namen[name.casefold()]}"))
        namen.setdefault(name.casefold(), nummer)
        try:
            art = _art_lesen(zellen["art"])
        except ValueError as grund:
            fehler.append(Fundstelle(nummer, "art", str(grund)))
            continue
        gelesen.append((name, art))
    if fehler:
        raise Importfehler(fehler)
    ergebnis = Stammdatenergebnis()
    vorhanden = {k.name.casefold(): k for k in session.scalars(
        select(Kommune).where(Kommune.landkreis_id == landkreis.id))}
    for name, art in gelesen:
        kommune = vorhanden.get(name.casefold())
        if kommune is None:
            session.add(Kommune(landkreis=landkreis, name=name, art=art))
            ergebnis.angelegt.append(name)
        elif kommune.art != art:
            kommune.art = art
            ergebnis.geaendert.append(name)
        else:
            ergebnis.unveraendert.append(name)
    session.flush()
    return ergebnis


def paketdatei(name: str) -> bytes:
    """A data file shipped in the package (`wrm/data/`)."""
    return resources.files("wrm.data").joinpath(name).read_bytes()
