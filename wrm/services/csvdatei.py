"""Reading the semicolon (or comma) separated UTF-8 files German spreadsheets write."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from wrm.services.pruefung import (
    BEMERKUNG_HOECHSTLAENGE,
    NAME_HOECHSTLAENGE,
    kurz,
    text_pruefen,
)


@dataclass(frozen=True)
class Fundstelle:
    """One problem of a file: its line (the header is line 1; None: the file as a whole), its
    column ("" for the whole line) and what is wrong, in German. Formatted where it is shown."""

    zeile: int | None
    spalte: str
    text: str

    def __str__(self) -> str:
        if self.zeile is None:
            return self.text
        ort = f"Zeile {self.zeile}, Spalte {self.spalte}" if self.spalte else f"Zeile {self.zeile}"
        return f"{ort}: {self.text}"


class Importfehler(Exception):
    """A file was refused; `fehler` lists every problem, by line (the file's order)."""

    def __init__(self, fehler: Iterable[Fundstelle]) -> None:
        self.fehler = sorted(fehler, key=lambda f: f.zeile or 0)
        super().__init__("\n".join(map(str, self.fehler)))


@dataclass(frozen=True)
class Tabelle:
    """A file's header and its non-empty rows with their line numbers (the header is line 1)."""

    kopf: tuple[str, ...]
    zeilen: tuple[tuple[int, dict[str, str]], ...]


def _dekodieren(inhalt: bytes) -> str:
    try:
        return inhalt.decode("utf-8-sig")
    except UnicodeDecodeError as fehler:
        zeile = inhalt[: fehler.start].count(b"\n") + 1
        raise Importfehler([Fundstelle(
            zeile, "", "Die Datei ist nicht UTF-8-kodiert. Bitte in der Tabellenkalkulation "
            "als „CSV UTF-8“ speichern.")]) from None


def _datensaetze(text: str, trenner: str) -> Iterator[tuple[int, list[str]]]:
    # The csv module refuses cells over 128 KiB with its own English error; the rules below
    # judge cell lengths per column, so the parser itself may read any cell of this file.
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    leser = csv.reader(io.StringIO(text, newline=""), delimiter=trenner)
    beginn = 1
    try:
        for zellen in leser:
            yield beginn, zellen
            beginn = leser.line_num + 1
    except csv.Error:
        raise Importfehler([Fundstelle(beginn, "", "Die Zeile ist kein gültiges CSV (z. B. ein "
                                              "nicht geschlossenes Anführungszeichen).")]) from None


def _zellenfehler(nummer: int, zellen: dict[str, str], mehrzeilig: set[str]
                  ) -> list[Fundstelle]:
    fehler = []
    for spalte, inhalt in zellen.items():
        lang = spalte in mehrzeilig
        grund = text_pruefen(inhalt.strip(), mehrzeilig=lang,
                             hoechstlaenge=BEMERKUNG_HOECHSTLAENGE if lang else NAME_HOECHSTLAENGE)
        if grund:
            fehler.append(Fundstelle(nummer, spalte, grund))
    return fehler


def lesen(inhalt: bytes, *, pflicht: Iterable[str], optional: Iterable[str] = (),
          mehrzeilig: Iterable[str] = ()) -> Tabelle:
    """Parse a file whose header must hold every `pflicht` column and may hold `optional` ones.

    Column names are matched case-insensitively; the separator is `;` or `,`, whichever the
    header uses. Every cell follows the text rule of `pruefung` (no control characters; the
    `mehrzeilig` columns may hold line breaks and up to a note's length, others a name's).
    Raises `Importfehler` for an unreadable file, a wrong header, ragged rows or bad cells.
    """
    text = _dekodieren(inhalt)
    # Lines starting with "#" above the header name a file's source (the shipped master data).
    zeilen_text = text.split("\n")
    kommentare = next((i for i, z in enumerate(zeilen_text) if not z.startswith("#")),
                      len(zeilen_text))
    erste_zeile = zeilen_text[kommentare] if kommentare < len(zeilen_text) else ""
    trenner = ";" if ";" in erste_zeile or "," not in erste_zeile else ","
    datensaetze = _datensaetze("\n" * kommentare + "\n".join(zeilen_text[kommentare:]), trenner)
    kopfzeile, kopfzellen = next(((n, z) for n, z in datensaetze if z), (1, []))
    if not kopfzellen:
        raise Importfehler([Fundstelle(1, "", "Die Datei ist leer.")])
    kopf = tuple(z.strip().lower() for z in kopfzellen)
    pflicht, erlaubt = tuple(pflicht), {*pflicht, *optional}
    fehler = [Fundstelle(kopfzeile, kurz(name) or "(leer)", "unbekannte Spalte") for name in kopf
              if name not in erlaubt]
    fehler += [Fundstelle(kopfzeile, name, "Spalte fehlt") for name in pflicht
               if name not in kopf]
    fehler += [Fundstelle(kopfzeile, name, "Spalte kommt mehrfach vor")
               for name in sorted({n for n in kopf if kopf.count(n) > 1})]
    if fehler:
        raise Importfehler(fehler)
    zeilen = []
    for nummer, zellen in datensaetze:
        if not any(z.strip() for z in zellen):
            continue
        if len(zellen) != len(kopf):
            fehler.append(Fundstelle(nummer, "", f"{len(zellen)} statt {len(kopf)} Spalten"))
            continue
        werte = dict(zip(kopf, zellen, strict=True))
        fehler += _zellenfehler(nummer, werte, set(mehrzeilig))
        zeilen.append((nummer, werte))
    if fehler:
        raise Importfehler(fehler)
    return Tabelle(kopf=kopf, zeilen=tuple(zeilen))
