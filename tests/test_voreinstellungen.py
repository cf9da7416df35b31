"""Honest defaults: a new user gets no role unless one is chosen (never the most powerful by
default), and a day before any report says so instead of a green "0 von 0"."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from tests.conftest import admin_token, anmelden
from tests.datenbestand import abzug
from tests.welt import Welt
from wrm.db import db
from wrm.models import Benutzer


def test_a_new_user_has_no_preselected_role(web: Flask, welt: Welt) -> None:
    client = web.test_client()
    anmelden(client, "kreis")
    formular = client.get("/admin/benutzer/new/").get_data(as_text=True)
    auswahl = formular.split('name="rolle"')[1].split("</select>")[0]
    # Nothing selected, so the browser shows the first option: the request to choose.
    assert "selected" not in auswahl
    assert auswahl.startswith('><option value="">– bitte wählen –</option>')
    assert ">Pressestelle<" in auswahl and ">Landkreis<" in auswahl
    with web.app_context():
        vorher = abzug()
    seite = client.post("/admin/benutzer/new/", data={
        "name": "neu", "passwort": "ein-langes-passwort", "rolle": "", "aktiv": "y",
        "csrf_token": admin_token(client)}).get_data(as_text=True)
    assert "Bitte eine Rolle wählen." in seite
    with web.app_context():
        assert abzug()["benutzer"] == vorher["benutzer"]
        assert db.session.scalar(select(Benutzer).where(Benutzer.name == "neu")) is None


def test_a_day_before_any_report_says_so(web: Flask, welt: Welt) -> None:
    client = web.test_client()
    anmelden(client, "kreis")
    seite = client.get("/admin/auswertung/?stichtag=2019-06-01").get_data(as_text=True)
    abdeckung = seite.split('id="abdeckung"')[0].rsplit("<div", 1)[1] + \
        seite.split('id="abdeckung"')[1].split("</div>")[0]
    assert "Keine Meldungen bis zu diesem Tag" in abdeckung
    assert "alert-success" not in abdeckung and "0 von 0" not in abdeckung


def test_every_page_links_the_icon_and_favicon_ico_finds_it(web: Flask, welt: Welt) -> None:
    client = web.test_client()
    assert 'href="/static/favicon.svg"' in client.get("/login").get_data(as_text=True)
    anmelden(client, "kreis")
    assert 'href="/static/favicon.svg"' in client.get("/admin/").get_data(as_text=True)
    antwort = client.get("/favicon.ico")
    assert antwort.status_code == 301 and antwort.headers["Location"].endswith(
        "/static/favicon.svg")
    with client.get("/static/favicon.svg") as icon:  # a file response: close it
        assert icon.status_code == 200 and icon.data.startswith(b"<svg")


def test_dates_use_the_browsers_date_picker(web: Flask, welt: Welt) -> None:
    client = web.test_client()
    anmelden(client, "kreis")
    for pfad, felder in (("/admin/verteilzeitraum/new/", ("beginn", "ende")),
                         ("/admin/kommune/new/", ("einwohner_stand",))):
        seite = client.get(pfad).get_data(as_text=True)
        for feld in felder:
            eingabe = seite.split(f'name="{feld}"')[0].rsplit("<input", 1)[1] + \
                seite.split(f'name="{feld}"')[1].split(">")[0]
            assert 'type="date"' in eingabe, (pfad, feld)
    # An open end stays possible.
    seite = client.post("/admin/verteilzeitraum/new/", follow_redirects=True, data={
        "csrf_token": admin_token(client), "name": "Offen 2031", "beginn": "2031-01-01",
        "ende": "", "kontingent": ""}).get_data(as_text=True)
    assert "Offen 2031" in seite


def test_error_pages_are_german_in_the_layout_with_the_menu_and_a_way_back(
        web: Flask, welt: Welt) -> None:
    client = web.test_client()
    seite = client.get("/gibt-es-nicht")
    assert seite.status_code == 404 and "Nicht gefunden" in seite.get_data(as_text=True)
    anmelden(client, "presse")
    zurueck = {"Referer": "http://localhost/admin/auswertung/"}
    for aufruf, status, titel in (
            (lambda: client.get("/admin/gibt-es-nicht", headers=zurueck), 404, "Nicht gefunden"),
            (lambda: client.get("/admin/benutzer/", headers=zurueck), 403, "Kein Zugriff"),
            (lambda: client.get("/admin/auswertung/?stichtag=morgen", headers=zurueck), 400,
             "Ungültige Anfrage"),
            (lambda: client.delete("/admin/uebersicht/", headers=zurueck), 405,
             "Nicht erlaubt")):
        antwort = aufruf()
        text = antwort.get_data(as_text=True)
        assert antwort.status_code == status, (status, text[:300])
        assert titel in text and f"(Fehler {status})" in text
        assert 'class="navbar' in text and 'href="/admin/auswertung/"' in text  # the menu
        assert '<a href="/admin/auswertung/">Zurück zur vorigen Seite</a>' in text
        assert "Not Found" not in text and "Forbidden" not in text


def test_413_and_500_are_in_the_layout_too_and_change_nothing(web: Flask, welt: Welt,
                                                               monkeypatch) -> None:
    from admin import uebersicht
    from tests.factories import ZAHLEN

    client = web.test_client()
    anmelden(client, "eigen")
    with web.app_context():
        vorher = abzug()
    formular = {**{k: "" if v is None else v for k, v in ZAHLEN.items()}, "version": 1,
                "csrf_token": admin_token(client), "bemerkung": "x" * 600_000}
    zu_gross = client.post(f"/admin/meldung/edit/?id={welt.eigene_meldung}", data=formular,
                           headers={"Referer": "http://localhost/admin/auswertung/"})
    text = zu_gross.get_data(as_text=True)
    assert zu_gross.status_code == 413 and "(Fehler 413)" in text
    assert "Es wurde nichts gespeichert." in text and 'class="navbar' in text

    def kaputt(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("geheimer Absturz")

    monkeypatch.setattr(uebersicht, "frische", kaputt)
    monkeypatch.setitem(web.config, "PROPAGATE_EXCEPTIONS", False)
    fehler = client.get("/admin/auswertung/")
    text = fehler.get_data(as_text=True)
    assert fehler.status_code == 500 and "Interner Fehler" in text and "(Fehler 500)" in text
    assert 'class="navbar' in text and "geheimer Absturz" not in text
    with web.app_context():
        assert abzug() == vorher


def test_the_weekly_chart_has_a_gap_before_the_first_report(web: Flask, welt: Welt) -> None:
    from datetime import timedelta

    from wrm.models import Landkreis
    from wrm.services.zeitreihe import wochenreihe
    from wrm.zeit import heute

    with web.app_context():
        kreis = db.session.scalar(select(Landkreis).where(Landkreis.name == "Landkreis "
                                                                            "Osnabrück"))
        reihe = wochenreihe(db.session, landkreis=kreis, bis=heute(), wochen=3)
        # The world's reports were made today: the two weeks before are gaps, not zeros.
        assert [w.zu_erfuellen for w in reihe[:2]] == [None, None]
        assert reihe[-1].zu_erfuellen is not None and reihe[-1].sofort_verfuegbar == 2 * 6
        assert reihe[0].tag == heute() - timedelta(weeks=2)
