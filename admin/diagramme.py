"""Charts as inline SVG, rendered on the server with pygal (no JavaScript, no CDN)."""

from __future__ import annotations

import re
from collections.abc import Sequence

import pygal
from pygal.style import Style

from wrm.anzeige import kalenderwoche, tag_kurz, zahl
from wrm.kennzahlen import Zeile
from wrm.kennzahlen.prognose import Woche
from wrm.services.zeitreihe import Wochenwert

#: Deficit red, surplus green, as in the tables; the rest Bootstrap's palette.
_SKRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)
ROT, GRUEN, BLAU, GRAU = "#dc3545", "#28a745", "#007bff", "#6c757d"
#: What a chart without any value says (pygal's own text is English).
KEINE_DATEN = "Keine Daten"
_STIL = Style(background="white", plot_background="white", font_family="sans-serif",
              colors=(ROT, GRUEN, BLAU, GRAU), label_font_size=11, legend_font_size=12,
              major_label_font_size=11, value_font_size=10)


def _svg(diagramm: pygal.graph.graph.Graph) -> str:
    # pygal always embeds a small configuration script for its tooltips, even without `js`;
    # the charts need none, and the Content-Security-Policy would block it.
    return _SKRIPT.sub("", diagramm.render(is_unicode=True))


def bedarf_je_kommune(zeilen: Sequence[Zeile]) -> str:
    """Bar chart of Bedarf per Kommune: missing places red, surplus green."""
    mit_bedarf = [z for z in zeilen if z.bedarf is not None]
    diagramm = pygal.Bar(
        style=_STIL, js=[], disable_xml_declaration=True, width=1000, height=380,
        x_label_rotation=40, value_formatter=zahl, legend_at_bottom=True,
        title="Bedarf je Kommune (Personen)", print_values=False, explicit_size=False,
        no_data_text=KEINE_DATEN)
    diagramm.x_labels = [z.kommune for z in mit_bedarf]
    diagramm.add("fehlender Wohnraum", [z.bedarf if z.fehlt_wohnraum else None
                                        for z in mit_bedarf])
    diagramm.add("Überschuss", [None if z.fehlt_wohnraum else z.bedarf for z in mit_bedarf])
    return _svg(diagramm)


def verlauf(reihe: Sequence[Wochenwert], titel: str) -> str:
    """Line chart per week: Σ zu erfüllen against Σ sofort verfügbar and Σ in Aussicht."""
    diagramm = pygal.Line(
        style=Style(**{**_STIL.to_dict(), "colors": (ROT, GRUEN, BLAU)}), js=[],
        disable_xml_declaration=True, width=1000, height=340, value_formatter=zahl,
        legend_at_bottom=True, title=titel, x_label_rotation=30, dots_size=3,
        explicit_size=False, no_data_text=KEINE_DATEN)
    diagramm.x_labels = [tag_kurz(w.tag) for w in reihe]
    diagramm.add("zu erfüllen", [w.zu_erfuellen for w in reihe])
    diagramm.add("sofort verfügbar", [w.sofort_verfuegbar for w in reihe])
    diagramm.add("in Aussicht", [w.in_aussicht for w in reihe])
    return _svg(diagramm)


def reichweite(wochen: Sequence[Woche], plaetze_sofort: int, plaetze_mit_aussicht: int,
               titel: str) -> str:
    """Line chart per ISO week: cumulative announced (and estimated) persons against the places
    free now and with those in Aussicht; where the line crosses a level, the places run out."""
    diagramm = pygal.Line(
        style=Style(**{**_STIL.to_dict(), "colors": (ROT, GRUEN, BLAU)}), js=[],
        disable_xml_declaration=True, width=1000, height=340, value_formatter=zahl,
        legend_at_bottom=True, title=titel, x_label_rotation=30, dots_size=3,
        explicit_size=False, no_data_text=KEINE_DATEN)
    diagramm.x_labels = [f"{kalenderwoche(w.iso)}{'*' if w.geschaetzt else ''}" for w in wochen]
    kumuliert, summen = 0, []
    for woche in wochen:
        kumuliert += woche.personen
        summen.append(kumuliert)
    diagramm.add("Personen kumuliert (* geschätzt)", summen)
    diagramm.add("sofort verfügbar", [plaetze_sofort] * len(wochen))
    diagramm.add("mit Plätzen in Aussicht", [plaetze_mit_aussicht] * len(wochen))
    return _svg(diagramm)
