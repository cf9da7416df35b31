"""Help between Kommunen on the county's and the Kommunen's screens: the proposal with its
one-click request and the map on the Auswertung, the agreements and requests on the report form,
a Kommune's request for help answered by the county."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from tests import factories
from tests.conftest import admin_token, anmelden
from tests.datenbestand import abzug
from tests.vereinbarung_hilfe import (
    S,
    angemeldet,
    kommune_namens,
    stand_von,
    vereinbarung_zwischen,
)
from tests.welt import Welt
from wrm.db import db
from wrm.models import Hilfeersuchen, Vereinbarung
from wrm.zeit import heute


def _anmelden_demo(app: Flask, name: str):  # type: ignore[no-untyped-def]
    client = app.test_client()
    assert anmelden(client, name, "demo-wrm-2026").status_code == 302
    return client


def test_the_auswertung_shows_the_proposal_to_the_county_with_one_click(
        demo_web: Flask) -> None:
    """One reading of a move everywhere (`anzeige.RICHTUNG`): the proposal on the screen, the
    command line, the map, the agreement made from it, its page and the list all say
    "zugewiesen an → untergebracht in"; a line already asked for shows the request."""
    ausgabe = demo_web.test_cli_runner().invoke(args=["umverteilung", "vorschlag"]).output
    cli = json.loads(demo_web.test_cli_runner().invoke(
        args=["umverteilung", "vorschlag", "--format", "json"]).output)
    client = _anmelden_demo(demo_web, "landkreis")
    seite = client.get("/admin/auswertung/").get_data(as_text=True)
    assert "Jede Zeile: zugewiesen an → untergebracht in." in seite
    karte = seite[seite.index('id="karte"'):]
    karte = karte[:karte.index("</svg>")]
    assert "Vorschlag: zugewiesen an → untergebracht in" in karte  # the arrows' legend
    for zeile in cli["vorschlag"]:
        km = f"{zeile['km']:.1f}".replace(".", ",").removesuffix(",0")
        personen = f"{zeile['personen']} Person{'en' if zeile['personen'] != 1 else ''}"
        bewegung = f"{zeile['zuweisend']} → {zeile['aufnehmend']}"
        assert f"Vorschlag: {bewegung}: {personen} ({km} km)" in seite
        assert f"{bewegung}: {personen} (" in ausgabe
        assert f"<title>{bewegung}: {personen}</title>" in karte
    assert "http://" not in karte.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert karte.count('opacity="0.85"') == len(cli["vorschlag"])  # one arrow per line
    # One click turns the first line into a request to the host.
    knoepfe = seite.count("anfragen</button>")
    formular = re.search(r'<form method="post" action="/admin/vereinbarung/anfragen/".*?</form>',
                         seite, re.S)
    daten = dict(re.findall(r'name="([a-z_]+)" value="([^"]*)"', formular.group(0)))  # type: ignore[union-attr]
    antwort = client.post("/admin/vereinbarung/anfragen/", data=daten)
    assert antwort.status_code == 302
    erste = cli["vorschlag"][0]
    bewegung = f"{erste['zuweisend']} → {erste['aufnehmend']}"
    with demo_web.app_context():
        neu = db.session.scalars(select(Vereinbarung)).one()
        assert (neu.zuweisend.name, neu.aufnehmend.name, neu.personen, neu.status) == (
            erste["zuweisend"], erste["aufnehmend"], erste["personen"], S.ANGEFRAGT)
    assert f"Vereinbarung {neu.id}: {bewegung}, " in client.get(
        antwort.headers["Location"]).get_data(as_text=True)
    liste = client.get("/admin/vereinbarung/").get_data(as_text=True)
    assert "zugewiesen an" in liste and "untergebracht in" in liste
    # The line now shows the open request instead of offering it a second time.
    seite = client.get("/admin/auswertung/").get_data(as_text=True)
    assert seite.count("anfragen</button>") == knoepfe - 1
    assert (f"Angefragt: Vereinbarung {neu.id} über {erste['personen']} Personen, noch ohne "
            "Antwort") in seite
    # At a past Stichtag the proposal is shown, but no request is made from it.
    gestern = client.get(f"/admin/auswertung/?stichtag={heute() - timedelta(days=1)}")
    assert "anfragen</button>" not in gestern.get_data(as_text=True)


@pytest.mark.parametrize("name", ["kommune-a", "presse"])
def test_others_see_the_map_but_not_the_proposal(demo_web: Flask, name: str) -> None:
    seite = _anmelden_demo(demo_web, name).get("/admin/auswertung/").get_data(as_text=True)
    assert 'id="karte"' in seite and "Kommune M (73)" in seite
    assert "Umverteilungsvorschlag" not in seite
    assert "url(#pfeil)\" opacity" not in seite  # no arrows


def test_the_report_form_lists_agreements_and_hints_when_figures_did_not_move(
        web: Flask, welt: Welt) -> None:
    kennung = vereinbarung_zwischen(web, "Kommune Eigen", "Kommune Fremd", S.ZUGESAGT)
    fremd = angemeldet(web, "fremd")
    with web.app_context():
        meldung = kommune_namens("Kommune Fremd").meldung.id  # type: ignore[union-attr]
        eigen = kommune_namens("Kommune Eigen")
        eigen_meldung, eigen_id = eigen.meldung.id, eigen.id  # type: ignore[union-attr]
    seite = fremd.get(f"/admin/meldung/edit/?id={meldung}").get_data(as_text=True)
    assert "Kommune Eigen → Kommune Fremd</a>: 6 Personen" not in seite
    assert "Kommune Eigen → Kommune Fremd: 6 Personen</a>" in seite
    version = stand_von(web, kennung)[1]
    assert f'name="enthalten" value="{kennung}:{version}"' in seite
    # Ticked without changing (8)/(9): recorded with the report, with a hint.
    daten = {k: "" if v is None else v for k, v in factories.ZAHLEN.items()}
    daten.update({"csrf_token": admin_token(fremd), "version": 1,
                  "enthalten": f"{kennung}:{version}"})
    antwort = fremd.post(f"/admin/meldung/edit/?id={meldung}", data=daten,
                         follow_redirects=True)
    text = antwort.get_data(as_text=True)
    assert "nennt seit der Zusage nicht 6 sofort verfügbare Plätze weniger" in text
    assert 'name="enthalten"' not in text  # nothing left to tick
    # The allocated side reports the six in (1) and ticks the agreement: no hint.
    eigen_client = angemeldet(web, "eigen")
    daten.update({"csrf_token": admin_token(eigen_client),
                  "zuweisungen": factories.ZAHLEN["zuweisungen"] + 6,
                  "enthalten": f"{kennung}:{stand_von(web, kennung)[1]}"})
    antwort = eigen_client.post(f"/admin/meldung/edit/?id={eigen_meldung}", data=daten,
                                follow_redirects=True)
    text = antwort.get_data(as_text=True)
    assert "Zuweisungen mehr" not in text
    assert "Kommune Eigen → Kommune Fremd: 6 Personen</a>" in text
    with web.app_context():
        v = db.session.get_one(Vereinbarung, kennung)
        assert v.zuweisend_beruecksichtigt_am and v.aufnehmend_beruecksichtigt_am
        assert eigen_id == v.zuweisend_id


def test_a_kommune_asks_for_help_and_the_county_answers_with_a_request(
        web: Flask, welt: Welt) -> None:
    eigen = angemeldet(web, "eigen")
    with web.app_context():
        eigen_id, fremd_id = kommune_namens("Kommune Eigen").id, kommune_namens("Kommune Fremd").id
    formular = eigen.get("/admin/hilfeersuchen/erbitten/").get_data(as_text=True)
    assert "Kommune Fremd" not in formular[formular.index('id="kommune"'):]
    antwort = eigen.post("/admin/hilfeersuchen/erbitten/", data={
        "csrf_token": admin_token(eigen), "kommune": eigen_id, "personen": "15",
        "bemerkung": "Turnhalle"})
    assert antwort.status_code == 302
    ersuchen = int(antwort.headers["Location"].rsplit("=", 1)[1])
    with web.app_context():
        meldung = kommune_namens("Kommune Eigen").meldung.id  # type: ignore[union-attr]
    assert "Unser Hilfeersuchen für 15 Personen" in eigen.get(
        f"/admin/meldung/edit/?id={meldung}").get_data(as_text=True)
    # Another Kommune sees it (to offer), the press office does not.
    assert angemeldet(web, "fremd").get(
        f"/admin/hilfeersuchen/details/?id={ersuchen}").status_code == 200
    assert angemeldet(web, "presse").get("/admin/hilfeersuchen/").status_code == 403
    kreis = angemeldet(web, "kreis")
    seite = kreis.get(f"/admin/hilfeersuchen/details/?id={ersuchen}").get_data(as_text=True)
    link = re.search(r'id="anfragen" href="([^"]+)"', seite).group(1).replace("&amp;", "&")  # type: ignore[union-attr]
    vorbelegt = kreis.get(link).get_data(as_text=True)
    assert f'name="hilfeersuchen" type="hidden" value="{ersuchen}"' in vorbelegt
    anfrage = {
        "csrf_token": admin_token(kreis), "zuweisend": eigen_id, "aufnehmend": fremd_id,
        "personen": "15", "platzart": "dezentral", "anrechnung": "zuweisend",
        "leistungen_durch": "zuweisend", "kita_schule_durch": "aufnehmend",
        "hilfeersuchen": str(ersuchen)}
    # Kommune Fremd has 6 free places: 15 persons are asked only once confirmed.
    with web.app_context():
        vorher = abzug()
    seite = kreis.post("/admin/vereinbarung/anfragen/", data=anfrage)
    assert seite.status_code == 200
    text = seite.get_data(as_text=True)
    assert ("Kommune Fremd hat 6 freie Plätze (sofort verfügbar, ohne schon zugesagte); 15 "
            "Personen wären eine Überbelegung um 9 Personen.") in text
    assert 'id="ueberbelegung"' in text and 'name="ueberbelegung_bestaetigt"' in text
    assert 'value="15"' in text  # the input stays
    with web.app_context():
        assert abzug() == vorher
    antwort = kreis.post("/admin/vereinbarung/anfragen/",
                         data={**anfrage, "ueberbelegung_bestaetigt": "y"})
    assert antwort.status_code == 302
    seite = kreis.get(antwort.headers["Location"]).get_data(as_text=True)
    assert "Überbelegung: 9 Personen über den freien Plätzen von Kommune Fremd, bei der " \
           "Anfrage bestätigt." in seite
    # The host is asked again before it promises: its places may have changed since.
    zusage = angemeldet(web, "fremd").get(antwort.headers["Location"]).get_data(as_text=True)
    assert 'id="ueberbelegung-frage"' in zusage and 'id="ueberbelegung-bestaetigt"' in zusage
    seite = eigen.get(f"/admin/hilfeersuchen/details/?id={ersuchen}").get_data(as_text=True)
    assert "Kommune Fremd: 15 Personen, angefragt" in seite
    # The Kommune closes its request; a second close is refused in German.
    with web.app_context():
        version = db.session.get(Hilfeersuchen, ersuchen).version  # type: ignore[union-attr]
    for erwartet in ("ist geschlossen", "Nur ein offenes Hilfeersuchen"):
        antwort = eigen.post("/admin/hilfeersuchen/schliessen/", data={
            "csrf_token": admin_token(eigen), "id": ersuchen, "version": version,
            "status": "erledigt"}, follow_redirects=True)
        assert erwartet in antwort.get_data(as_text=True)
        version += 1
    # Kommune Fremd may not close Eigen's request.
    with web.app_context():
        vorher = abzug()
    fremd = angemeldet(web, "fremd")
    fremd.post("/admin/hilfeersuchen/schliessen/", data={
        "csrf_token": admin_token(fremd), "id": ersuchen, "version": version - 1,
        "status": "zurueckgezogen"})
    with web.app_context():
        assert abzug() == vorher
