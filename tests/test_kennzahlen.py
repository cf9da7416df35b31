"""The paper's arithmetic: the seed table cell for cell, and the rules on random data."""

from __future__ import annotations

import csv
import random

from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import DATEN
from wrm import kennzahlen
from wrm.darstellung import AUSWERTUNGSSPALTEN, als_csv
from wrm.kennzahlen import Zeile, auswerten
from wrm.meldefelder import ZAHLENNAMEN, zusammenfassungszeilen


def seed_zeilen() -> list[Zeile]:
    with open(DATEN / "uebersicht.csv", encoding="utf-8") as datei:
        zeilen = list(csv.DictReader(datei, delimiter=";"))
    return [
        Zeile(kommune=z["kommune"], lage=z["lage"], reihenfolge=i,
              **{k: int(z[k]) if z[k] else None for k in ("aufnahmequote", *ZAHLENNAMEN)})
        for i, z in enumerate(zeilen)
    ]


def test_seed_reproduces_the_papers_table_cell_for_cell() -> None:
    erwartet = (DATEN / "auswertung_erwartet.csv").read_text(encoding="utf-8")
    assert als_csv(auswerten(seed_zeilen())) == erwartet


def test_seed_summary_block_is_the_papers() -> None:
    z = auswerten(seed_zeilen()).zusammenfassung
    assert (z.benoetigt, z.sofort_verfuegbar, z.in_aussicht, z.gesamt_verfuegbar, z.fehlend) == (
        716, 469, 654, 1123, -407)
    # The county's fehlend is not the sum of the rows' bedarf (−395): a Kommune with spare
    # places beyond its own quota can house others, a Kommune short of places cannot.
    assert sum(zeile.bedarf or 0 for zeile in auswerten(seed_zeilen()).zeilen) == -395


def test_order_does_not_depend_on_input_order() -> None:
    zeilen = seed_zeilen()
    gemischt = zeilen[:]
    random.Random(4).shuffle(gemischt)
    assert [z.kommune for z in auswerten(gemischt).zeilen] == [
        z.kommune for z in auswerten(zeilen).zeilen]


def test_single_rules() -> None:
    assert kennzahlen.zu_erfuellen(None, 5) is None
    assert kennzahlen.zu_erfuellen(10, None) == 10
    assert kennzahlen.zu_erfuellen(67, 74) == -7
    assert kennzahlen.bedarf(-7, 0, 69, 0, 0) == -69  # over-fulfilled quota: no need
    assert kennzahlen.bedarf(25, None, 47, 0, 8) == -30  # empty cell counts 0
    assert kennzahlen.bedarf(0, None, None, None, None) is None  # nothing about places known
    assert kennzahlen.bedarf(None, 1, 1, 1, 1) is None
    assert kennzahlen.summe(None, None) == 0


zahl = st.one_of(st.none(), st.integers(min_value=0, max_value=1_000_000))
zeilen_strategie = st.lists(
    st.builds(
        Zeile,
        kommune=st.text(min_size=1, max_size=5),
        aufnahmequote=zahl,
        **{name: zahl for name in ZAHLENNAMEN},
        lage=st.sampled_from(["ausreichend", "kritisch"]),
        reihenfolge=st.integers(0, 50),
    ),
    max_size=30,
)


@given(zeilen_strategie)
def test_rules_hold_on_random_rows(zeilen: list[Zeile]) -> None:
    for z in zeilen:
        plaetze = [z.verfuegbar_gemeinschaftsunterkunft, z.verfuegbar_dezentral,
                   z.in_aussicht_gemeinschaftsunterkunft, z.in_aussicht_dezentral]
        assert z.gesamt_verfuegbar == sum(p or 0 for p in plaetze)
        assert z.gesamt_verfuegbar == z.sofort_verfuegbar + z.in_aussicht
        if z.aufnahmequote is None:
            assert z.zu_erfuellen is None
        else:
            assert z.zu_erfuellen == z.aufnahmequote - (z.zuweisungen or 0)
        if z.zu_erfuellen is None or all(p is None for p in plaetze):
            assert z.bedarf is None
        else:
            assert z.bedarf == max(z.zu_erfuellen, 0) - z.gesamt_verfuegbar
            if z.zu_erfuellen <= 0:
                assert z.bedarf <= 0


@given(zeilen_strategie)
def test_auswertung_on_random_rows(zeilen: list[Zeile]) -> None:
    a = auswerten(zeilen)
    assert sorted(map(id, a.zeilen)) == sorted(map(id, zeilen))
    bedarfe = [z.bedarf for z in a.zeilen]
    bekannt = [b for b in bedarfe if b is not None]
    assert bedarfe == bekannt + [None] * (len(bedarfe) - len(bekannt))
    assert bekannt == sorted(bekannt)
    for vorher, nachher in zip(a.zeilen, a.zeilen[1:], strict=False):
        if vorher.bedarf == nachher.bedarf:
            assert vorher.reihenfolge <= nachher.reihenfolge
    for spalte in ("zuweisungen", "zu_erfuellen", "gesamt_verfuegbar", "in_aussicht_dezentral"):
        werte = [getattr(z, spalte) for z in zeilen if getattr(z, spalte) is not None]
        erwartet = sum(werte) if werte or spalte == "gesamt_verfuegbar" else None
        assert a.gesamt[spalte] == erwartet
    s = a.zusammenfassung
    assert s.benoetigt == sum(z.zu_erfuellen or 0 for z in zeilen)
    assert s.gesamt_verfuegbar == s.sofort_verfuegbar + s.in_aussicht
    assert s.fehlend == s.benoetigt - s.gesamt_verfuegbar == a.gesamt["bedarf"]


def test_csv_columns_are_the_papers() -> None:
    kopf = (DATEN / "auswertung_erwartet.csv").read_text(encoding="utf-8").splitlines()[0]
    assert tuple(kopf.split(";")) == AUSWERTUNGSSPALTEN


def test_the_arithmetic_imports_no_web_framework_and_no_database() -> None:
    import subprocess
    import sys

    pruefung = ("import sys, wrm.kennzahlen, wrm.meldefelder; "
                "fremd = sorted(m for m in sys.modules if m.split('.')[0] in "
                "('flask', 'flask_admin', 'strawberry', 'sqlalchemy', 'werkzeug')); "
                "assert not fremd, fremd")
    ergebnis = subprocess.run([sys.executable, "-c", pruefung], capture_output=True, text=True,
                              check=False)
    assert ergebnis.returncode == 0, ergebnis.stderr


def test_the_smaller_figures() -> None:
    from datetime import UTC, datetime, timedelta

    from wrm.kennzahlen import (
        alter_tage,
        fehlt_wohnraum,
        stark_veraendert,
        unterbringung_weicht_ab,
        untergebracht,
    )

    assert [fehlt_wohnraum(b) for b in (None, -3, 0, 1)] == [False, False, False, True]
    assert (untergebracht(None, None), untergebracht(3, None), untergebracht(3, 4)) == (None, 3, 7)
    assert not unterbringung_weicht_ab(100, 110) and unterbringung_weicht_ab(100, 111)
    assert not unterbringung_weicht_ab(10, 15) and unterbringung_weicht_ab(10, 16)
    assert not unterbringung_weicht_ab(None, 50) and not unterbringung_weicht_ab(50, None)
    assert stark_veraendert(10, 16) and not stark_veraendert(10, 15)
    assert not stark_veraendert(0, 100) and not stark_veraendert(None, 3)
    jetzt = datetime(2026, 3, 1, 12, tzinfo=UTC)
    assert alter_tage(None, jetzt) is None
    assert alter_tage(jetzt - timedelta(days=2, hours=23), jetzt) == 2
    assert alter_tage(jetzt + timedelta(hours=1), jetzt) == 0  # a clock slightly ahead


def test_fehlend_counts_agreements_not_yet_included_as_the_rows_do() -> None:
    """A host promised 15 places: before anyone reports it, after the host alone, after both,
    the county misses the same number of places; the two sums show up only when not 0."""
    vorher = [Zeile("Aufnehmend", aufnahmequote=10, zuweisungen=10, verfuegbar_dezentral=40),
              Zeile("Zuweisend", aufnahmequote=50, zuweisungen=20, verfuegbar_dezentral=0)]
    zugesagt = [Zeile("Aufnehmend", aufnahmequote=10, zuweisungen=10, verfuegbar_dezentral=40,
                      zugesagt_fuer_andere=15),
                Zeile("Zuweisend", aufnahmequote=50, zuweisungen=20, verfuegbar_dezentral=0,
                      zusagen_anderer=15)]
    aufnehmend_gemeldet = [Zeile("Aufnehmend", aufnahmequote=10, zuweisungen=10,
                                 verfuegbar_dezentral=25), zugesagt[1]]
    beide = [aufnehmend_gemeldet[0], Zeile("Zuweisend", aufnahmequote=50, zuweisungen=35,
                                           verfuegbar_dezentral=0)]
    summen = [kennzahlen.zusammenfassen(z) for z in (vorher, zugesagt, aufnehmend_gemeldet,
                                                     beide)]
    assert [s.fehlend for s in summen] == [30 - 40] * 4
    assert (summen[2].zugesagt_fuer_andere, summen[2].zusagen_anderer) == (0, 15)
    assert [k for k, _ in zusammenfassungszeilen(summen[0])] == [
        "benoetigt", "sofort_verfuegbar", "in_aussicht", "gesamt_verfuegbar", "fehlend"]
    assert [k for k, _ in zusammenfassungszeilen(summen[2])][-2:] == ["zusagen_anderer",
                                                                       "fehlend"]
