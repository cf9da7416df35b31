"""A map of the Landkreis as inline SVG, drawn on the server from the Kommunen's coordinates:
no tiles, no script, no internet. Each Kommune a dot coloured by its Bedarf (with the number
beside its name, so colour is never the only sign), the proposal's flows as arrows; labels
placed where they cover nothing (`admin.beschriftung`)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from admin.beschriftung import GROESSE, Kasten, platzieren
from wrm.anzeige import RICHTUNG, bewegung, personenzahl, zahl
from wrm.kennzahlen import Zeile
from wrm.umverteilung import Vorschlagszeile

ROT, GRUEN, GRAU, BLAU = "#c82333", "#1e7e34", "#6c757d", "#004085"
BREITE, HOEHE, RAND = 760, 560, 70
#: One line of the legend, which stands below the map (on it, it would cover dots).
LEGENDENZEILE = 18


@dataclass(frozen=True)
class Punkt:
    """A Kommune on the map."""

    name: str
    breitengrad: float
    laengengrad: float
    zeile: Zeile


@dataclass(frozen=True)
class Unterkunftspunkt:
    """An accommodation with coordinates, for those who may see it (its Kommune, the county)."""

    name: str
    besitzer: str
    breitengrad: float
    laengengrad: float
    frei: int


def _projektion(punkte: Sequence[Punkt | Unterkunftspunkt]):  # type: ignore[no-untyped-def]
    """Equirectangular, x scaled by cos(mean latitude): true to shape at a county's size."""
    breiten = [p.breitengrad for p in punkte]
    laengen = [p.laengengrad for p in punkte]
    faktor = math.cos(math.radians(sum(breiten) / len(breiten)))
    spanne_x = max((max(laengen) - min(laengen)) * faktor, 1e-6)
    spanne_y = max(max(breiten) - min(breiten), 1e-6)
    massstab = min((BREITE - 2 * RAND) / spanne_x, (HOEHE - 2 * RAND) / spanne_y)
    westen, sueden = min(laengen), min(breiten)

    def xy(p: Punkt | Unterkunftspunkt) -> tuple[float, float]:
        return (RAND + (p.laengengrad - westen) * faktor * massstab,
                HOEHE - RAND - (p.breitengrad - sueden) * massstab)
    return xy


def _farbe(zeile: Zeile) -> str:
    if zeile.bedarf is None:
        return GRAU
    return ROT if zeile.fehlt_wohnraum else GRUEN


def karte(punkte: Sequence[Punkt], fluesse: Sequence[Vorschlagszeile] = (),
          ohne_ort: Sequence[str] = (), unterkuenfte: Sequence[Unterkunftspunkt] = ()
          ) -> Markup:
    """The SVG (empty when no Kommune has coordinates); `unterkuenfte` as squares sized by
    their free places."""
    if not punkte:
        return Markup("")
    xy = _projektion([*punkte, *unterkuenfte])
    orte = {p.name: xy(p) for p in punkte}
    legende = [(ROT, "Bedarf über 0 (fehlender Wohnraum)"), (GRUEN, "kein Bedarf (Überschuss)"),
               (GRAU, "keine Plätze gemeldet")]
    zeilen = len(legende) + (1 if fluesse else 0) + (1 if ohne_ort else 0) + (
        1 if unterkuenfte else 0)
    gesamthoehe = HOEHE + 12 + LEGENDENZEILE * zeilen
    teile = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {BREITE} {gesamthoehe}" role="img" '
        'aria-labelledby="karte-titel karte-beschreibung" class="karte" width="100%">',
        '<title id="karte-titel">Karte des Landkreises: Bedarf je Kommune'
        + (" und vorgeschlagene Umverteilung" if fluesse else "") + "</title>",
        f'<desc id="karte-beschreibung">{escape(_beschreibung(punkte, fluesse))}</desc>',
        # Fixed-size arrowheads: scaled with the stroke they would hide the thicker lines.
        '<defs><marker id="pfeil" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="12" '
        'markerHeight="12" markerUnits="userSpaceOnUse" orient="auto-start-reverse">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{BLAU}"/></marker></defs>',
        f'<rect width="{BREITE}" height="{gesamthoehe}" fill="#fff"/>',
        f'<rect width="{BREITE}" height="{HOEHE}" fill="#fff" stroke="#adb5bd"/>',
    ]
    groesste = max((f.personen for f in fluesse), default=1)
    pfeile = []
    for fluss in fluesse:
        if fluss.zuweisend not in orte or fluss.aufnehmend not in orte:
            continue
        # The persons' way (`anzeige.RICHTUNG`): from where they are allocated to the host.
        (x1, y1), (x2, y2) = orte[fluss.zuweisend], orte[fluss.aufnehmend]
        laenge = math.hypot(x2 - x1, y2 - y1) or 1
        kuerzer = 9 / laenge  # stop at the dot's edge
        pfeile.append((fluss, (x1 + (x2 - x1) * kuerzer, y1 + (y2 - y1) * kuerzer),
                       (x2 - (x2 - x1) * kuerzer, y2 - (y2 - y1) * kuerzer)))
    for fluss, (ax, ay), (bx, by) in pfeile:
        teile.append(
            f'<line x1="{ax:.1f}" y1="{ay:.1f}" x2="{bx:.1f}" y2="{by:.1f}" '
            f'stroke="{BLAU}" stroke-width="{1.5 + 4 * fluss.personen / groesste:.1f}" '
            'marker-end="url(#pfeil)" opacity="0.85"><title>'
            f"{escape(bewegung(fluss.zuweisend, fluss.aufnehmend))}: "
            f"{personenzahl(fluss.personen)}"
            "</title></line>")
    for u in unterkuenfte:
        ux, uy = xy(u)
        seite = 4 + min(2 * math.sqrt(u.frei), 16)
        teile.append(
            f'<rect class="unterkunft" x="{ux - seite / 2:.1f}" y="{uy - seite / 2:.1f}" '
            f'width="{seite:.1f}" height="{seite:.1f}" fill="{BLAU}" fill-opacity="0.35" '
            f'stroke="{BLAU}"><title>{escape(u.name)} ({escape(u.besitzer)}): '
            f"{zahl(u.frei)} frei</title></rect>")
    bedarfe = ["nicht gemeldet" if p.zeile.bedarf is None else zahl(p.zeile.bedarf)
               for p in punkte]
    texte = [f"{p.name} ({bedarf})" for p, bedarf in zip(punkte, bedarfe, strict=True)]
    beschriftungen = platzieren(
        [(t, *orte[p.name]) for t, p in zip(texte, punkte, strict=True)],
        strecken=[(a, b) for _, a, b in pfeile], rahmen=Kasten(2, 2, BREITE - 2, HOEHE - 2))
    for p, text, bedarf, b in zip(punkte, texte, bedarfe, beschriftungen, strict=True):
        x, y = orte[p.name]
        leitlinie = "" if b.leitlinie is None else (
            f'<line x1="{b.leitlinie[0][0]:.1f}" y1="{b.leitlinie[0][1]:.1f}" '
            f'x2="{b.leitlinie[1][0]:.1f}" y2="{b.leitlinie[1][1]:.1f}" stroke="#495057" '
            'stroke-width="1" class="leitlinie"/>')
        teile.append(
            f'<g class="kommune"><circle cx="{x:.1f}" cy="{y:.1f}" r="7" '
            f'fill="{_farbe(p.zeile)}" stroke="#212529"/>{leitlinie}'
            f'<text x="{b.x:.1f}" y="{b.y:.1f}" text-anchor="{b.anker}" font-size="{GROESSE}" '
            f'font-family="sans-serif" fill="#212529" class="beschriftung">{escape(text)}</text>'
            f"<title>{escape(p.name)}: Bedarf {bedarf}</title></g>")
    y = HOEHE + 6 + LEGENDENZEILE // 2
    for farbe, text in legende:
        teile.append(f'<circle cx="20" cy="{y}" r="6" fill="{farbe}" stroke="#212529"/>'
                     f'<text x="32" y="{y + 4}" font-size="12" font-family="sans-serif" '
                     f'fill="#212529">{text}</text>')
        y += LEGENDENZEILE
    if pfeile:
        teile.append(f'<line x1="12" y1="{y}" x2="28" y2="{y}" stroke="{BLAU}" '
                     f'stroke-width="2" marker-end="url(#pfeil)"/><text x="32" y="{y + 4}" '
                     f'font-size="12" font-family="sans-serif" fill="#212529">Vorschlag: '
                     f"{RICHTUNG}</text>")
        y += LEGENDENZEILE
    if unterkuenfte:
        teile.append(f'<rect x="14" y="{y - 6}" width="12" height="12" fill="{BLAU}" '
                     f'fill-opacity="0.35" stroke="{BLAU}"/><text x="32" y="{y + 4}" '
                     'font-size="12" font-family="sans-serif" fill="#212529">Unterkunft '
                     "(größer: mehr freie Plätze; nur für die eigene Kommune und den "
                     "Landkreis)</text>")
        y += LEGENDENZEILE
    if ohne_ort:
        teile.append(f'<text x="12" y="{y + 4}" font-size="12" font-family="sans-serif" '
                     f'fill="#212529">Ohne Koordinaten, nicht eingezeichnet: '
                     f"{escape(', '.join(ohne_ort))}</text>")
    teile.append("</svg>")
    return Markup("".join(teile))


def _beschreibung(punkte: Sequence[Punkt], fluesse: Sequence[Vorschlagszeile]) -> str:
    fehlend = [p.name for p in punkte if p.zeile.fehlt_wohnraum]
    text = (f"{len(punkte)} Kommunen; Bedarf über 0: {', '.join(fehlend) or 'keine'}.")
    if fluesse:
        text += f" Vorschlag ({RICHTUNG}): " + "; ".join(
            f"{bewegung(f.zuweisend, f.aufnehmend)}: {personenzahl(f.personen)}"
            for f in fluesse) + "."
    return text
