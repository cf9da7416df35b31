"""The "Hilfe zwischen Kommunen" screens: every user × own/foreign side × step through the
buttons, list and page by role, asking a host (also prefilled from the proposal), bad input."""

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
from tests.welt import Welt
from wrm.db import db
from wrm.models import Hilfeersuchen, Kommune, Vereinbarung, Vereinbarungsstatus
from wrm.services import vereinbarungen as dienst
from wrm.zeit import heute

S = Vereinbarungsstatus
NUTZER = ("kreis", "eigen", "fremd", "presse")


def _kommune(name: str) -> Kommune:
    return db.session.scalar(select(Kommune).where(Kommune.name == name))  # type: ignore[return-value]


def _vereinbarung(web: Flask, zuweisend: str, aufnehmend: str, *schritte: S) -> int:
    with web.app_context():
        v = dienst.vereinbarung_anlegen(db.session, benutzer=None, system="Test", angaben=(
            dienst.Vereinbarungsangaben(zuweisend=_kommune(zuweisend),
                                        aufnehmend=_kommune(aufnehmend), personen=6)))
        for ziel in schritte:
            dienst.status_setzen(db.session, vereinbarung=v, ziel=ziel, version=v.version,
                                 benutzer=None, system="Test")
        db.session.commit()
        return v.id


def _angemeldet(web: Flask, name: str):  # type: ignore[no-untyped-def]
    client = web.test_client()
    assert anmelden(client, name).status_code == 302
    return client


def _stand(web: Flask, kennung: int) -> tuple[S, int]:
    with web.app_context():
        v = db.session.get(Vereinbarung, kennung)
        return v.status, v.version  # type: ignore[union-attr]


#: Who may take each step of an agreement Eigen (allocated) → Fremd (host).
SCHRITTE = [
    (S.ZUGESAGT, (), {"kreis", "fremd"}), (S.ABGELEHNT, (), {"kreis", "fremd"}),
    (S.ZURUECKGEZOGEN, (), {"kreis", "eigen"}), (S.BELEGT, (S.ZUGESAGT,), {"kreis", "fremd"}),
    (S.BEENDET, (S.ZUGESAGT, S.BELEGT), {"kreis", "fremd"}),
]


@pytest.mark.parametrize("gespiegelt", [False, True], ids=["eigen_zuweisend", "eigen_aufnehmend"])
@pytest.mark.parametrize("nutzer", NUTZER)
@pytest.mark.parametrize(("ziel", "vorweg", "erlaubt"), SCHRITTE,
                         ids=[s[0].value for s in SCHRITTE])
def test_step_buttons_matrix(web: Flask, welt: Welt, nutzer: str, ziel: S,
                             vorweg: tuple[S, ...], erlaubt: set[str], gespiegelt: bool) -> None:
    seiten = ("Kommune Fremd", "Kommune Eigen") if gespiegelt else ("Kommune Eigen",
                                                                   "Kommune Fremd")
    if gespiegelt:
        erlaubt = {{"eigen": "fremd", "fremd": "eigen"}.get(n, n) for n in erlaubt}
    kennung = _vereinbarung(web, *seiten, *vorweg)
    client = _angemeldet(web, nutzer)
    vorher_status, version = _stand(web, kennung)
    with web.app_context():
        vorher = abzug()
    seite = client.get(f"/admin/vereinbarung/details/?id={kennung}")
    antwort = client.post("/admin/vereinbarung/schritt/", data={
        "csrf_token": admin_token(client), "id": kennung, "version": version,
        "ziel": ziel.value, "grund": "Turnhalle belegt"})
    if nutzer == "presse":
        assert seite.status_code == antwort.status_code == 403
    else:
        assert seite.status_code == 200 and antwort.status_code == 302
        # The button is offered exactly to those who may press it.
        assert (f'id="schritt-{ziel.value}"' in seite.get_data(as_text=True)) == (
            nutzer in erlaubt)
    if nutzer in erlaubt:
        assert _stand(web, kennung)[0] is ziel
    else:
        with web.app_context():
            assert abzug() == vorher
        assert _stand(web, kennung)[0] is vorher_status


def test_list_and_page_by_role(web: Flask, welt: Welt) -> None:
    eigene = _vereinbarung(web, "Kommune Eigen", "Kommune Fremd")
    andere = _vereinbarung(web, "Kommune Fremd", "Kommune Leer")
    for nutzer, sichtbar in (("kreis", {eigene, andere}), ("eigen", {eigene}),
                             ("fremd", {eigene, andere})):
        client = _angemeldet(web, nutzer)
        liste = client.get("/admin/vereinbarung/").get_data(as_text=True)
        for kennung in (eigene, andere):
            seite = client.get(f"/admin/vereinbarung/details/?id={kennung}")
            assert seite.status_code == (200 if kennung in sichtbar else 404), (nutzer, kennung)
        assert ("Kommune Leer" in liste) == (andere in sichtbar), nutzer
        assert "Um Aufnahme bitten" in liste
    presse = _angemeldet(web, "presse")
    assert presse.get("/admin/vereinbarung/").status_code == 403
    assert presse.get("/admin/vereinbarung/anfragen/").status_code == 403


def test_a_kommune_asks_a_host_for_its_own_kommune_only(web: Flask, welt: Welt) -> None:
    client = _angemeldet(web, "eigen")
    formular = client.get("/admin/vereinbarung/anfragen/").get_data(as_text=True)
    auswahl = formular[formular.index('id="zuweisend"'):formular.index('id="aufnehmend"')]
    assert "Kommune Eigen" in auswahl and "Kommune Fremd" not in auswahl
    with web.app_context():
        eigen, fremd = _kommune("Kommune Eigen").id, _kommune("Kommune Fremd").id
        vorher = abzug()
    daten = {"csrf_token": admin_token(client), "aufnehmend": fremd, "personen": "7",
             "platzart": "dezentral", "anrechnung": "zuweisend", "leistungen_durch": "zuweisend",
             "kita_schule_durch": "aufnehmend"}
    fremdes = client.post("/admin/vereinbarung/anfragen/", data={**daten, "zuweisend": fremd})
    assert fremdes.status_code == 200
    assert "Bitte eine der angebotenen Möglichkeiten wählen." in fremdes.get_data(as_text=True)
    with web.app_context():
        assert abzug() == vorher
    antwort = client.post("/admin/vereinbarung/anfragen/", data={**daten, "zuweisend": eigen})
    assert antwort.status_code == 302
    with web.app_context():
        neu = db.session.scalars(select(Vereinbarung)).one()
        assert (neu.zuweisend_id, neu.aufnehmend_id, neu.personen, neu.status) == (
            eigen, fremd, 7, S.ANGEFRAGT)


@pytest.mark.parametrize(("daten", "text"), [
    ({"personen": "0"}, "größer als 0"),
    ({"personen": "x"}, "keine ganze Zahl"),
    ({"aufnehmend": "zuweisend"}, "Die aufnehmende Kommune muss eine andere sein."),
    ({"bis": "2000-01-01"}, "„bis“ liegt vor „von“."),
    ({"platzart": "Turnhalle"}, "Bitte einen der angebotenen Werte wählen."),
])
def test_bad_requests_are_refused_at_the_field(web: Flask, welt: Welt, daten: dict,
                                               text: str) -> None:
    client = _angemeldet(web, "kreis")
    with web.app_context():
        eigen, fremd = _kommune("Kommune Eigen").id, _kommune("Kommune Fremd").id
        vorher = abzug()
    formular = {"csrf_token": admin_token(client), "zuweisend": eigen, "aufnehmend": fremd,
                "personen": "7", "platzart": "dezentral", "anrechnung": "zuweisend",
                "leistungen_durch": "zuweisend", "kita_schule_durch": "aufnehmend"}
    formular.update(daten)
    if formular["aufnehmend"] == "zuweisend":
        formular["aufnehmend"] = eigen
    antwort = client.post("/admin/vereinbarung/anfragen/", data=formular)
    assert antwort.status_code == 200
    assert text in antwort.get_data(as_text=True)
    with web.app_context():
        assert abzug() == vorher


def test_generic_create_edit_delete_are_closed(web: Flask, welt: Welt) -> None:
    kennung = _vereinbarung(web, "Kommune Eigen", "Kommune Fremd")
    client = _angemeldet(web, "kreis")
    with web.app_context():
        vorher = abzug()
    assert client.get("/admin/vereinbarung/new/").status_code in (302, 403, 404)
    assert client.get(f"/admin/vereinbarung/edit/?id={kennung}").status_code in (302, 403, 404)
    client.post("/admin/vereinbarung/delete/", data={"id": kennung,
                                                      "csrf_token": admin_token(client)})
    with web.app_context():
        assert abzug() == vorher


def test_a_stale_page_gets_the_conflict_message(web: Flask, welt: Welt) -> None:
    kennung = _vereinbarung(web, "Kommune Eigen", "Kommune Fremd")
    client = _angemeldet(web, "fremd")
    _, alt = _stand(web, kennung)
    with web.app_context():
        v = db.session.get(Vereinbarung, kennung)
        dienst.status_setzen(db.session, vereinbarung=v, ziel=S.ZUGESAGT,  # type: ignore[arg-type]
                             version=alt, benutzer=None, system="Test")
        db.session.commit()
    antwort = client.post("/admin/vereinbarung/schritt/", data={
        "csrf_token": admin_token(client), "id": kennung, "version": alt, "ziel": "belegt"},
        follow_redirects=True)
    assert "inzwischen geändert" in antwort.get_data(as_text=True)
    assert _stand(web, kennung)[0] is S.ZUGESAGT


def _anmelden_demo(app: Flask, name: str):  # type: ignore[no-untyped-def]
    client = app.test_client()
    assert anmelden(client, name, "demo-wrm-2026").status_code == 302
    return client


def test_the_auswertung_shows_the_proposal_to_the_county_with_one_click(
        demo_web: Flask) -> None:
    cli = json.loads(demo_web.test_cli_runner().invoke(
        args=["umverteilung", "vorschlag", "--format", "json"]).output)
    client = _anmelden_demo(demo_web, "landkreis")
    seite = client.get("/admin/auswertung/").get_data(as_text=True)
    for zeile in cli["vorschlag"]:
        km = f"{zeile['km']:.1f}".replace(".", ",").removesuffix(",0")
        personen = f"{zeile['personen']} Person{'en' if zeile['personen'] != 1 else ''}"
        assert f"Vorschlag: {zeile['von']} → {zeile['nach']}: {personen} ({km} km)" in seite
    karte = seite[seite.index('id="karte"'):]
    karte = karte[:karte.index("</svg>")]
    assert "http://" not in karte.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert karte.count("<line ") == len(cli["vorschlag"])
    # One click turns the first line into a request to the host.
    formular = re.search(r'<form method="post" action="/admin/vereinbarung/anfragen/".*?</form>',
                         seite, re.S)
    daten = dict(re.findall(r'name="([a-z_]+)" value="([^"]*)"', formular.group(0)))  # type: ignore[union-attr]
    antwort = client.post("/admin/vereinbarung/anfragen/", data=daten)
    assert antwort.status_code == 302
    with demo_web.app_context():
        neu = db.session.scalars(select(Vereinbarung)).one()
        erste = cli["vorschlag"][0]
        assert (neu.aufnehmend.name, neu.zuweisend.name, neu.personen, neu.status) == (
            erste["von"], erste["nach"], erste["personen"], S.ANGEFRAGT)
    # At a past Stichtag the proposal is shown, but no request is made from it.
    gestern = client.get(f"/admin/auswertung/?stichtag={heute() - timedelta(days=1)}")
    assert "anfragen</button>" not in gestern.get_data(as_text=True)


@pytest.mark.parametrize("name", ["kommune-a", "presse"])
def test_others_see_the_map_but_not_the_proposal(demo_web: Flask, name: str) -> None:
    seite = _anmelden_demo(demo_web, name).get("/admin/auswertung/").get_data(as_text=True)
    assert 'id="karte"' in seite and "Kommune M (73)" in seite
    assert "Umverteilungsvorschlag" not in seite and "<line " not in seite


def test_the_report_form_lists_agreements_and_hints_when_figures_did_not_move(
        web: Flask, welt: Welt) -> None:
    kennung = _vereinbarung(web, "Kommune Eigen", "Kommune Fremd", S.ZUGESAGT)
    fremd = _angemeldet(web, "fremd")
    with web.app_context():
        meldung = _kommune("Kommune Fremd").meldung.id  # type: ignore[union-attr]
        eigen = _kommune("Kommune Eigen")
        eigen_meldung, eigen_id = eigen.meldung.id, eigen.id  # type: ignore[union-attr]
    seite = fremd.get(f"/admin/meldung/edit/?id={meldung}").get_data(as_text=True)
    assert "Wir nehmen 6 Personen von Kommune Eigen auf" in seite
    assert "In unserer Meldung berücksichtigt" in seite
    # Marked without changing (8)/(9): recorded, with a hint.
    formular = re.search(r'<form method="post" action="/admin/vereinbarung/beruecksichtigen/"'
                         r".*?</form>", seite, re.S)
    daten = dict(re.findall(r'name="([a-z_]+)"[^>]*value="([^"]*)"', formular.group(0)))  # type: ignore[union-attr]
    antwort = fremd.post("/admin/vereinbarung/beruecksichtigen/", data=daten,
                         follow_redirects=True)
    text = antwort.get_data(as_text=True)
    assert "nennt seit der Zusage nicht 6 sofort verfügbare Plätze weniger" in text
    assert "In unserer Meldung berücksichtigt</button>" not in text
    # The allocated side first reports the six in (1), then marks it: no hint.
    eigen_client = _angemeldet(web, "eigen")
    with web.app_context():
        factories.meldung(db.session.get(Kommune, eigen_id),
                          zuweisungen=factories.ZAHLEN["zuweisungen"] + 6)
        db.session.commit()
        version = db.session.get(Vereinbarung, kennung).version  # type: ignore[union-attr]
    antwort = eigen_client.post("/admin/vereinbarung/beruecksichtigen/", data={
        "csrf_token": admin_token(eigen_client), "id": kennung, "version": version,
        "kommune": eigen_id, "zurueck": "meldung"})
    assert antwort.headers["Location"].endswith(f"/admin/meldung/edit/?id={eigen_meldung}")
    text = eigen_client.get(antwort.headers["Location"]).get_data(as_text=True)
    assert "Zuweisungen mehr" not in text
    assert "Kommune Fremd nimmt 6 Personen von uns auf" in text


def test_a_kommune_asks_for_help_and_the_county_answers_with_a_request(
        web: Flask, welt: Welt) -> None:
    eigen = _angemeldet(web, "eigen")
    with web.app_context():
        eigen_id, fremd_id = _kommune("Kommune Eigen").id, _kommune("Kommune Fremd").id
    formular = eigen.get("/admin/hilfeersuchen/erbitten/").get_data(as_text=True)
    assert "Kommune Fremd" not in formular[formular.index('id="kommune"'):]
    antwort = eigen.post("/admin/hilfeersuchen/erbitten/", data={
        "csrf_token": admin_token(eigen), "kommune": eigen_id, "personen": "15",
        "bemerkung": "Turnhalle"})
    assert antwort.status_code == 302
    ersuchen = int(antwort.headers["Location"].rsplit("=", 1)[1])
    with web.app_context():
        meldung = _kommune("Kommune Eigen").meldung.id  # type: ignore[union-attr]
    assert "Unser Hilfeersuchen für 15 Personen" in eigen.get(
        f"/admin/meldung/edit/?id={meldung}").get_data(as_text=True)
    # Another Kommune sees it (to offer), the press office does not.
    assert _angemeldet(web, "fremd").get(
        f"/admin/hilfeersuchen/details/?id={ersuchen}").status_code == 200
    assert _angemeldet(web, "presse").get("/admin/hilfeersuchen/").status_code == 403
    kreis = _angemeldet(web, "kreis")
    seite = kreis.get(f"/admin/hilfeersuchen/details/?id={ersuchen}").get_data(as_text=True)
    link = re.search(r'id="anfragen" href="([^"]+)"', seite).group(1).replace("&amp;", "&")  # type: ignore[union-attr]
    vorbelegt = kreis.get(link).get_data(as_text=True)
    assert f'name="hilfeersuchen" type="hidden" value="{ersuchen}"' in vorbelegt
    antwort = kreis.post("/admin/vereinbarung/anfragen/", data={
        "csrf_token": admin_token(kreis), "zuweisend": eigen_id, "aufnehmend": fremd_id,
        "personen": "15", "platzart": "dezentral", "anrechnung": "zuweisend",
        "leistungen_durch": "zuweisend", "kita_schule_durch": "aufnehmend",
        "hilfeersuchen": str(ersuchen)})
    assert antwort.status_code == 302
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
    fremd = _angemeldet(web, "fremd")
    fremd.post("/admin/hilfeersuchen/schliessen/", data={
        "csrf_token": admin_token(fremd), "id": ersuchen, "version": version - 1,
        "status": "zurueckgezogen"})
    with web.app_context():
        assert abzug() == vorher
