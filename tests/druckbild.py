"""What a download looks like on paper: LibreOffice turns the XLSX into a PDF, as a user's
LibreOffice prints it, and the PDF's grid cells are read back with pdfplumber.

LibreOffice writes only the glyphs a cell shows: a cut text loses its tail in the PDF, a number
too wide for its column prints as "###", and a text running into the next cell is split by the
grid line. So "every cell prints whole" is: every cell's text is the text of one grid cell.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path

import pdfplumber
import pytest
from openpyxl import load_workbook

SOFFICE = shutil.which("soffice")


def soffice_oder_ueberspringen() -> str:
    """The path of LibreOffice's soffice; without it the test is skipped, except in CI, where
    `make test` installs it (scripts/libreoffice.sh) and a missing one is a failure."""
    if SOFFICE is None:
        if os.environ.get("CI") == "true":
            pytest.fail("soffice fehlt: scripts/libreoffice.sh hätte es installieren müssen.")
        pytest.skip("LibreOffice (soffice) fehlt; `make test` installiert es.")
    return SOFFICE


def als_pdf(xlsx: bytes, ordner: Path) -> Path:
    """The workbook printed to PDF by LibreOffice (a profile of its own: tests run in parallel)."""
    soffice = soffice_oder_ueberspringen()
    ordner.mkdir(parents=True, exist_ok=True)
    quelle = ordner / "druck.xlsx"
    quelle.write_bytes(xlsx)
    profil = (ordner / "lo-profil").as_uri()
    subprocess.run([soffice, f"-env:UserInstallation={profil}", "--headless", "--convert-to",
                    "pdf", "--outdir", str(ordner), str(quelle)],
                   check=True, capture_output=True, timeout=120)
    return ordner / "druck.pdf"


def _grenzen(werte: list[float]) -> list[float]:
    """Distinct positions of grid lines (a line is drawn per cell, so each appears often)."""
    grenzen: list[float] = []
    for wert in sorted(werte):
        if not grenzen or wert - grenzen[-1] > 1.0:
            grenzen.append(wert)
    return grenzen


def _fach(grenzen: list[float], wert: float) -> int | None:
    for nummer, (links, rechts) in enumerate(zip(grenzen, grenzen[1:], strict=False)):
        if links < wert < rechts:
            return nummer
    return None


def zelltexte(pdf: Path) -> tuple[set[str], set[str], int]:
    """The text of every grid cell and of every grid row (where merged cells print) on every
    page, whitespace removed, and the page count."""
    texte: set[str] = set()
    zeilentexte: set[str] = set()
    with pdfplumber.open(pdf) as dokument:
        for seite in dokument.pages:
            senkrecht = _grenzen([k["x0"] for k in seite.edges if k["orientation"] == "v"])
            waagrecht = _grenzen([k["top"] for k in seite.edges if k["orientation"] == "h"])
            faecher: dict[tuple[int, int], list[dict]] = defaultdict(list)
            for zeichen in seite.chars:
                spalte = _fach(senkrecht, (zeichen["x0"] + zeichen["x1"]) / 2)
                zeile = _fach(waagrecht, (zeichen["top"] + zeichen["bottom"]) / 2)
                if spalte is not None and zeile is not None:
                    faecher[zeile, spalte].append(zeichen)
            reihen: dict[int, list[dict]] = defaultdict(list)
            for (zeile, _), zeichen in faecher.items():
                reihen[zeile].extend(zeichen)
            for ziel, gruppen in ((texte, faecher), (zeilentexte, reihen)):
                for zeichen in gruppen.values():
                    zeichen.sort(key=lambda z: (round(z["top"]), z["x0"]))
                    ziel.add(normal("".join(z["text"] for z in zeichen)))
        return texte, zeilentexte, len(dokument.pages)


def normal(text: str) -> str:
    """Text compared without whitespace and without thousands separators (LibreOffice prints
    numbers in its own locale)."""
    return re.sub(r"[\s,.]", "", text)


def anzeige(wert: object) -> str:
    """What a cell of WRM's downloads shows for a value (its number formats)."""
    if isinstance(wert, datetime):
        return wert.strftime("%d.%m.%Y %H:%M")
    if isinstance(wert, date):
        return wert.strftime("%d.%m.%Y")
    if isinstance(wert, float) and wert.is_integer():
        return str(int(wert))
    return str(wert)


def nicht_ganz_gedruckt(xlsx: bytes, ordner: Path) -> tuple[list[str], int]:
    """The cells of the workbook's table whose text the printout does not show whole (cut,
    "###", or running into another cell), and the page count. A merged cell (the title
    lines) spans its grid row."""
    blatt = load_workbook(io.BytesIO(xlsx)).active
    verbunden = {bereich.start_cell.coordinate for bereich in blatt.merged_cells.ranges}
    zellen, zeilen, seiten = zelltexte(als_pdf(xlsx, ordner))
    fehlend = []
    for reihe in blatt.iter_rows():
        for zelle in reihe:
            if zelle.value is None:
                continue
            text = anzeige(zelle.value)
            if normal(text) not in (zeilen if zelle.coordinate in verbunden else zellen):
                fehlend.append(f"{zelle.coordinate}: {text!r}")
    return fehlend, seiten
