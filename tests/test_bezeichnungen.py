"""One catalogue of names: the paper's tables read the same in every output, stored values
show as German words, and numbers, days and moments have one German format."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from flask import Flask

from tests.conftest import anmelden
from tests.welt import Welt
from wrm import anzeige, exporte, meldefelder
from wrm.darstellung import AUSWERTUNGSSPALTEN


def test_the_papers_tables_have_one_column_list() -> None:
    namen = [f.name for f in meldefelder.AUSWERTUNG]
    assert list(AUSWERTUNGSSPALTEN) == namen
    assert [s.schluessel for s in exporte.AUSWERTUNG] == [*namen, "stand"]
    assert [s.schluessel for s in exporte.UEBERSICHT] == [
        *(f.name for f in meldefelder.UEBERSICHT), "stand"]
    assert exporte.AUSWERTUNG[1].titel == "bisherige Zuweisungen"
    assert exporte.UEBERSICHT[2].titel == "(1) vom Land ausgesprochene Zuweisungen"


@pytest.mark.parametrize("art, wert, wort", [
    ("rolle", "presse", "Pressestelle"), ("vorgang", "geaendert", "geändert"),
    ("vorgang", "bestaetigt", "bestätigt"), ("lage", "kritisch", "kritisch"),
    ("art", "Gemeinde", "Gemeinde"), ("rolle", None, ""),
])
def test_stored_values_have_german_words(art: str, wert: object, wort: str) -> None:
    assert meldefelder.bezeichnung(art, wert) == wort


def test_one_german_format() -> None:
    assert anzeige.zahl(-1234567) == "−1.234.567" and anzeige.zahl(None) == ""
    assert anzeige.datum(date(2026, 3, 1)) == "01.03.2026"
    winter = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
    sommer = datetime(2026, 7, 5, 12, 0, tzinfo=UTC)
    assert (anzeige.zeitpunkt(winter), anzeige.zeitpunkt(sommer)) == (
        "05.01.2026 13:00", "05.07.2026 14:00")  # Europe/Berlin, with summer time


def test_lists_details_and_exports_show_the_words(web: Flask, welt: Welt) -> None:
    client = web.test_client()
    anmelden(client, "kreis")
    benutzer = client.get("/admin/benutzer/").get_data(as_text=True)
    assert "Pressestelle" in benutzer and "PRESSE" not in benutzer
    verlauf = client.get("/admin/verlauf/").get_data(as_text=True)
    assert "geändert" in verlauf and "geaendert" not in verlauf
    details = client.get(f"/admin/benutzer/details/?id={welt.presse}").get_data(as_text=True)
    assert "Pressestelle" in details
    zeilen = list(csv.reader(io.StringIO(
        client.get("/admin/verlauf/export/csv/").data.decode("utf-8-sig")), delimiter=";"))
    spalte = zeilen[0].index("Vorgang")
    assert {z[spalte] for z in zeilen[1:]} == {"geändert"}


def test_lists_speak_german_page_sizes_search_hints_and_empty_charts(web: Flask,
                                                                     welt: Welt) -> None:
    from admin.diagramme import KEINE_DATEN, bedarf_je_kommune

    client = web.test_client()
    anmelden(client, "kreis")
    for pfad, hinweis in (("/admin/meldung/", "Suchen: Kommune"),
                          ("/admin/verlauf/", "Suchen: Kommune, "),
                          ("/admin/benutzer/", "Suchen: ")):
        seite = client.get(pfad).get_data(as_text=True)
        assert ">20 Einträge<" in seite and ">100 Einträge<" in seite, pfad
        assert " items" not in seite and "kommune.name" not in seite, pfad
        assert f'placeholder="{hinweis}' in seite, pfad
    assert KEINE_DATEN in bedarf_je_kommune([]) and "No data" not in bedarf_je_kommune([])
